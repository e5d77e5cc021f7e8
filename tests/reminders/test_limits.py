"""The rate limiter, on a clock the test moves."""

from __future__ import annotations

import asyncio

import pytest

from core.messages import Capabilities
from reminders.limits import RateLimiter

TELEGRAM_LIKE = Capabilities("t", is_group=lambda chat: chat.startswith("-"))


class Ticks:
    """A clock that moves only when the limiter sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


async def test_thirty_a_second_evenly_spaced(ticks):
    limiter = RateLimiter(TELEGRAM_LIKE, now=ticks, sleep=ticks.sleep)
    for chat in range(61):
        await limiter.take(str(chat))
    assert 1.9 < ticks.now - 100.0 < 2.2  # 60 gaps at just under 1/30 s


async def test_a_chat_takes_a_short_burst_then_one_a_second(ticks):
    limiter = RateLimiter(TELEGRAM_LIKE, now=ticks, sleep=ticks.sleep)
    for _ in range(3):
        await limiter.take("42")
    assert ticks.now - 100.0 < 0.2
    assert 0.9 < limiter.chat_wait("42") <= 1.05 and limiter.chat_wait("43") == 0
    for _ in range(5):
        await limiter.take("42")
    assert 5.0 < ticks.now - 100.0 < 5.5


async def test_a_chat_is_booked_for_when_its_message_really_leaves(ticks):
    # The bot's slot comes 5 s later (its quota was met): the chat's next message must then
    # wait a second after that departure, not after the moment the first one was booked.
    limiter = RateLimiter(Capabilities("t", chat_burst=1), now=ticks, sleep=ticks.sleep)
    limiter.pause_all(5)
    await limiter.take("42")
    assert ticks.now == pytest.approx(105.0)
    assert 1.0 < limiter.chat_wait("42") <= 1.05


async def test_sends_woken_late_together_still_leave_spaced():
    """The event loop was busy: sends booked 1/30 s apart all wake at the same late moment,
    and must not all leave then (Telegram would count them in one second)."""

    class Stalled:
        now = 100.0

        def __call__(self) -> float:
            return self.now

        async def sleep(self, seconds: float) -> None:
            due = self.now + seconds
            await asyncio.sleep(0)
            self.now = max(self.now, due, 100.2)  # nobody wakes before 100.2

    clock = Stalled()
    limiter = RateLimiter(TELEGRAM_LIKE, now=clock, sleep=clock.sleep)
    left = []

    async def send(chat: str) -> None:
        await limiter.take(chat)
        left.append(clock.now)

    await asyncio.gather(*(send(str(chat)) for chat in range(4)))
    left.sort()
    assert all(b - a >= limiter.spacing - 1e-9 for a, b in zip(left, left[1:])), left


async def test_twenty_a_minute_per_group(ticks):
    limiter = RateLimiter(TELEGRAM_LIKE, now=ticks, sleep=ticks.sleep)
    for _ in range(20):
        limiter._book("-100200", ticks.now)
    assert limiter.chat_wait("-100200") > 59 and limiter.chat_wait("42") == 0
    ticks.now += 62
    assert limiter.chat_wait("-100200") == 0


async def test_a_429_holds_only_its_chat(ticks):
    limiter = RateLimiter(TELEGRAM_LIKE, now=ticks, sleep=ticks.sleep)
    limiter.pause(3, "7")
    await limiter.take("8")
    assert ticks.now < 100.1
    await limiter.take("7")
    assert ticks.now >= 103.0
