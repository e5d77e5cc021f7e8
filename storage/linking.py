"""Linking a chat account to a staff record: by invite code or by the person's own phone."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import Clock
from storage import audit
from storage.models import Account, Invite, LinkFailure, School, Staff
from core.phones import normalize_phone


# Invitation codes are typed by hand where a channel has no links (Zalo): eight letters and
# digits that cannot be mistaken for one another, shown as ABCD-EF23. 32**8 codes: guessing
# one of a school's few hundred open ones, five tries an hour, takes longer than they live.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 8
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(typed: str) -> str:
    """What a person typed, as the code it means: any case, spaces or dashes anywhere, O for
    0 and I or L for 1."""
    return "".join(typed.split()).replace("-", "").upper().translate(_LOOKALIKES)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass
class Issued:
    staff: Staff
    code: str


def issue_invites(session: Session, school: School, clock: Clock, days: int = 30,
                  only: list[Staff] | None = None, include_linked: bool = False,
                  via: str = "cli", actor_id: int | None = None) -> list[Issued]:
    """New single-use codes; the person's earlier open codes stop working. Each invitation
    goes on the audit trail."""
    linked = set(session.scalars(select(Account.staff_id).where(Account.school_id == school.id)))
    if only is not None:
        members = only
    else:
        members = session.scalars(
            select(Staff).where(Staff.school_id == school.id, Staff.active).order_by(Staff.id)
        ).all()
        if not include_linked:
            members = [m for m in members if m.id not in linked]
    now = clock.now()
    # Every code still open (unused, or used on one channel only) stops working: a new
    # code is what a school issues when the old one may have been seen by someone else.
    open_invites = session.scalars(
        select(Invite).where(
            Invite.staff_id.in_([m.id for m in members]),
            Invite.revoked_at.is_(None),
            Invite.expires_at > now,
        )
    )
    reissued = set()
    for invite in open_invites:
        invite.revoked_at = now
        reissued.add(invite.staff_id)
    issued = []
    for member in members:
        code = new_code()
        session.add(Invite(school_id=school.id, staff_id=member.id,
                           code_hash=_hash(normalize_code(code)), used_on=[],
                           created_at=now, expires_at=now + timedelta(days=days)))
        issued.append(Issued(member, code))
        audit.record(session, audit.INVITATION, school.id, now, via, actor_id,
                     staff_id=member.id, reissued=member.id in reissued)
    session.flush()
    return issued


@dataclass
class LinkResult:
    outcome: str  # linked | already | invalid | used | expired | taken | no_match | not_own
    staff: list[Staff]


def _link(session: Session, member: Staff, channel: str, user_id: str, chat_id: str,
          how: str, clock: Clock) -> str:
    """'linked', 'already', or 'taken' (this account is someone else in that school). Their
    account on another channel stays: a person may use Telegram and Zalo both."""
    mine = session.scalar(
        select(Account).where(Account.school_id == member.school_id, Account.channel == channel,
                              Account.external_user_id == user_id)
    )
    if mine is not None:
        return "already" if mine.staff_id == member.id else "taken"
    previous = session.scalar(select(Account).where(Account.staff_id == member.id,
                                                    Account.channel == channel))
    if previous is not None:
        session.delete(previous)
        session.flush()
    session.add(Account(school_id=member.school_id, staff_id=member.id, channel=channel,
                        external_user_id=user_id, chat_id=chat_id, linked_at=clock.now(),
                        linked_by=how, last_seen_at=clock.now()))
    session.flush()
    return "linked"


def invited_school(session: Session, code: str) -> int | None:
    """The school of a code that still links (not revoked, its person active), without
    using it."""
    hashes = {_hash(normalize_code(code)), _hash(code.strip())}
    invite = session.scalar(select(Invite).where(Invite.code_hash.in_(hashes)))
    if invite is None or invite.revoked_at is not None or not invite.staff.active:
        return None
    return invite.staff.school_id


def redeem_invite(session: Session, code: str, channel: str, user_id: str, chat_id: str,
                  clock: Clock) -> LinkResult:
    """A code links each channel once: the Telegram link and the Zalo code on one
    invitation are the same code."""
    # Codes issued before they were short were used exactly as written.
    hashes = {_hash(normalize_code(code)), _hash(code.strip())}
    invite = session.scalar(select(Invite).where(Invite.code_hash.in_(hashes))
                            .with_for_update())
    if invite is None or invite.revoked_at is not None or not invite.staff.active:
        return LinkResult("invalid", [])
    if channel in (invite.used_on or []):
        return LinkResult("used", [invite.staff])
    if invite.expires_at <= clock.now():
        return LinkResult("expired", [invite.staff])
    outcome = _link(session, invite.staff, channel, user_id, chat_id, "invite", clock)
    if outcome == "linked":
        invite.used_at = invite.used_at or clock.now()
        invite.used_on = [*(invite.used_on or []), channel]
    return LinkResult(outcome, [invite.staff])


def link_by_contact(session: Session, phone: str, contact_user_id: str | None, channel: str,
                    user_id: str, chat_id: str, clock: Clock) -> LinkResult:
    """Only the sender's own contact links: a forwarded one never does."""
    if contact_user_id is None or contact_user_id != user_id:
        return LinkResult("not_own", [])
    number = normalize_phone(phone)
    members = [] if number is None else session.scalars(
        select(Staff).where(Staff.phone_norm == number, Staff.active).order_by(Staff.school_id)
    ).all()
    if not members:
        return LinkResult("no_match", [])
    outcomes = []
    for member in members:
        taken_by_other = session.scalar(
            select(Account).where(Account.staff_id == member.id, Account.channel == channel,
                                  Account.external_user_id != user_id)
        )
        # A record already linked elsewhere moves only through an invite the school issues.
        outcomes.append("taken" if taken_by_other else
                        _link(session, member, channel, user_id, chat_id, "contact", clock))
    for outcome in ("linked", "already", "taken"):
        if outcome in outcomes:
            return LinkResult(outcome, [m for m, o in zip(members, outcomes) if o == outcome])
    return LinkResult("no_match", [])


def wrong_codes(session: Session, channel: str, user_id: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LinkFailure).where(
        LinkFailure.channel == channel, LinkFailure.external_user_id == user_id,
        LinkFailure.at >= since))


def note_wrong_code(session: Session, channel: str, user_id: str, clock: Clock) -> None:
    session.add(LinkFailure(channel=channel, external_user_id=user_id, at=clock.now()))
