"""Task updates: appended, never edited; the task keeps its newest status."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import Clock
from storage.models import Evidence, Task, TaskUpdate

STATUSES = ("done", "in_progress", "late", "not_started")
NEEDS_REASON = ("late", "not_started")
NEEDS_DONE_TEXT = ("done", "in_progress", "late")


def record_update(session: Session, task: Task, author_id: int, status: str,
                  done_text: str | None, reason: str | None, files: list[dict],
                  clock: Clock, corrects_id: int | None = None,
                  via: str | None = None) -> TaskUpdate:
    """`via`: the channel the answer came through (telegram, zalo, web, cli), which the
    audit trail shows."""
    now = clock.now()
    update = TaskUpdate(school_id=task.school_id, task_id=task.id, author_id=author_id,
                        status=status, done_text=done_text, reason=reason,
                        corrects_id=corrects_id, created_at=now, via=via)
    session.add(update)
    session.flush()
    for stored in files:
        session.add(Evidence(school_id=task.school_id, task_id=task.id, update_id=update.id,
                             criterion_code=task.criterion.code, author_id=author_id,
                             created_at=now, **stored))
    task.status, task.status_at = status, now
    session.flush()
    return update


def attach_evidence(session: Session, task: Task, author_id: int, stored: dict,
                    clock: Clock) -> Evidence:
    """A file handed in for `task` outside an update (on its console page): the task's
    evidence, numbered with the rest of its criterion's."""
    item = Evidence(school_id=task.school_id, task_id=task.id, update_id=None,
                    criterion_code=task.criterion.code, author_id=author_id,
                    created_at=clock.now(), **stored)
    session.add(item)
    session.flush()
    return item


def latest_update(session: Session, task_id: int) -> TaskUpdate | None:
    return session.scalar(
        select(TaskUpdate).where(TaskUpdate.task_id == task_id)
        .order_by(TaskUpdate.id.desc()).limit(1)
    )
