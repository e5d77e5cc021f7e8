"""The outbox sender: drains due rows through a channel's transport within the rate limits.

Each row is claimed in its own transaction before it is sent and marked right after, so a
row goes out once even with several processes. A process killed while a message is on
the wire leaves that row claimed; the next leader sends it again (see docs/architecture.md: the one
case the Bot API cannot settle)."""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Callable, Protocol

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.messages import Capabilities, Reply, reply_from_body, reply_to_body
from reminders.budget import FIRST, PROBE_EVERY, admit, record_quota, record_sent, urgent
from reminders.limits import RateLimiter
from storage.conversations import offer_choices
from storage.db import writing
from storage.models import OutboxMessage
from storage.outbox import (
    DROPPED,
    FAILED,
    SENT,
    UNREACHABLE,
    claim_many,
    due_messages,
    finish,
    mark_unreachable,
    replace_body,
    retry_later,
)
from templates.render import Renderer
from templates.shaping import shaped

log = logging.getLogger(__name__)

TRIES_IN_PLACE = 4
BACKOFF_SECONDS = 0.5  # after a timeout or a 5xx: 0.5, 1, 2 s, then the row waits a minute
RETRY_LATER = timedelta(minutes=1)
# A bot with this many seconds of sends booked takes no more rows for now: they would only
# wait in its limiter, holding workers the other bots' rows could use.
LANE_AHEAD = 0.5
GIVE_UP_AFTER = timedelta(days=1)
RECORD_WAITS = (0.5, 1, 2, 4, 8, 15, 30, 30)  # about 1.5 minutes for the database to return


@dataclass(frozen=True)
class Delivery:
    """What a channel said about one message."""

    # sent | retry_after | blocked | rejected | error | quota (the month's quota is spent)
    outcome: str
    retry_after: float = 0.0
    message_id: str | None = None
    error: str | None = None
    count: int = 0  # messages that went out on the way (a long text's pieces, a photo)


class Transport(Protocol):
    """One bot on one channel: what it can do, its limits, and one send."""

    caps: Capabilities
    limiter: RateLimiter

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        """Send one message; never raises for what the channel answers."""


def lane(channel: str, bot: str | None = None) -> str:
    """The key of one bot's transport: its channel, and the bot's key unless it is the
    channel's default bot."""
    return channel if bot is None else f"{channel}:{bot}"


def file_not_sent(renderer: Renderer, name: str) -> Reply:
    """What a person gets instead of a file their channel refused to carry."""
    return Reply(renderer.text("chat/file_not_sent.j2", name=name))


async def send_paced(transport: Transport, chat_id: str, reply: Reply) -> Delivery:
    """Send one message within the channel's limits, trying again in place after a 429 (that
    chat waits; the others do not) or a network error."""
    delivery = Delivery("error")
    count = 0
    for attempt in range(TRIES_IN_PLACE):
        await transport.limiter.take(chat_id)
        delivery = await transport.deliver(chat_id, reply)
        count += delivery.count
        delivery = replace(delivery, count=count)
        if delivery.outcome == "retry_after":
            log.warning("429 for a chat, it waits %.1f s", delivery.retry_after)
            transport.limiter.pause(delivery.retry_after, chat_id)
        elif delivery.outcome == "error":
            await asyncio.sleep(BACKOFF_SECONDS * 2**attempt)
        else:
            break
    return delivery


@dataclass
class DrainReport:
    sent: int = 0
    limited: int = 0  # 429s met on the way
    unreachable: int = 0
    failed: int = 0
    postponed: int = 0


@dataclass(frozen=True)
class _Row:
    id: int
    channel: str
    chat_id: str
    bot: str | None
    body: dict
    due_at: datetime
    kind: str = ""

    @property
    def lane(self) -> str:
        return lane(self.channel, self.bot)


