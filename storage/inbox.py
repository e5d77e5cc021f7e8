"""Updates kept from the moment they are fetched until they are answered: for a channel that
hands each update out once (Zalo's polling), and for Telegram's polling, which confirms a
batch as soon as it is kept so that one slow chat never holds the others back. A process
killed in between leaves them here, and the next one handles them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import InboxUpdate


def keep_update(session: Session, channel: str, payload: dict, now: datetime) -> int:
    row = InboxUpdate(channel=channel, payload=payload, received_at=now)
    session.add(row)
    session.flush()
    return row.id


def keep_updates(session: Session, channel: str, payloads: list[dict],
                 now: datetime) -> list[int]:
    """A batch kept in one transaction; their row ids, in order."""
    rows = [InboxUpdate(channel=channel, payload=payload, received_at=now)
            for payload in payloads]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def keep_claimed(session: Session, channel: str, payload: dict, now: datetime,
                 until: datetime) -> int:
    """A webhook's update, claimed by the replica that took it until `until`."""
    row = InboxUpdate(channel=channel, payload=payload, received_at=now, claimed_until=until)
    session.add(row)
    session.flush()
    return row.id


def claim_abandoned(session: Session, channel: str, now: datetime, until: datetime,
                    limit: int = 50) -> list[tuple[int, dict]]:
    """Updates whose claim ran out (the replica that took them died, or the database was
    away for its turn), now claimed by the caller until `until`, oldest first. A row another
    replica claimed meanwhile is not taken."""
    found = session.execute(
        select(InboxUpdate.id, InboxUpdate.payload, InboxUpdate.claimed_until)
        .where(InboxUpdate.channel == channel, InboxUpdate.claimed_until < now)
        .order_by(InboxUpdate.id).limit(limit)).all()
    taken = []
    for row_id, payload, claimed in found:
        moved = session.execute(update(InboxUpdate).where(
            InboxUpdate.id == row_id, InboxUpdate.claimed_until == claimed)
            .values(claimed_until=until))
        if moved.rowcount == 1:
            taken.append((row_id, payload))
    return taken


def earlier_ids(session: Session, channel: str, row_id: int) -> list[int]:
    """The rows of this lane kept before `row_id` and not yet forgotten."""
    return list(session.scalars(select(InboxUpdate.id).where(
        InboxUpdate.channel == channel, InboxUpdate.id < row_id)))


def payloads_of(session: Session, row_ids: list[int]) -> dict[int, dict]:
    return dict(session.execute(select(InboxUpdate.id, InboxUpdate.payload)
                                .where(InboxUpdate.id.in_(row_ids))).all())


def kept_updates(session: Session, channel: str) -> list[tuple[int, dict]]:
    """In the order they came."""
    return [(row_id, payload) for row_id, payload in session.execute(
        select(InboxUpdate.id, InboxUpdate.payload).where(InboxUpdate.channel == channel)
        .order_by(InboxUpdate.id))]


def forget_update(session: Session, row_id: int) -> None:
    forget_updates(session, [row_id])


def forget_updates(session: Session, row_ids: list[int]) -> None:
    session.execute(delete(InboxUpdate).where(InboxUpdate.id.in_(row_ids)))
