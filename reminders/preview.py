"""`caitien reminders preview`: what would be sent, when and to whom, by the same planner
the scheduler uses; as if every check-in in the window goes out and nobody answers the ones
still to come."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from reminders.planner import due_reminders
from readers.frameworks import criterion_sort_key
from storage.models import School, Staff
from reminders.state import addresses, load_state


@dataclass
class Preview:
    lines: list[dict] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)  # owners who would get some, unlinked


def preview(session: Session, school: School, start: datetime, end: datetime) -> Preview:
    """Owners who have not linked an account are in it too, marked: a principal sees the
    year's rhythm before inviting anyone (the scheduler itself skips them)."""
    result = Preview()
    state = load_state(session, school, None)
    if state is None:
        return result
    reach = addresses(session, school.id)
    codes = {t.id: t.code for t in state.tasks}
    names: dict[int, str] = {}
    for due in due_reminders(state, start, end):
        if due.staff_id not in names:
            names[due.staff_id] = session.get(Staff, due.staff_id).name
        result.lines.append({
            "at": due.at.astimezone(state.tz).isoformat(),
            "to": names[due.staff_id],
            "kind": due.kind,
            "criteria": sorted({codes[i] for i in due.task_ids}, key=criterion_sort_key),
            "linked": due.staff_id in reach,
        })
    result.unlinked = sorted(name for i, name in names.items() if i not in reach)
    return result
