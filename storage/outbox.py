"""The outbox: every scheduled message is a row before it is a message. A row is claimed
(pending → sending) by one sender in its own transaction, so two processes never send the
same row; it ends sent, unreachable, failed or dropped."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Row, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Account, OutboxMessage, Staff, Task, TaskOwner, TaskUpdate

PENDING, SENDING, SENT = "pending", "sending", "sent"
DROPPED, UNREACHABLE, FAILED = "dropped", "unreachable", "failed"


def scheduled_rows(session: Session, school_id: int, since: datetime) -> list[Row]:
    """The school's scheduled messages due since `since` that were or are being told (not
    the ones dropped, not replies), oldest first: what they carried, not their text (a tick
    reads weeks of them; the rendered body is most of a row's bytes)."""
    return list(session.execute(
        select(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.period,
               OutboxMessage.staff_id, OutboxMessage.due_at, OutboxMessage.task_ids,
               OutboxMessage.items).where(
            OutboxMessage.school_id == school_id, OutboxMessage.due_at >= since,
            OutboxMessage.kind != "reply", OutboxMessage.status != DROPPED)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)))


CHECK_INS = ("monthly", "term_review")  # reminders/planner.py CHECKINS (a layer above)


def silent_staff(session: Session, school_ids: list[int], until: datetime) -> set[int]:
    """Active staff whose last check-in (a message that carried the month's check-in or a
    term review) went out before `until` and who updated nothing since its period began:
    a person who answered any of their tasks this period has answered."""
    last: dict[int, OutboxMessage] = {}
    for message in session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.school_id.in_(school_ids), OutboxMessage.status == SENT,
                OutboxMessage.kind.in_(CHECK_INS), OutboxMessage.sent_at < until)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)):
        last[message.staff_id] = message
    if not last:
        return set()
    answered = dict(session.execute(
        select(TaskUpdate.author_id, func.max(TaskUpdate.created_at))
        .where(TaskUpdate.school_id.in_(school_ids), TaskUpdate.created_at < until,
               TaskUpdate.author_id.in_(last))
        .group_by(TaskUpdate.author_id)).all())
    active = set(session.scalars(select(Staff.id).where(Staff.id.in_(last), Staff.active)))
    return {staff_id for staff_id, message in last.items() if staff_id in active
            and answered.get(staff_id, _NEVER) < _period_start(message)}


def _period_start(message: OutboxMessage) -> datetime:
    """When the check-in's period began (its items say; a row from before schema 0013 is
    taken from when it was due)."""
    starts = [datetime.fromisoformat(i["since"]) for i in message.items or []
              if i.get("kind") in CHECK_INS and i.get("since")]
    return min(starts) if starts else message.due_at


_NEVER = datetime.min.replace(tzinfo=timezone.utc)


def queue_replies(session: Session, channel: str, user_id: str, chat_id: str,
                  bot: str | None, event_id: str, bodies: list[dict], now: datetime) -> int:
    """Replies a turn could not deliver (the channel refused them for a while): the outbox
    sender sends them once it answers again. Only a linked person's: a row belongs to a
    school. How many were queued."""
    account = session.scalar(select(Account).where(
        Account.channel == channel, Account.external_user_id == user_id).order_by(Account.id)
        .limit(1))
    if account is None:
        return 0
    return sum(add_message(session, OutboxMessage(
        school_id=account.school_id, key=f"reply:{channel}:{bot or ''}:{event_id}:{n}",
        kind="reply", period=event_id, staff_id=account.staff_id, channel=channel,
        chat_id=chat_id, bot=bot, due_at=now, not_before=now, status=PENDING, task_ids=[],
        criteria=[], body=body, attempts=0, created_at=now)) for n, body in enumerate(bodies))


def add_message(session: Session, message: OutboxMessage) -> bool:
    """False when a row with the same key is already there (another process was first)."""
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return False
    return True


