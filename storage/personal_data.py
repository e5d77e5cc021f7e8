"""A person's rights over their data (Law on Personal Data Protection, Decree 13/2023):
what the product holds about them, and erasing it when they leave.

Erasing keeps the plan's record whole: their answers, evidence and corrections stay, with
when they were made, under a placeholder name; what identifies or reaches the person goes
(name, phone, Telegram username, chat accounts, conversations, sign-in sessions, the text
of messages sent to them)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage import audit
from storage.models import (
    Account,
    AuditEvent,
    Conversation,
    Evidence,
    Invite,
    OutboxMessage,
    School,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
    WebSession,
    WebSignIn,
)
from storage.outbox import DROPPED, PENDING



def forget(session: Session, member: Staff, placeholder: str, now: datetime, via: str,
           actor_id: int | None = None) -> None:
    """Erases `member`'s personal data; `placeholder` is the name the record shows instead."""
    name = member.name
    accounts = session.scalars(select(Account).where(Account.staff_id == member.id)).all()
    for account in accounts:
        session.execute(delete(Conversation).where(
            Conversation.channel == account.channel,
            Conversation.external_user_id == account.external_user_id))
        session.delete(account)
    session.execute(update(Invite).where(Invite.staff_id == member.id, Invite.revoked_at.is_(None))
                    .values(revoked_at=now))
    session.execute(update(WebSession).where(WebSession.staff_id == member.id,
                                             WebSession.ended_at.is_(None)).values(ended_at=now))
    session.execute(update(WebSignIn).where(WebSignIn.staff_id == member.id,
                                            WebSignIn.used_at.is_(None)).values(used_at=now))
    # Messages to them: not sent any more, and neither their chat nor the words kept.
    session.execute(update(OutboxMessage).where(OutboxMessage.staff_id == member.id,
                                                OutboxMessage.status == PENDING)
                    .values(status=DROPPED))
    session.execute(update(OutboxMessage).where(OutboxMessage.staff_id == member.id)
                    .values(chat_id="", body={}))
    _unnamed_in_messages(session, member.school_id, name, placeholder)
    member.name = placeholder
    member.phone = member.phone_norm = member.telegram_username = None
    member.active = False
    member.paused_until = None
    member.forgotten_at = now
    audit.record(session, audit.FORGET, member.school_id, now, via, actor_id,
                 staff_id=member.id)
    session.flush()


def _unnamed_in_messages(session: Session, school_id: int, name: str, placeholder: str) -> None:
    """Digests and alerts to others name the person: the kept copies name them no more."""
    for message in session.scalars(select(OutboxMessage).where(
            OutboxMessage.school_id == school_id, OutboxMessage.staff_id.is_(None)
            | (OutboxMessage.kind.in_(("digest", "overdue", "silent"))))):
        text = (message.body or {}).get("text")
        if text and name in text:
            message.body = {**message.body, "text": _renamed(text, name, placeholder)}


def _renamed(text: str, name: str, placeholder: str) -> str:
    """`name` replaced where it is the whole name: not in «Phạm Quốc Bảo Anh», another
    person's, whose next word is capitalised as names are."""
    def whole(match: re.Match) -> str:
        after = text[match.end():match.end() + 2]
        longer = after[:1].isalnum() or (after[:1] == " " and after[1:].isupper())
        return match.group() if longer else placeholder

    return re.sub(re.escape(name), whole, text)


def person_data(session: Session, members: list[Staff]) -> dict:
    """Everything held about the person behind these staff rows (one per school)."""
    ids = [m.id for m in members]
    schools = {s.id: s for s in session.scalars(
        select(School).where(School.id.in_({m.school_id for m in members})))}
    return {
        "staff": [_staff(m, schools[m.school_id]) for m in members],
        "accounts": [_fields(a, "id", "staff_id", "channel", "external_user_id", "chat_id",
                             "linked_at", "linked_by", "last_seen_at", "unreachable_at")
                     for a in session.scalars(select(Account).where(Account.staff_id.in_(ids)))],
        "invitations": [_fields(i, "staff_id", "created_at", "expires_at", "used_at",
                                "revoked_at", "used_on")
                        for i in session.scalars(select(Invite).where(Invite.staff_id.in_(ids))
                                                 .order_by(Invite.id))],
        "tasks": [{"staff_id": owner.staff_id, "task_id": task.id, "text": task.text,
                   "lead": owner.is_lead, "as_written": owner.phrase}
                  for owner, task in session.execute(
                      select(TaskOwner, Task).join(Task, Task.id == TaskOwner.task_id)
                      .where(TaskOwner.staff_id.in_(ids)).order_by(Task.id))],
        "updates": [_fields(u, "id", "task_id", "status", "done_text", "reason", "corrects_id",
                            "created_at")
                    for u in session.scalars(select(TaskUpdate).where(
                        TaskUpdate.author_id.in_(ids)).order_by(TaskUpdate.id))],
        "evidence": [_fields(e, "id", "task_id", "update_id", "kind", "file_name", "mime_type",
                             "size", "sha256", "created_at")
                     for e in session.scalars(select(Evidence).where(
                         Evidence.author_id.in_(ids)).order_by(Evidence.id))],
        "messages": [_fields(m, "kind", "period", "channel", "status", "due_at", "sent_at",
                             "body")
                     for m in session.scalars(select(OutboxMessage).where(
                         OutboxMessage.staff_id.in_(ids)).order_by(OutboxMessage.id))],
        "conversations": [_fields(c, "channel", "flow", "step", "data", "updated_at")
                          for c in session.scalars(select(Conversation).join(
                              Account, (Account.channel == Conversation.channel)
                              & (Account.external_user_id == Conversation.external_user_id))
                              .where(Account.staff_id.in_(ids)))],
        "web_sessions": [_fields(w, "created_at", "expires_at", "ended_at")
                         for w in session.scalars(select(WebSession).where(
                             WebSession.staff_id.in_(ids)).order_by(WebSession.id))],
        "audit": [_fields(e, "at", "kind", "via", "subject", "details")
                  for e in session.scalars(select(AuditEvent).where(or_(
                      AuditEvent.actor_id.in_(ids),
                      AuditEvent.kind.in_(audit.ABOUT_SOMEONE))).order_by(AuditEvent.id))
                  if e.actor_id in ids or e.details.get("staff_id") in ids],
    }


def _staff(member: Staff, school: School) -> dict:
    return {"school": school.code, **_fields(
        member, "id", "name", "phone", "roles", "group", "telegram_username", "active",
        "paused_until", "left_on", "forgotten_at")}


def _fields(row: object, *names: str) -> dict:
    return {name: _plain(getattr(row, name)) for name in names}


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
