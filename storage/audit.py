"""The audit trail: what happened in a school, who did it, when, and through what.

Answers and corrections are already kept append-only as task_updates; everything else
(plan imports and adjustments, calendar changes, pauses, invitations, sign-ins) is an
audit_events row. The trail reads both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Staff, Task, TaskUpdate

PLAN_IMPORT = "plan_import"
PLAN_ADJUST = "plan_adjust"
CALENDAR = "calendar"
PAUSE = "pause"
INVITATION = "invitation"
SIGN_IN = "sign_in"
SIGN_OUT = "sign_out"
ANSWER = "answer"
CORRECTION = "correction"
FORGET = "forget"
LEFT = "left"
EVIDENCE = "evidence"
EVIDENCE_EDIT = "evidence_edit"  # the board's edit of an item's entry, or its criteria
YEAR_CLOSE = "year_close"
YEAR_OPEN = "year_open"
KINDS = (ANSWER, CORRECTION, EVIDENCE, EVIDENCE_EDIT, PLAN_IMPORT, PLAN_ADJUST, CALENDAR,
         PAUSE, INVITATION, LEFT, SIGN_IN, SIGN_OUT, FORGET, YEAR_CLOSE, YEAR_OPEN)
# Events about a person name them by id only (details["staff_id"]): the trail reads the name
# from the staff row, so a person whose data is erased is not still named here.
ABOUT_SOMEONE = frozenset({PAUSE, INVITATION, LEFT, FORGET})


def record(session: Session, kind: str, school_id: int | None, at: datetime, via: str,
           actor_id: int | None = None, member_id: int | None = None,
           subject: str | None = None, **details: object) -> None:
    session.add(AuditEvent(school_id=school_id, kind=kind, at=at, via=via, actor_id=actor_id,
                           member_id=member_id, subject=subject, details=details))


@dataclass
class Entry:
    at: datetime
    kind: str
    actor: str | None  # the staff member's name; None: the command line or the system
    via: str | None
    subject: str | None
    details: dict


def trail(session: Session, school_id: int, kinds: set[str] | None = None,
          actor_id: int | None = None, since: datetime | None = None,
          until: datetime | None = None, limit: int | None = None) -> list[Entry]:
    """Newest first."""
    entries: list[Entry] = []
    if kinds is None or kinds - {ANSWER, CORRECTION}:
        # Names are read within the entry's school: an id that is stale, or another
        # school's, never shows someone else.
        query = (select(AuditEvent, Staff.name)
                 .outerjoin(Staff, (Staff.id == AuditEvent.actor_id)
                            & (Staff.school_id == AuditEvent.school_id))
                 .where(AuditEvent.school_id == school_id))
        if kinds is not None:
            query = query.where(AuditEvent.kind.in_(kinds))
        if actor_id is not None:
            query = query.where(AuditEvent.actor_id == actor_id)
        query = _between(query, AuditEvent.at, since, until)
        events = session.execute(_limited(query, (AuditEvent.at, AuditEvent.id), limit)).all()
        named = _names(session, school_id, {e.details.get("staff_id") for e, _ in events
                                            if e.kind in ABOUT_SOMEONE} - {None})
        entries += [Entry(e.at, e.kind, name, e.via,
                          named.get(e.details.get("staff_id")) if e.kind in ABOUT_SOMEONE
                          else e.subject, e.details)
                    for e, name in events]
    if kinds is None or kinds & {ANSWER, CORRECTION}:
        query = (select(TaskUpdate, Staff.name, Task.text)
                 .join(Staff, Staff.id == TaskUpdate.author_id)
                 .join(Task, Task.id == TaskUpdate.task_id)
                 .where(TaskUpdate.school_id == school_id))
        if kinds is not None and not {ANSWER, CORRECTION} <= kinds:
            corrections = CORRECTION in kinds
            query = query.where(TaskUpdate.corrects_id.is_not(None) if corrections
                                else TaskUpdate.corrects_id.is_(None))
        if actor_id is not None:
            query = query.where(TaskUpdate.author_id == actor_id)
        query = _between(query, TaskUpdate.created_at, since, until)
        entries += [Entry(u.created_at, CORRECTION if u.corrects_id else ANSWER, name, u.via,
                          text, {"status": u.status, "task_id": u.task_id,
                                 "done": u.done_text, "reason": u.reason})
                    for u, name, text in session.execute(
                        _limited(query, (TaskUpdate.created_at, TaskUpdate.id), limit))]
    entries.sort(key=lambda e: e.at, reverse=True)  # stable: ties keep newest-first
    return entries[:limit] if limit is not None else entries


def _names(session: Session, school_id: int, staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    return dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.id.in_(staff_ids), Staff.school_id == school_id)).all())


def _between(query, column, since: datetime | None, until: datetime | None):
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


def _limited(query, columns, limit: int | None):
    query = query.order_by(*(c.desc() for c in columns))
    return query.limit(limit) if limit is not None else query