class OutboxSender:
    def __init__(self, sessions: sessionmaker[Session], transports: dict[str, Transport],
                 renderer: Renderer, clock: Clock, holder: str, workers: int = 8,
                 batch: int = 200, keep_lease: Callable[[], bool] | None = None) -> None:
        self.sessions = sessions
        self.transports = transports
        self.renderer = renderer
        self.clock = clock
        self.holder = holder
        self.workers = workers
        self.batch = batch
        self.keep_lease = keep_lease

    @property
    def limits(self) -> dict[str, int]:
        """Channels whose bots have a monthly message budget (Zalo): messages per bot. (A
        channel's transports come and go while the process runs: asked each time.)"""
        return {name.split(":")[0]: t.monthly_budget for name, t in
                list(self.transports.items()) if getattr(t, "monthly_budget", None)}

    async def drain(self) -> DrainReport:
        """Send every row that is due now; returns when none is left (or the lease is lost)."""
        report = DrainReport()
        in_flight: dict[int, asyncio.Task] = {}
        while self.keep_lease is None or self.keep_lease():
            rows = await asyncio.to_thread(self._due, set(in_flight))
            if not rows and not in_flight:
                break
            if not await self._start(self._ready(rows), in_flight, report):
                if in_flight:
                    await asyncio.wait(in_flight.values(), return_when=asyncio.FIRST_COMPLETED)
                else:
                    await asyncio.sleep(min(self._chat_wait(r) for r in rows))
            _forget_done(in_flight)
        if in_flight:
            await asyncio.gather(*in_flight.values())
        return report

    async def _start(self, ready: list[_Row], in_flight: dict[int, asyncio.Task],
                     report: DrainReport) -> int:
        """Claim and send the ready rows, as many at once as there are free workers; rows
        for bots with less booked ahead go first. Returns how many were started."""
        started = 0
        while ready:
            if len(in_flight) >= self.workers:
                await asyncio.wait(in_flight.values(), return_when=asyncio.FIRST_COMPLETED)
                _forget_done(in_flight)
            room = self.workers - len(in_flight)
            busy = self._busy_lanes()
            batch = [r for r in ready if r.lane not in busy][:room] or ready[:room]
            taken = {r.id for r in batch}
            ready = [r for r in ready if r.id not in taken]
            won = await asyncio.to_thread(self._claim, [r.id for r in batch])
            for row in batch:
                if row.id in won:
                    in_flight[row.id] = asyncio.create_task(self._send(row, report))
                    started += 1
        return started

    def _ready(self, rows: list[_Row]) -> list[_Row]:
        """The rows that may go now: one a chat, and none to a chat that just had one (its
        turn comes in a later pass), in the order they were due."""
        ready, chats = [], set()
        for row in rows:
            if (row.lane, row.chat_id) not in chats and self._chat_wait(row) <= 0:
                ready.append(row)
            chats.add((row.lane, row.chat_id))
        return ready

    def _chat_wait(self, row: _Row) -> float:
        transport = self.transports.get(row.lane)
        return transport.limiter.chat_wait(row.chat_id) if transport else 0.0

    # The database work runs in threads: a slow commit must not hold up the event loop, or
    # the sends queued behind it leave in a bunch and break the per-second limit.

    def _claim(self, row_ids: list[int]) -> set[int]:
        with writing(self.sessions) as session:
            return claim_many(session, row_ids, self.holder, self.clock.now())

    def _due(self, skip: set[int]) -> list[_Row]:
        limits = self.limits
        if not limits:
            with self.sessions() as session:
                return [_Row(m.id, m.channel, m.chat_id, m.bot, m.body, m.due_at, m.kind)
                        for m in due_messages(session, self.clock.now(), self.batch, skip)]
        # A bot low on its month's budget sends what matters most; the rest goes through
        # Telegram, is merged into a later message, or waits (reminders/budget.py).
        now = self.clock.now()
        with writing(self.sessions) as session:
            rows = due_messages(session, now, self.batch, skip)
            allowed = set(admit(session, rows, limits, now))
            return [_Row(m.id, m.channel, m.chat_id, m.bot, m.body, m.due_at, m.kind)
                    for m in rows if m.id in allowed]

    def _busy_lanes(self) -> set[str]:
        return {name for name, transport in self.transports.items()
                if transport.limiter.backlog() > LANE_AHEAD}

    async def _send(self, row: _Row, report: DrainReport) -> None:
        try:
            delivery = await self._deliver(row, report)
        except Exception as exc:  # a bug must not leave the row claimed for ever
            log.exception("sending outbox row %s failed", row.id)
            delivery = Delivery("error", error=repr(exc))
        # The message is out: what it became must be written even if the database is away
        # for a moment (a restart), or the row stays claimed and the next sender sends it
        # again.
        for wait in RECORD_WAITS:
            try:
                await asyncio.to_thread(self._record, row, delivery, report)
                return
            except (OperationalError, InterfaceError):
                log.warning("the database did not answer: outbox row %s recorded again in "
                            "%.0f s", row.id, wait)
                await asyncio.sleep(wait)
        await asyncio.to_thread(self._record, row, delivery, report)

    def _record(self, row: _Row, delivery: Delivery, report: DrainReport) -> None:
        now = self.clock.now()
        limit = self.limits.get(row.channel)
        with writing(self.sessions) as session:
            if limit and delivery.count:
                used = record_sent(session, self.renderer, row.channel, row.bot,
                                   delivery.count, limit, now)
                transport = self.transports.get(row.lane)
                if transport is not None:
                    transport.used = used
            if delivery.outcome == "quota":
                record_quota(session, self.renderer, row.channel, row.bot, limit or 0, now)
                # Held back like any message the budget leaves out; what must go waits for
                # the next probe (reminders/budget.py admit).
                if row.kind in FIRST or urgent(session.get(OutboxMessage, row.id)):
                    retry_later(session, row.id, now + PROBE_EVERY, delivery.error or "")
                else:
                    finish(session, row.id, DROPPED, now, error=delivery.error)
                report.limited += 1
            elif delivery.outcome == "sent":
                finish(session, row.id, SENT, now, delivery.message_id)
                transport = self.transports.get(row.lane)
                if row.body.get("buttons") and transport and not transport.caps.buttons:
                    offer_choices(session, row.channel, row.chat_id,
                                  [b for line in row.body["buttons"] for b in line], self.clock)
                report.sent += 1
            elif delivery.outcome == "blocked":
                finish(session, row.id, UNREACHABLE, now, error=delivery.error)
                mark_unreachable(session, row.channel, row.chat_id, now, row.bot)
                report.unreachable += 1
            elif row.body.get("document") and (delivery.outcome == "rejected"
                                               or now - row.due_at > GIVE_UP_AFTER):
                # A file the channel will not carry: the person is told where to get it.
                name = row.body["document"]["name"]
                replace_body(session, row.id, reply_to_body(file_not_sent(self.renderer, name)),
                             now)
                log.warning("outbox row %s: the file was not delivered (%s); a sentence "
                            "goes instead", row.id, delivery.error)
                report.postponed += 1
            elif delivery.outcome == "rejected" or now - row.due_at > GIVE_UP_AFTER:
                finish(session, row.id, FAILED, now, error=delivery.error)
                log.error("outbox row %s not sent: %s", row.id, delivery.error)
                report.failed += 1
            else:
                retry_later(session, row.id, now + RETRY_LATER, delivery.error or "")
                report.postponed += 1

    async def _deliver(self, row: _Row, report: DrainReport) -> Delivery:
        """The message; then its picture (the digest's chart), when it has one. What the
        message became is what its text became: a picture that fails is logged, not
        sent again with the text."""
        transport = self.transports.get(row.lane)
        if transport is None:
            # Its bot is not connected (yet): the row waits, as after a network error.
            return Delivery("error", error=f"no transport for {row.lane}")
        replies = [reply_from_body(row.body)]
        if "caption" in row.body:  # a reminder and its picture (the digest's chart): two
            replies = [reply_from_body({**row.body, "photo": None}),
                       Reply(row.body["caption"], photo=base64.b64decode(row.body["photo"]))]
        delivery, count = None, 0
        for reply in shaped(replies, transport.caps, self.renderer):
            outcome = await send_paced(transport, row.chat_id, reply)
            count += outcome.count
            if outcome.outcome == "retry_after":
                report.limited += 1
            if delivery is None:
                delivery = outcome
                if outcome.outcome != "sent":
                    break
            elif outcome.outcome != "sent":
                log.warning("the picture of outbox row %s was not sent: %s", row.id,
                            outcome.error)
        return replace(delivery, count=count) if delivery is not None else delivery


def _forget_done(in_flight: dict[int, asyncio.Task]) -> None:
    for row_id in [i for i, task in in_flight.items() if task.done()]:
        in_flight.pop(row_id).result()
