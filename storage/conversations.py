"""Conversation state and the record of handled events, read and written in the
transaction of the answer they go with."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import Clock
from storage.models import Conversation, ProcessedEvent

KEEP_EVENTS = timedelta(days=7)
HOLD_FILES = timedelta(minutes=10)  # a photo sent before /capnhat waits this long for it

# A turn's statements, built once: building one cost about as much CPU as running it.
_CONVERSATIONS = Conversation.__table__
_EVENTS = ProcessedEvent.__table__
_CHANGING = ("flow", "step", "data", "offered", "held", "updated_at")
_LOCK = select(_CONVERSATIONS).where(
    _CONVERSATIONS.c.channel == bindparam("channel"),
    _CONVERSATIONS.c.external_user_id == bindparam("user_id")).with_for_update()
_SAVE = update(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("conversation_id"))


def _inserts(table, index: list[str], returning) -> dict:
    """The INSERT … ON CONFLICT DO NOTHING of each dialect (both take it)."""
    return {name: insert(table).on_conflict_do_nothing(index_elements=index)
            .returning(*returning) for name, insert in (("postgresql", pg_insert),
                                                        ("sqlite", sqlite_insert))}


_CREATE = _inserts(_CONVERSATIONS, ["channel", "external_user_id"], _CONVERSATIONS.c)
_RECORD = _inserts(_EVENTS, ["channel", "event_id"], [_EVENTS.c.id])


def lock_conversation(session: Session, channel: str, user_id: str,
                      clock: Clock) -> Conversation:
    """This user's conversation row, locked until the transaction ends (PostgreSQL)."""
    query = select(Conversation).where(
        Conversation.channel == channel, Conversation.external_user_id == user_id
    ).with_for_update()
    conversation = session.scalar(query)
    if conversation is not None:
        return conversation
    try:
        with session.begin_nested():
            session.add(Conversation(channel=channel, external_user_id=user_id, data={},
                                     updated_at=clock.now()))
    except IntegrityError:
        pass  # another process created it first
    return session.scalar(query)


def open_conversation(session: Session, channel: str, user_id: str,
                      clock: Clock) -> tuple[Conversation, dict]:
    """This user's conversation, its row locked until the transaction ends (PostgreSQL), as
    an object outside the session, and what it held: the turn changes it freely and
    `save_conversation` writes what changed in one UPDATE at the end (a row the session
    tracks was flushed again by each query that followed a change)."""
    row = session.execute(_LOCK, {"channel": channel, "user_id": user_id}).first()
    if row is None:
        row = session.execute(_CREATE[session.get_bind().dialect.name], {
            "channel": channel, "external_user_id": user_id, "data": {},
            "updated_at": clock.now()}).first()
    if row is None:  # another process created it first: wait for its turn to end
        row = session.execute(_LOCK, {"channel": channel, "user_id": user_id}).one()
    conversation = Conversation(**row._mapping)
    return conversation, {name: getattr(conversation, name) for name in _CHANGING}


def save_conversation(session: Session, conversation: Conversation, before: dict) -> None:
    """Write what the turn changed in the conversation `open_conversation` gave; nothing when
    it changed nothing."""
    changed = {name: getattr(conversation, name) for name in _CHANGING
               if getattr(conversation, name) != before[name]}
    if changed:
        session.execute(_SAVE, {"conversation_id": conversation.id, **changed})


def save_step(conversation: Conversation, flow: str | None, step: str | None, data: dict,
              clock: Clock) -> None:
    conversation.flow, conversation.step = flow, step
    # A new dict, so SQLAlchemy sees the JSON column change.
    conversation.data = dict(data)
    conversation.updated_at = clock.now()


def hold_files(conversation: Conversation, files: list[dict], clock: Clock) -> list[dict]:
    """Keep files sent when nothing asked for them, for the next update; returns those they
    replace (older ones, to delete)."""
    gone = expired_files(conversation, clock)
    kept = (conversation.held or {}).get("files", [])
    conversation.held = {"at": clock.now().isoformat(), "files": [*kept, *files]}
    return gone


def held_files(conversation: Conversation, clock: Clock) -> list[dict]:
    """The files held and still fresh."""
    held = conversation.held or {}
    if not held or clock.now() - datetime.fromisoformat(held["at"]) > HOLD_FILES:
        return []
    return list(held["files"])


def take_held_files(conversation: Conversation, clock: Clock) -> list[dict]:
    files = held_files(conversation, clock)
    conversation.held = None
    return files


def expired_files(conversation: Conversation, clock: Clock) -> list[dict]:
    """The files held too long: forgotten here, returned to be deleted."""
    held = conversation.held or {}
    if not held or held_files(conversation, clock):
        return []
    conversation.held = None
    return list(held["files"])


def claim_event(session: Session, channel: str, event_id: str | None,
                clock: Clock, user_id: str | None = None) -> ProcessedEvent | None:
    """The record of this event (from `user_id`), new; None when it was handled before (a
    redelivery after a crash). Without an event id there is nothing to record: a fresh
    unsaved row."""
    values = dict(channel=channel, event_id=event_id or "", processed_at=clock.now(),
                  external_user_id=user_id)
    if event_id is None:
        return ProcessedEvent(**values)
    # One statement that inserts unless the event is there (both dialects take ON CONFLICT),
    # where a savepoint around an INSERT that may fail took three.
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)
    claim = (insert(ProcessedEvent).values(**values)
             .on_conflict_do_nothing(index_elements=["channel", "event_id"])
             .returning(ProcessedEvent))
    return session.scalars(claim).one_or_none()


def record_event(session: Session, channel: str, event_id: str | None, clock: Clock,
                 user_id: str, replies: list[dict]) -> bool:
    """Record this event as handled, with what it was answered, in the transaction that
    applied it; False when it was handled before (a redelivery after a crash, or the same
    update in flight in another process, whose row this waits for): that transaction is to
    be undone. Recording at the end rather than claiming first takes one statement, not
    two; a redelivery, rare, does its work for nothing."""
    if event_id is None:
        return True
    return session.execute(_RECORD[session.get_bind().dialect.name], {
        "channel": channel, "event_id": event_id, "external_user_id": user_id,
        "processed_at": clock.now(), "replies": replies}).first() is not None


def earlier_replies(session: Session, channel: str, event_id: str | None) -> list[dict]:
    """What was answered to this event when it was handled the first time, if it had not
    gone out yet."""
    if event_id is None:
        return []
    row = session.execute(select(ProcessedEvent.replies, ProcessedEvent.answered_at).where(
        ProcessedEvent.channel == channel, ProcessedEvent.event_id == event_id)).first()
    return row.replies or [] if row is not None and row.answered_at is None else []


def mark_answered(session: Session, channel: str, event_id: str, now: datetime) -> None:
    """Its replies went out (or to the outbox): when the update comes again, because the
    process died before confirming it, it is not answered a second time."""
    session.execute(update(ProcessedEvent).where(
        ProcessedEvent.channel == channel, ProcessedEvent.event_id == event_id)
        .values(answered_at=now))


def forget_old_events(session: Session, clock: Clock) -> None:
    session.execute(delete(ProcessedEvent).where(
        ProcessedEvent.processed_at < clock.now() - KEEP_EVENTS))


def offer_choices(session: Session, channel: str, user_id: str, offered: list[list[str]],
                  clock: Clock) -> None:
    """A scheduled message's choices, for a person who types: kept unless a dialogue is
    going on (its own choices come first)."""
    conversation = lock_conversation(session, channel, user_id, clock)
    if conversation.flow is None:
        conversation.offered = offered
