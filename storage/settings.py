"""Deployment-wide values kept in the database (the bot's name, the webhook secret)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Setting


def setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def forget_setting(session: Session, key: str) -> None:
    row = session.get(Setting, key)
    if row is not None:
        session.delete(row)


def put_setting(session: Session, key: str, value: str) -> None:
    """Insert or update. Replicas starting together all write the bot's name: the ones that
    lose the race to insert update the row the winner made."""
    row = session.get(Setting, key)
    if row is not None:
        row.value = value
        return
    try:
        with session.begin_nested():
            session.add(Setting(key=key, value=value))
    except IntegrityError:
        session.get(Setting, key, populate_existing=True).value = value


def lasting_setting(session: Session, key: str, value: str) -> str:
    """The setting's value, made `value` if it has none yet. Replicas racing to make it all
    end with the first one's (a signing key must not change under links already sent)."""
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    try:
        with session.begin_nested():
            session.add(Setting(key=key, value=value))
        return value
    except IntegrityError:
        return session.get(Setting, key, populate_existing=True).value
