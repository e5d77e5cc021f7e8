"""Staff records and the chat accounts linked to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from storage import audit
from storage.models import Account, School, Staff, WebSession
from readers.owners import BOARD, MONITOR, staff_roles
from readers.staff_sheet import StaffRow
from core.text import fold_words


@dataclass
class StaffImportReport:
    added: int = 0
    updated: int = 0
    deactivated: int = 0


def import_staff(session: Session, school: School, rows: list[StaffRow]) -> StaffImportReport:
    """Upsert by phone (by name when there is no phone); those not listed are deactivated."""
    existing = session.scalars(select(Staff).where(Staff.school_id == school.id)).all()
    by_phone = {s.phone_norm: s for s in existing if s.phone_norm}
    by_name = {fold_words(s.name): s for s in existing}
    report = StaffImportReport()
    kept: set[int] = set()
    for row in rows:
        member = by_phone.get(row.phone_norm) if row.phone_norm else None
        member = member or by_name.get(fold_words(row.name))
        if member is None or member.id in kept:
            member = Staff(school_id=school.id)
            session.add(member)
            report.added += 1
        else:
            report.updated += 1
        member.name = row.name
        member.phone = row.phone
        member.phone_norm = row.phone_norm
        member.roles = row.roles
        member.group = row.group
        member.telegram_username = row.telegram
        member.active = True
        member.left_on = None  # listed again: back at the school
        session.flush()
        kept.add(member.id)
    for member in existing:
        if member.id not in kept and member.active:
            member.active = False
            report.deactivated += 1
    return report


def set_pause(session: Session, member: Staff, until: date | None, at: datetime, via: str,
              actor_id: int | None = None) -> None:
    """No reminders to `member` until the end of `until` (None: they resume), on the audit
    trail; the pause they already have writes nothing."""
    if member.paused_until == until:
        return
    member.paused_until = until
    audit.record(session, audit.PAUSE, member.school_id, at, via, actor_id,
                 staff_id=member.id,
                 until=until.isoformat() if until else None)


def mark_left(session: Session, member: Staff, day: date, at: datetime, via: str,
              actor_id: int | None = None) -> None:
    """`member` left the school on `day`: no reminders, no chat, no console from now on,
    on the audit trail; only now may their personal data be erased."""
    member.left_on = day
    member.active = False
    member.paused_until = None
    session.execute(update(WebSession).where(WebSession.staff_id == member.id,
                                             WebSession.ended_at.is_(None)).values(ended_at=at))
    audit.record(session, audit.LEFT, member.school_id, at, via, actor_id,
                 staff_id=member.id, on=day.isoformat())


def active_staff(session: Session, school_id: int) -> list[Staff]:
    return list(
        session.scalars(
            select(Staff).where(Staff.school_id == school_id, Staff.active).order_by(Staff.id)
        )
    )


# Built once: every turn runs it.
_LINKED = (select(Staff).join(Account, Account.staff_id == Staff.id)
           .where(Account.channel == bindparam("channel"),
                  Account.external_user_id == bindparam("user_id"), Staff.active)
           .order_by(Staff.school_id))


def linked_staff(session: Session, channel: str, user_id: str) -> list[Staff]:
    """The active staff records this chat account is linked to (one per school)."""
    return list(session.scalars(_LINKED, {"channel": channel, "user_id": user_id}))


def is_board(member: Staff) -> bool:
    return bool(staff_roles(member) & BOARD)


def is_monitor(member: Staff) -> bool:
    """A member of the plan's monitoring team (tổ giám sát)."""
    return MONITOR in staff_roles(member)


# How stale the time someone last wrote may get before it is written again: a row is not
# rewritten at every message, yet which of their channels they used last stays known.
SEEN_EVERY = timedelta(minutes=1)


def _mark_reachable_statement():
    """Built once: it runs at every turn, and building it (an aliased subquery) cost more
    than running it, about a millisecond of CPU. On the table, not the mapped class: the
    ORM's bulk UPDATE machinery cost as much again, for rows no session holds."""
    accounts = Account.__table__
    other = accounts.alias()
    channel = bindparam("mark_channel")
    used_other_since = (select(other.c.id).where(
        other.c.staff_id == accounts.c.staff_id, other.c.channel != channel,
        other.c.last_seen_at >= accounts.c.last_seen_at).exists())
    return (update(accounts).where(
        accounts.c.channel == channel, accounts.c.external_user_id == bindparam("mark_user"),
        or_(accounts.c.unreachable_at.is_not(None),
            accounts.c.bot.is_distinct_from(bindparam("mark_bot")),
            accounts.c.last_seen_at.is_(None),
            accounts.c.last_seen_at < bindparam("mark_stale"), used_other_since))
        .values(unreachable_at=None, bot=bindparam("mark_bot"),
                last_seen_at=bindparam("mark_now")))


MARK_REACHABLE = _mark_reachable_statement()


def mark_reachable(session: Session, channel: str, user_id: str, bot: str | None,
                   now: datetime) -> None:
    """They wrote to us on this channel through `bot`: reminders reach them again, there."""
    session.execute(MARK_REACHABLE, {"mark_channel": channel, "mark_user": user_id,
                                     "mark_bot": bot, "mark_now": now,
                                     "mark_stale": now - SEEN_EVERY})
