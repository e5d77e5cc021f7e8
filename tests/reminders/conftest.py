"""Reminders in fast motion: a recording channel, the reminder service on the test's clock."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pytest

from bot.telegram.fakeapi import Limits, LocalBotApi
from core.messages import Capabilities, Reply
from core.clock import FixedClock
from reminders.limits import RateLimiter
from reminders.scheduler import ReminderService
from reminders.sender import Delivery
from tests.conftest import TEST_CHANNELS
from tests.waiting import wait_for  # noqa: F401  (re-exported for the tests here)
from tests.phuhuu import (  # noqa: F401  (re-exported for the tests here)
    FIXTURES,
    PHONES,
    TABLE_PLAN,
    TZ,
    chat_of,
    local,
)


UNLIMITED = Capabilities("test", per_second=1e6, chat_interval=0.0)


@dataclass
class Sent:
    at: datetime
    chat_id: str
    reply: Reply

    @property
    def reminder_id(self) -> int:
        return int(self.reply.buttons[0][0].data.removeprefix("r:"))


class Recorder:
    """A channel that delivers everything and remembers it, with the clock's time."""

    def __init__(self, clock: FixedClock, caps: Capabilities = UNLIMITED) -> None:
        self.caps = caps
        self.limiter = RateLimiter(caps)
        self.clock = clock
        self.sent: list[Sent] = []
        self.blocked: set[str] = set()

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        if chat_id in self.blocked:
            return Delivery("blocked", error="Forbidden: bot was blocked by the user")
        self.sent.append(Sent(self.clock.now(), chat_id, reply))
        return Delivery("sent", message_id=str(len(self.sent)))


@pytest.fixture
def recorder(year_clock) -> Recorder:
    return Recorder(year_clock)


@pytest.fixture
def service(sessions, renderer, year_clock, recorder) -> ReminderService:
    return ReminderService(sessions, renderer, year_clock, {"test": recorder})


@pytest.fixture
def run_until(service, year_clock):
    """`await run_until(datetime, on={moment: callback})`: tick through time."""

    async def run(end: datetime, every: float = 6.0, on: dict | None = None) -> None:
        """Ticks at 02:00, 08:00, 14:00 and 20:00: two of them in the quiet hours."""
        pending = sorted((on or {}).items())
        while year_clock.now() < end:
            while pending and pending[0][0] <= year_clock.now():
                pending.pop(0)[1]()
            await service.run_once()
            year_clock.advance(hours=every)

    return run


@pytest.fixture
def demo_recorder(clock, channel) -> Recorder:
    return Recorder(clock, replace(TEST_CHANNELS[channel], per_second=1e6, chat_interval=0.0))


@pytest.fixture
def demo_reminders(sessions, renderer, clock, demo_recorder, school) -> ReminderService:
    """Reminders for the bundled example school, on the suite's clock."""
    return ReminderService(sessions, renderer, clock, {demo_recorder.caps.name: demo_recorder})


def move_to(clock: FixedClock, moment: datetime) -> None:
    clock.advance(seconds=(moment - clock.now()).total_seconds())


@pytest.fixture
def limited_api():
    """The local Bot API server holding the bot to Telegram's limits."""
    with LocalBotApi(limits=Limits()) as server:
        yield server


async def ticks_pass(app, count: int = 2) -> None:
    """`count` more reminder ticks finished: the first may have begun before what the test
    just did, the next began after it, so all it would send is sent."""
    start = app.reminders.ticks_done
    await wait_for(lambda: app.reminders.ticks_done >= start + count)


def reading(sessions, read):
    """`read(session)` in a new session at each call, for wait_for: a session kept open
    keeps the snapshot of its first read and never sees what the bot writes later."""
    def call():
        with sessions() as session:
            return read(session)
    return call
