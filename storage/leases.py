"""A lease in the database: which process runs a job that must run once (the reminder
scheduler and sender), on SQLite and PostgreSQL alike. It lapses unless renewed, so a
process that died hands it on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Lease

LAPSED = datetime(2000, 1, 1, tzinfo=timezone.utc)


def hold(session: Session, name: str, holder: str, now: datetime, seconds: float) -> bool:
    """Take or renew the lease; False while another holder's lease runs."""
    expires = now + timedelta(seconds=seconds)
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, expires_at=expires))
    if taken.rowcount == 1:
        return True
    if session.get(Lease, name) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Lease(name=name, holder=holder, expires_at=expires))
    except IntegrityError:
        return False
    return True


def give_up(session: Session, name: str, holder: str) -> None:
    session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder)
                    .values(expires_at=LAPSED))