def due_messages(session: Session, now: datetime, limit: int,
                 skip: set[int] = frozenset()) -> list[OutboxMessage]:
    """Rows due now but the `skip` ones, taking turns between the bots they go through
    (each bot's oldest, then each bot's second oldest, …): a bot with thousands waiting
    does not keep the others' rows out of the batch."""
    turn = func.row_number().over(partition_by=(OutboxMessage.channel, OutboxMessage.bot),
                                  order_by=(OutboxMessage.not_before, OutboxMessage.id))
    due = (select(OutboxMessage.id, turn.label("turn"))
           .where(OutboxMessage.status == PENDING, OutboxMessage.not_before <= now))
    if skip:
        due = due.where(OutboxMessage.id.not_in(skip))
    due = due.subquery()
    return list(session.scalars(
        select(OutboxMessage).join(due, due.c.id == OutboxMessage.id)
        .order_by(due.c.turn, OutboxMessage.not_before, OutboxMessage.id).limit(limit)))


def claim(session: Session, message_id: int, holder: str, now: datetime) -> bool:
    """Move one row from pending to sending; only one caller can win it."""
    return claim_many(session, [message_id], holder, now) == {message_id}


def claim_many(session: Session, message_ids: list[int], holder: str,
               now: datetime) -> set[int]:
    """Move rows from pending to sending; returns those this caller won."""
    won = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == PENDING)
        .values(status=SENDING, claimed_by=holder, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id))
    return set(won)


def finish(session: Session, message_id: int, status: str, now: datetime,
           channel_message_id: str | None = None, error: str | None = None) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        status=status, sent_at=now if status == SENT else None,
        message_id=channel_message_id, error=error))


def retry_later(session: Session, message_id: int, not_before: datetime, error: str) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        status=PENDING, not_before=not_before, error=error, claimed_by=None))


def replace_body(session: Session, message_id: int, body: dict, now: datetime) -> None:
    """The message becomes another one, due now (a file the channel would not carry becomes
    the sentence that says where to get it)."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        body=body, status=PENDING, due_at=now, not_before=now, error=None, claimed_by=None))


def release_claims(session: Session, holder: str) -> int:
    """Rows another process claimed and never finished (it died): back to pending. Only
    the one process that holds the scheduler lease sends, so these are not in flight."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_by != holder)
        .values(status=PENDING, claimed_by=None))
    return result.rowcount


def mark_unreachable(session: Session, channel: str, chat_id: str, now: datetime,
                     bot: str | None = None) -> None:
    """The chat refused `bot`'s message: nothing more goes to it through that bot until the
    person writes again (when they moved to another bot, they stay reachable there)."""
    session.execute(update(Account).where(Account.channel == channel,
                                          Account.chat_id == chat_id,
                                          Account.bot.is_not_distinct_from(bot))
                    .values(unreachable_at=now))


def pending_tasks(session: Session, message: OutboxMessage, staff_ids: list[int]) -> list[Task]:
    """The reminder's tasks this person still owns, open, and has not updated since the
    reminder was due: what "Cập nhật ngay" walks through, one after another."""
    if not message.task_ids:
        return []
    owned = select(TaskOwner.task_id).where(TaskOwner.staff_id.in_(staff_ids))
    answered = select(TaskUpdate.task_id).where(TaskUpdate.author_id.in_(staff_ids),
                                                TaskUpdate.created_at >= message.due_at)
    found = {t.id: t for t in session.scalars(
        select(Task).where(Task.id.in_(message.task_ids), Task.closed_at.is_(None),
                           Task.id.in_(owned), Task.id.not_in(answered)))}
    return [found[i] for i in message.task_ids if i in found]


def drop_pending_about(session: Session, school_id: int, task_ids: set[int],
                       now: datetime, error: str) -> int:
    """Scheduled messages not sent yet that are about any of these tasks are dropped (a
    closed school year's): how many."""
    dropped = 0
    for message in session.scalars(select(OutboxMessage).where(
            OutboxMessage.school_id == school_id, OutboxMessage.status == PENDING,
            OutboxMessage.kind != "reply")):
        if task_ids.intersection(message.task_ids or []):
            finish(session, message.id, DROPPED, now, error=error)
            dropped += 1
    return dropped
