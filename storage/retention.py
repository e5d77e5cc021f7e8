"""Retention: the records that only served the running of the bot are deleted once old, in
small batches (each its own transaction, so a year of backlog never holds a lock for long).

Deleted:
- outbox rows (what was sent, to which chat, with its text) finished longer than `keep`
  ago; a person's last check-ins stay (below), and so do the overdue-ladder rungs the rows
  carried (overdue_alerts, no longer naming the row);
- "remind me later" snoozes whose day is `keep` past;
- web sign-in links and sessions `keep` after they expired;
- handled-event records after KEEP_EVENTS (a channel redelivers an update within a day);
- refused invitation codes and sign-in links after FAILURES_KEEP (they are counted over
  an hour, or a quarter of one);
- download links once expired, plan files sent in chat and left unconfirmed after
  UPLOAD_KEEP.

Never deleted here: answers and corrections (task_updates), evidence, tasks and plans,
staff, accounts, invitations (the record of who linked when), conversations, the audit
trail.

Why `keep` has a floor (MIN_KEEP). What was told is read back from the outbox rows (the
items each carried), so a pruned row could be told again if the planner still looked that
far back. It does not:
- the planner looks back LOOKBACK (45 days) for what is still to tell, and at the rows of
  the last LOOKBACK and a month for what was told; a row is never due after it was written,
  so everything it could tell again is younger than `keep`;
- a follow-up needs its check-in's row as proof it went out: a pruned check-in only means
  no follow-up, never a second one;
- the overdue ladder reads its rungs from overdue_alerts, which pruning keeps;
- the silent list and the digest read each person's last sent check-ins: the newest
  `silent_after` of everyone (the largest any school asks for, at least one) are kept,
  whatever their age, so both say what they said before pruning.
Sixty days leaves a wide margin over all of these, and keeps the buttons of the last two
months' reminders working ("Cập nhật ngay" on a pruned reminder answers that it is stale).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from storage.conversations import KEEP_EVENTS
from storage.db import writing
from storage.models import (
    Download,
    LinkFailure,
    OutboxMessage,
    OverdueAlert,
    ProcessedEvent,
    ReminderSnooze,
    School,
    Upload,
    WebFailure,
    WebSession,
    WebSignIn,
)
from storage.outbox import CHECK_INS, PENDING, SENDING, SENT
from storage.schools import school_calendar

DEFAULT_KEEP = timedelta(days=180)
MIN_KEEP = timedelta(days=60)
FAILURES_KEEP = timedelta(days=1)
# A plan file waits in the database between its preview and «Nhập»: a principal may leave
# it over a weekend, not for weeks. Confirming a pruned one says to send it again.
UPLOAD_KEEP = timedelta(days=7)
BATCH = 1000


def prune(sessions: sessionmaker[Session], now: datetime, keep: timedelta = DEFAULT_KEEP,
          batch: int = BATCH) -> dict[str, int]:
    """Delete what is older than its time; returns how many rows went, per table."""
    if keep < MIN_KEEP:
        raise ValueError(f"records are kept at least {MIN_KEEP.days} days, not {keep.days}")
    cutoff = now - keep
    counts = {}
    counts["outbox"], counts["overdue_alerts"] = _prune_outbox(sessions, cutoff, batch)
    for model, old in (
            (ReminderSnooze, ReminderSnooze.until < cutoff),
            (WebSignIn, WebSignIn.expires_at < cutoff),
            (WebSession, WebSession.expires_at < cutoff),
            (ProcessedEvent, ProcessedEvent.processed_at < now - KEEP_EVENTS),
            (LinkFailure, LinkFailure.at < now - FAILURES_KEEP),
            (WebFailure, WebFailure.at < now - FAILURES_KEEP),
            (Download, Download.expires_at <= now),
            (Upload, Upload.created_at < now - UPLOAD_KEEP)):
        counts[model.__tablename__] = _delete(sessions, model, old, batch)
    return counts


def _delete(sessions: sessionmaker[Session], model, old, batch: int) -> int:
    oldest = select(model.id).where(old).order_by(model.id).limit(batch)
    total = 0
    while True:
        with writing(sessions) as session:
            gone = session.execute(delete(model).where(model.id.in_(oldest)),
                                   execution_options={"synchronize_session": False}).rowcount
        total += gone
        if gone < batch:
            return total


def _prune_outbox(sessions: sessionmaker[Session], cutoff: datetime,
                  batch: int) -> tuple[int, int]:
    """(outbox rows deleted, overdue alerts let go of them). Rows still waiting or being sent
    stay, and so do each person's last check-ins (see the module's docstring)."""
    with sessions() as session:
        last = max([1, *(school_calendar(s).silent_after
                         for s in session.scalars(select(School)))])
    newest = func.row_number().over(partition_by=OutboxMessage.staff_id,
                                    order_by=(OutboxMessage.due_at.desc(),
                                              OutboxMessage.id.desc()))
    ranked = (select(OutboxMessage.id, newest.label("newest"))
              .where(OutboxMessage.status == SENT, OutboxMessage.kind.in_(CHECK_INS))
              .subquery())
    kept = select(ranked.c.id).where(ranked.c.newest <= last)
    oldest = (select(OutboxMessage.id)
              .where(OutboxMessage.status.not_in((PENDING, SENDING)),
                     OutboxMessage.created_at < cutoff, OutboxMessage.id.not_in(kept))
              .order_by(OutboxMessage.id).limit(batch))
    rows = alerts = 0
    while True:
        with writing(sessions) as session:
            ids = list(session.scalars(oldest))
            if ids:
                # A rung of the overdue ladder outlives the message that carried it: else a
                # task late for longer than the keep would climb the ladder again.
                alerts += session.execute(
                    update(OverdueAlert).where(OverdueAlert.outbox_id.in_(ids))
                    .values(outbox_id=None),
                    execution_options={"synchronize_session": False}).rowcount
                rows += session.execute(
                    delete(OutboxMessage).where(OutboxMessage.id.in_(ids)),
                    execution_options={"synchronize_session": False}).rowcount
        if len(ids) < batch:
            return rows, alerts
