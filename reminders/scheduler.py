"""The reminder clock: APScheduler ticks; each tick, in the one process that holds the lease,
turns today's messages whose moment has come (reminders/planner.py) into outbox rows and
drains them."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from templates.render import Renderer
from core.clock import Clock
from readers.frameworks import criterion_sort_key
from reminders.messages import compose
from reminders.planner import GROUP, Mailer, sends_on
from reminders.sender import DrainReport, OutboxSender, Transport
from reminders.state import Address, addresses, load_history, load_state
from storage.db import writing
from storage.leases import give_up, hold
from storage.models import OutboxMessage, OverdueAlert, School
from storage.outbox import PENDING, add_message, release_claims
from storage.retention import prune
from storage.schools import school_calendar
from storage.settings import put_setting, setting

log = logging.getLogger(__name__)

LEASE = "reminders"
# When old records were last pruned: in the database, so that neither a restart nor another
# replica taking the lease prunes again the same day.
PRUNED_SETTING = "retention_pruned_at"
PRUNE_EVERY = timedelta(days=1)


@dataclass
class TickReport:
    queued: int = 0


def enqueue_due(session: Session, school: School, renderer: Renderer,
                now: datetime) -> TickReport:
    """Write an outbox row for each message of this school whose moment has come today:
    everything due to one person, in one message."""
    report = TickReport()
    if not sends_on(school_calendar(school), now.astimezone(ZoneInfo(school.timezone)).date()):
        return report
    state = load_state(session, school, now)
    if state is None:
        return report
    reach = addresses(session, school.id)
    if school.board_chat_id:
        reach[GROUP] = Address(school.board_channel, school.board_chat_id, school.board_bot)
    history = load_history(session, school.id, now, state.tz)
    today = now.astimezone(state.tz).date()
    digests: dict = {}
    for message in Mailer(state, history).day(today, now):
        address = reach.get(message.staff_id)
        if address is None:  # not linked yet: it waits for them
            continue
        recipient = message.staff_id if message.staff_id is not GROUP else f"group{school.id}"
        at = message.at.astimezone(timezone.utc)
        row = OutboxMessage(
            school_id=school.id, key=f"msg:{today.isoformat()}:{recipient}", kind=message.kind,
            period=today.isoformat(), staff_id=message.staff_id, channel=address.channel,
            chat_id=address.chat_id, bot=address.bot, due_at=at, not_before=max(at, now),
            status=PENDING, task_ids=list(message.task_ids),
            items=[i.to_json() for i in message.items], body={}, attempts=0,
            criteria=sorted({state.by_id[t].code for i in message.items for t in i.task_ids
                             if t in state.by_id}, key=criterion_sort_key), created_at=now)
        if not add_message(session, row):
            continue
        row.body = compose(renderer, session, state, school, message, row.id, digests)
        for item in message.items:
            if item.rung is not None:
                session.add(OverdueAlert(school_id=school.id, task_id=item.task_ids[0],
                                         step=item.rung, week=0, staff_id=message.staff_id,
                                         outbox_id=row.id, created_at=now))
        report.queued += 1
    return report


class ReminderService:
    """One per process. Ticks every `tick_seconds`; only the lease holder plans and sends."""

    def __init__(self, sessions: sessionmaker[Session], renderer: Renderer, clock: Clock,
                 transports: dict[str, Transport],
                 tick_seconds: float = 60.0, lease_seconds: float | None = None,
                 retention: timedelta | None = None) -> None:
        self.sessions = sessions
        # How long old records are kept (storage/retention.py); None prunes nothing, as in
        # the tests and the sandbox, whose clocks run through a year in minutes.
        self.retention = retention
        self.renderer = renderer
        self.clock = clock
        self.tick_seconds = tick_seconds
        self.lease_seconds = lease_seconds or max(3 * tick_seconds, 10.0)
        self.holder = f"{uuid.uuid4().hex[:12]}"
        self.leading = False
        self.sender = OutboxSender(sessions, transports, renderer, clock, self.holder,
                                   keep_lease=self._keep_lease)
        self._scheduler: AsyncIOScheduler | None = None
        self._renewed: datetime | None = None
        self._outage = False
        # Ticks finished: "nothing more was sent" is known once one more has run, not after
        # a guessed pause.
        self.ticks_done = 0

    def tick(self) -> TickReport | None:
        """Plan every school; None when another process holds the lease."""
        if not self._keep_lease(force=True):
            return None
        total = TickReport()
        with self.sessions() as session:
            school_ids = list(session.scalars(select(School.id).order_by(School.id)))
        for school_id in school_ids:
            try:
                with writing(self.sessions) as session:
                    report = enqueue_due(session, session.get(School, school_id),
                                         self.renderer, self.clock.now())
            except (OperationalError, InterfaceError):
                raise  # the database is away: the tick says so once (run_once)
            except Exception:
                log.exception("planning reminders for school %s failed", school_id)
                continue
            total.queued += report.queued
        return total

    async def run_once(self) -> DrainReport | None:
        """One tick: plan, send, prune. While the database is away, one line says so when it
        goes and one when it is back, not a traceback every tick."""
        try:
            report = await self._run_once()
        except (OperationalError, InterfaceError) as exc:
            if not self._outage:
                log.warning("reminders wait: the database does not answer (%s)",
                            type(exc.orig).__name__ if hasattr(exc, "orig") else exc)
                self._outage = True
            return None
        finally:
            self.ticks_done += 1
        if self._outage:
            log.warning("reminders go on: the database answers again")
            self._outage = False
        return report

    async def _run_once(self) -> DrainReport | None:
        # Planning a large school takes a while: in a thread, so chats are answered meanwhile.
        if await asyncio.to_thread(self.tick) is None:
            return None
        report = await self.sender.drain()
        if self.retention is not None:
            await asyncio.to_thread(self.prune_if_due)
        return report

    def prune_if_due(self) -> dict[str, int] | None:
        """Prune old records once a day (the lease holder, after sending): the counts, or
        None when the last run was less than a day ago."""
        now = self.clock.now()
        with writing(self.sessions) as session:
            last = setting(session, PRUNED_SETTING)
            if last is not None and now - datetime.fromisoformat(last) < PRUNE_EVERY:
                return None
            # Noted first: a run that fails is not tried again at every tick.
            put_setting(session, PRUNED_SETTING, now.isoformat())
        try:
            counts = prune(self.sessions, now, self.retention)
        except Exception:
            log.exception("pruning old records failed")
            return None
        log.info("old records pruned: %s", ", ".join(f"{table} {count}" for table, count
                                                     in counts.items() if count) or "none")
        return counts

    def start(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone=timezone.utc)
        self._scheduler.add_job(self.run_once, "interval", seconds=self.tick_seconds,
                                next_run_time=datetime.now(timezone.utc), max_instances=1,
                                coalesce=True, misfire_grace_time=None, id="reminders")
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        if self.leading:
            with writing(self.sessions) as session:
                give_up(session, LEASE, self.holder)
            self.leading = False

    def _keep_lease(self, force: bool = False) -> bool:
        """Renew the lease (at most every few seconds while draining)."""
        now = self.clock.now()
        if (not force and self.leading and self._renewed is not None
                and abs((now - self._renewed).total_seconds()) < self.lease_seconds / 3):
            return True
        with writing(self.sessions) as session:
            held = hold(session, LEASE, self.holder, now, self.lease_seconds)
            if held and not self.leading:
                released = release_claims(session, self.holder)
                if released:
                    log.warning("re-sending %d reminders a stopped process had claimed",
                                released)
        if held != self.leading:
            log.info("reminders: %s", "this process now sends" if held else "lease lost")
        self.leading, self._renewed = held, now
        return held
