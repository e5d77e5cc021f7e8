"""The rate limiter, on a clock the test moves."""

from __future__ import annotations

from reminders.limits import RateLimiter


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_thirty_a_second_evenly_spaced(monkeypatch):
    ticks = Ticks()
    slept: list[float] = []

    async def sleep(seconds):
        slept.append(seconds)
        ticks.now += seconds

    monkeypatch.setattr("reminders.limits.asyncio.sleep", sleep)
    limiter = RateLimiter(now=ticks)
    for chat in range(61):
        await limiter.take(str(chat))
    assert 1.9 < ticks.now - 100.0 < 2.2  # 60 gaps at just under 1/30 s


async def test_one_a_second_per_chat_and_twenty_a_minute_per_group():
    ticks = Ticks()
    limiter = RateLimiter(now=ticks)
    limiter._book("42", ticks.now)
    assert 0.9 < limiter.chat_wait("42") <= 1.05 and limiter.chat_wait("43") == 0
    for _ in range(20):
        limiter._book("-100200", ticks.now)
    assert limiter.chat_wait("-100200") > 59
    ticks.now += 62
    assert limiter.chat_wait("-100200") == 0 and limiter.chat_wait("42") == 0


async def test_a_429_pauses_everything(monkeypatch):
    ticks = Ticks()

    async def sleep(seconds):
        ticks.now += seconds

    monkeypatch.setattr("reminders.limits.asyncio.sleep", sleep)
    limiter = RateLimiter(now=ticks)
    limiter.pause(3)
    await limiter.take("7")
    assert ticks.now >= 103.0
