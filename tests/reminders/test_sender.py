"""The outbox sender when the channel times out or fails."""

from __future__ import annotations

from sqlalchemy import select

from core.messages import Reply
from reminders.limits import RateLimiter
from reminders.sender import Delivery
from storage.models import OutboxMessage
from tests.reminders.conftest import UNLIMITED, local, move_to


class Flaky:
    """Times out `failures` times, then delivers."""

    caps = UNLIMITED

    def __init__(self, failures: int) -> None:
        self.limiter = RateLimiter(UNLIMITED)
        self.failures = failures
        self.sent: list[tuple[str, Reply]] = []

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        if self.failures:
            self.failures -= 1
            return Delivery("error", error="Timed out")
        self.sent.append((chat_id, reply))
        return Delivery("sent", message_id="1")


def statuses(sessions) -> list[tuple[str, int]]:
    with sessions() as session:
        return session.execute(select(OutboxMessage.status, OutboxMessage.attempts)
                               .where(OutboxMessage.status != "dropped")).all()


async def test_timeouts_are_retried_then_the_row_waits_then_it_goes(
        sessions, chat_as, clock, demo_reminders, monkeypatch, channel):
    monkeypatch.setattr("reminders.sender.BACKOFF_SECONDS", 0.0)
    chat_as("0901234503")
    flaky = Flaky(failures=6)  # four tries now, then a minute later two more fail
    demo_reminders.sender.transports = {channel: flaky}
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    assert statuses(sessions) == [("pending", 1)] and flaky.sent == []
    clock.advance(minutes=1)
    await demo_reminders.run_once()
    assert statuses(sessions) == [("sent", 2)] and len(flaky.sent) == 1


async def test_a_channel_down_for_a_day_fails_the_row_and_says_so(
        sessions, chat_as, clock, demo_reminders, monkeypatch, caplog, channel):
    monkeypatch.setattr("reminders.sender.BACKOFF_SECONDS", 0.0)
    chat_as("0901234503")
    demo_reminders.sender.transports = {channel: Flaky(failures=10_000)}
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    move_to(clock, local(2026, 11, 26, 8, 1))
    await demo_reminders.run_once()
    assert statuses(sessions)[0][0] == "failed"
    assert "not sent" in caplog.text


async def test_a_row_whose_bot_is_not_connected_waits_for_it(sessions, chat_as, clock,
                                                             demo_reminders):
    chat_as("0901234503")
    transports = demo_reminders.sender.transports
    demo_reminders.sender.transports = {}
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    assert statuses(sessions) == [("pending", 1)]
    demo_reminders.sender.transports = transports
    move_to(clock, local(2026, 11, 25, 8, 2))
    await demo_reminders.run_once()
    assert statuses(sessions) == [("sent", 2)]


async def test_a_message_sent_while_the_database_restarts_is_recorded_once_it_is_back(
        sessions, chat_as, clock, demo_reminders, monkeypatch, channel):
    """The send went out; writing "sent" met the database restarting: it is written when
    the database answers, so no later sender takes the row for unsent."""
    from sqlalchemy.exc import OperationalError

    monkeypatch.setattr("reminders.sender.RECORD_WAITS", (0.0, 0.0, 0.0))
    chat_as("0901234503")
    flaky = Flaky(failures=0)
    demo_reminders.sender.transports = {channel: flaky}
    record, away = demo_reminders.sender._record, [2]

    def restarting(*args):
        if away[0]:
            away[0] -= 1
            raise OperationalError("UPDATE outbox", {}, Exception("server closed the connection"))
        return record(*args)

    monkeypatch.setattr(demo_reminders.sender, "_record", restarting)
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    assert statuses(sessions) == [("sent", 1)] and len(flaky.sent) == 1
