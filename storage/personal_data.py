"""A person's rights over their data (Law on Personal Data Protection, Decree 13/2023):
what the product holds about them, and erasing it when they leave.

Erasing keeps the plan's record whole: their answers, evidence and corrections stay, with
when they were made, under a placeholder name; what identifies or reaches the person goes
(name, phone, Telegram username, chat accounts, conversations, sign-in sessions, the text
of messages sent to them, the replies kept to send again, their name in others' replies)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import delete, null, or_, select, tuple_, update
from sqlalchemy.orm import Session

from storage import audit
from storage.models import (
    Account,
    AuditEvent,
    Conversation,
    Evidence,
    Invite,
    OutboxMessage,
    ProcessedEvent,
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
    _unnamed_in_replies(session, member.school_id, name, placeholder)
    for account in accounts:
        session.execute(delete(Conversation).where(
            Conversation.channel == account.channel,
            Conversation.external_user_id == account.external_user_id))
        # The answers kept to send again after a crash: theirs, word for word.
        session.execute(update(ProcessedEvent).where(
            ProcessedEvent.channel == account.channel,
            ProcessedEvent.external_user_id == account.external_user_id)
            .values(replies=null(), external_user_id=None))
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


def _unnamed_in_replies(session: Session, school_id: int, name: str,
                       placeholder: str) -> None:
    """Replies kept for the school's other people (a /quahan listing who is late) name the
    person: the kept copies name them no more."""
    colleagues = select(Account.channel, Account.external_user_id).where(
        Account.school_id == school_id)
    for event in session.scalars(select(ProcessedEvent).where(
            ProcessedEvent.replies.is_not(None),
            tuple_(ProcessedEvent.channel, ProcessedEvent.external_user_id).in_(colleagues))):
        replies = [_reply_renamed(r, name, placeholder) for r in event.replies or []]
        if replies != event.replies:
            event.replies = replies


def _reply_renamed(reply: object, name: str, placeholder: str) -> object:
    """A kept reply's text and its buttons' labels, the name replaced."""
    if not isinstance(reply, dict):
        return reply
    out = dict(reply)
    if isinstance(reply.get("text"), str):
        out["text"] = _renamed(reply["text"], name, placeholder)
    if isinstance(reply.get("buttons"), list):
        out["buttons"] = [[[_renamed(b[0], name, placeholder), *b[1:]]
                           if isinstance(b, list) and b and isinstance(b[0], str) else b
                           for b in row] if isinstance(row, list) else row
                          for row in reply["buttons"]]
    return out


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
        "replies": [_fields(e, "channel", "event_id", "processed_at", "replies")
                    for e in session.scalars(select(ProcessedEvent).join(
                        Account, (Account.channel == ProcessedEvent.channel)
                        & (Account.external_user_id == ProcessedEvent.external_user_id))
                        .where(Account.staff_id.in_(ids), ProcessedEvent.replies.is_not(None))
                        .order_by(ProcessedEvent.id))],
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
                  if _theirs(e, members)],
    }


def _theirs(event: AuditEvent, members: list[Staff]) -> bool:
    """An entry by or about one of these staff rows, in that row's school (an id from
    another school, or a stale one, is not theirs)."""
    return any(m.school_id == event.school_id and (
        event.actor_id == m.id or (event.kind in audit.ABOUT_SOMEONE
                                   and (event.details or {}).get("staff_id") == m.id))
        for m in members)


def _staff(member: Staff, school: School) -> dict:
    return {"school": school.code, **_fields(
        member, "id", "name", "phone", "roles", "group", "telegram_username", "active",
        "paused_until", "left_on", "forgotten_at")}


def _fields(row: object, *names: str) -> dict:
    return {name: _plain(getattr(row, name)) for name in names}


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
