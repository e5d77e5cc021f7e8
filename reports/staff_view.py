"""The staff page's rows: each person's roles, tổ, linked channels, last answer, pause and
open invitation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.text import fold_words
from storage.models import Account, Invite, Staff, TaskUpdate


@dataclass
class StaffRow:
    member: Staff
    accounts: list[Account] = field(default_factory=list)
    last_answer: datetime | None = None
    invited_until: datetime | None = None  # an open invitation code, valid until


def staff_rows(session: Session, school_id: int, people: list[Staff],
               now: datetime) -> list[StaffRow]:
    rows = {m.id: StaffRow(m) for m in people}
    for account in session.scalars(select(Account).where(Account.school_id == school_id)
                                   .order_by(Account.channel)):
        if account.staff_id in rows:
            rows[account.staff_id].accounts.append(account)
    for staff_id, last in session.execute(
            select(TaskUpdate.author_id, func.max(TaskUpdate.created_at))
            .where(TaskUpdate.school_id == school_id).group_by(TaskUpdate.author_id)):
        if staff_id in rows:
            rows[staff_id].last_answer = last
    for staff_id, until in session.execute(
            select(Invite.staff_id, func.max(Invite.expires_at))
            .where(Invite.school_id == school_id, Invite.revoked_at.is_(None),
                   Invite.used_at.is_(None), Invite.expires_at > now)
            .group_by(Invite.staff_id)):
        if staff_id in rows:
            rows[staff_id].invited_until = until
    return sorted(rows.values(), key=lambda r: (fold_words(r.member.group or "~"),
                                                fold_words(r.member.name)))

