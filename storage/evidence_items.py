"""What the board changes of an evidence item in the console: its entry in the evidence
list (name, number and date, issuer, note, withdrawn) and the other criteria it serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import Clock
from storage.models import Criterion, Evidence, EvidenceCriterion
from storage.plans import current_plan

# The longest each column holds (storage/models.Evidence).
LIMITS = {"title": 300, "issued_ref": 200, "issuer": 200, "note": 500}


@dataclass(frozen=True)
class ListEntry:
    title: str | None
    issued_ref: str | None
    issued_on: date | None
    issuer: str | None
    note: str | None
    withdrawn: bool


def too_long(entry: ListEntry) -> str | None:
    """The first field longer than its column, or None."""
    return next((name for name, limit in LIMITS.items()
                 if len(getattr(entry, name) or "") > limit), None)


def edit_entry(session: Session, item: Evidence, entry: ListEntry,
               clock: Clock) -> dict[str, list]:
    """Empty text means the default again (the task and the day, the author). Withdrawing
    keeps the item and its code; taking the withdrawal back keeps the code too.
    Returns what changed, {field: [before, after]} as the audit trail keeps it (dates as
    ISO text, withdrawal as true/false)."""
    before = _entry_of(item)
    for name in LIMITS:
        setattr(item, name, (getattr(entry, name) or "").strip() or None)
    item.issued_on = entry.issued_on
    if entry.withdrawn and item.withdrawn_at is None:
        item.withdrawn_at = clock.now()
    elif not entry.withdrawn:
        item.withdrawn_at = None
    after = _entry_of(item)
    return {name: [before[name], after[name]] for name in before
            if before[name] != after[name]}


def _entry_of(item: Evidence) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(item, name) for name in LIMITS}
    values["issued_on"] = item.issued_on.isoformat() if item.issued_on else None
    values["withdrawn"] = item.withdrawn_at is not None
    return values


def other_criteria(session: Session, item: Evidence) -> list[str]:
    return list(session.scalars(select(EvidenceCriterion.criterion_code).where(
        EvidenceCriterion.evidence_id == item.id).order_by(EvidenceCriterion.added_at)))


def plan_criteria(session: Session, school_id: int) -> list[Criterion]:
    plan = current_plan(session, school_id)
    if plan is None:
        return []
    return list(session.scalars(select(Criterion).where(Criterion.plan_id == plan.id)
                                .order_by(Criterion.position)))


def attach(session: Session, item: Evidence, code: str, staff_id: int | None,
           clock: Clock) -> bool:
    """Lists the item under another criterion of the plan too; False for a code the plan
    does not have, the item's own, or one it serves already."""
    if code == item.criterion_code or code in other_criteria(session, item):
        return False
    if code not in {c.code for c in plan_criteria(session, item.school_id)}:
        return False
    # Two board members attaching the same item to the same criterion at once: on
    # PostgreSQL the second insert waits for the first and then meets its key; only that
    # insert is undone, so the second is told «already there» and its transaction lives on.
    try:
        with session.begin_nested():
            session.add(EvidenceCriterion(evidence_id=item.id, criterion_code=code,
                                          school_id=item.school_id, added_by=staff_id,
                                          added_at=clock.now()))
    except IntegrityError:
        return False
    return True


def detach(session: Session, item: Evidence, code: str) -> bool:
    """False when the item did not serve that criterion (nothing to undo)."""
    link = session.get(EvidenceCriterion, (item.id, code))
    if link is None:
        return False
    session.delete(link)
    return True
