"""Signing in to the web console: one-time links, sessions, and refusals counted per
address. Only hashes of tokens are stored; the link and the cookie carry the tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import WebFailure, WebSession, WebSignIn

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_sign_in(session: Session, now: datetime, staff_id: int | None = None,
                  member_id: int | None = None) -> str:
    """A token for one sign-in within ten minutes; the person's earlier open links stop
    working."""
    assert (staff_id is None) != (member_id is None)
    owner = (WebSignIn.staff_id == staff_id if staff_id is not None
             else WebSignIn.member_id == member_id)
    session.execute(update(WebSignIn).where(owner, WebSignIn.used_at.is_(None),
                                            WebSignIn.expires_at > now).values(expires_at=now))
    token = secrets.token_urlsafe(32)
    session.add(WebSignIn(token_hash=_hash(token), staff_id=staff_id, member_id=member_id,
                          created_at=now, expires_at=now + LINK_LIFETIME))
    session.flush()
    return token


def open_sign_in(session: Session, token: str, now: datetime) -> WebSignIn | None:
    """The link's row while it may still be used."""
    found = session.scalar(select(WebSignIn).where(WebSignIn.token_hash == _hash(token)))
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    return found


def redeem_sign_in(session: Session, token: str, now: datetime) -> tuple[str, WebSession] | None:
    """Uses the link (once) and opens a session: (the session's token, its row)."""
    sign_in = session.scalar(select(WebSignIn).where(WebSignIn.token_hash == _hash(token))
                             .with_for_update())
    if sign_in is None or sign_in.used_at is not None or sign_in.expires_at <= now:
        return None
    sign_in.used_at = now
    session_token = secrets.token_urlsafe(32)
    row = WebSession(token_hash=_hash(session_token), staff_id=sign_in.staff_id,
                     member_id=sign_in.member_id, created_at=now,
                     expires_at=now + SESSION_LIFETIME)
    session.add(row)
    session.flush()
    return session_token, row


def live_session(session: Session, token: str, now: datetime) -> WebSession | None:
    found = session.scalar(select(WebSession).where(WebSession.token_hash == _hash(token)))
    if found is None or found.ended_at is not None or found.expires_at <= now:
        return None
    return found


def end_session(session: Session, token: str, now: datetime) -> WebSession | None:
    found = live_session(session, token, now)
    if found is not None:
        found.ended_at = now
    return found


def note_failure(session: Session, address: str, now: datetime) -> None:
    session.execute(delete(WebFailure).where(WebFailure.at < now - timedelta(days=1)))
    session.add(WebFailure(address=address[:64], at=now))


def failures_since(session: Session, address: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(WebFailure).where(
        WebFailure.address == address[:64], WebFailure.at >= since))
