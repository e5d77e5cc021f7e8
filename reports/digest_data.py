"""The principal's weekly digest, as of a day: progress by standard, what changed in the
week and who did it, what is overdue, who has not answered their last check-in, and who
cannot be reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    Account,
    Criterion,
    School,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
)
from storage.outbox import silent_staff
from storage.plans import current_plan
from reports.progress import Counts
from readers.timelines import DATED

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Change:
    code: str
    text: str
    who: str
    status: str


@dataclass(frozen=True)
class Overdue:
    task_id: int
    code: str
    text: str
    due: date
    days: int
    owners: tuple[str, ...]


@dataclass
class Digest:
    school: str
    school_year: str | None
    as_of: date
    overall: Counts
    standards: list[Counts]
    changes: list[Change] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


def digest_data(session: Session, school: School, as_of: date) -> Digest | None:
    """None when the school has no plan yet."""
    plan = current_plan(session, school.id)
    if plan is None:
        return None
    tz = ZoneInfo(school.timezone)
    until = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=tz)
    names = {s.id: s.name for s in session.scalars(
        select(Staff).where(Staff.school_id == school.id))}
    rows = session.execute(
        select(Task, Criterion.code, Criterion.standard)
        .join(Criterion, Criterion.id == Task.criterion_id)
        .where(Task.plan_id == plan.id)
        .order_by(Criterion.position, Task.position, Task.id)).all()
    status = _statuses(session, school.id, until)
    overall, standards = Counts("all"), {}
    overdue = []
    owners = _owners(session, [task.id for task, _, _ in rows], names)
    for task, code, standard in rows:
        if task.closed_at is not None and task.closed_at < until:
            continue
        bucket = status.get(task.id, "none")
        counts = standards.setdefault(standard, Counts(str(standard)))
        for target in (overall, counts):
            target.by_status[bucket] += 1
        if (task.schedule_kind in DATED and task.due_on and task.due_on < as_of
                and bucket != "done"):
            overdue.append(Overdue(task.id, code, task.text, task.due_on,
                                   (as_of - task.due_on).days, owners.get(task.id, ())))
    return Digest(
        school=school.name or school.code, school_year=plan.school_year, as_of=as_of,
        overall=overall, standards=[standards[n] for n in sorted(standards)],
        changes=_changes(session, school.id, until, names),
        overdue=sorted(overdue, key=lambda o: (o.due, o.code)),
        silent=_silent(session, school.id, until, names),
        unreachable=_unreachable(session, school.id, names))


def _unreachable(session: Session, school_id: int, names: dict[int, str]) -> list[str]:
    """People none of whose linked accounts can be reached (blocked on every channel)."""
    reachable: dict[int, bool] = {}
    for staff_id, blocked_at in session.execute(
            select(Account.staff_id, Account.unreachable_at)
            .where(Account.school_id == school_id)):
        reachable[staff_id] = reachable.get(staff_id, False) or blocked_at is None
    return sorted(names[s] for s, ok in reachable.items() if not ok and s in names)


def _statuses(session: Session, school_id: int, until: datetime) -> dict[int, str]:
    latest: dict[int, str] = {}
    for task_id, status in session.execute(
            select(TaskUpdate.task_id, TaskUpdate.status)
            .where(TaskUpdate.school_id == school_id, TaskUpdate.created_at < until)
            .order_by(TaskUpdate.id)):
        latest[task_id] = status
    return latest


def _owners(session: Session, task_ids: list[int], names: dict[int, str]
            ) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for task_id, staff_id in session.execute(
            select(TaskOwner.task_id, TaskOwner.staff_id)
            .where(TaskOwner.task_id.in_(task_ids)).order_by(TaskOwner.id)):
        found.setdefault(task_id, []).append(names[staff_id])
    return {task_id: tuple(people) for task_id, people in found.items()}


def _changes(session: Session, school_id: int, until: datetime,
             names: dict[int, str]) -> list[Change]:
    rows = session.execute(
        select(TaskUpdate.author_id, TaskUpdate.status, Task.text, Criterion.code)
        .join(Task, Task.id == TaskUpdate.task_id)
        .join(Criterion, Criterion.id == Task.criterion_id)
        .where(TaskUpdate.school_id == school_id, TaskUpdate.created_at < until,
               TaskUpdate.created_at >= until - WEEK)
        .order_by(TaskUpdate.id))
    return [Change(code, text, names[author], status) for author, status, text, code in rows]


def _silent(session: Session, school_id: int, until: datetime,
            names: dict[int, str]) -> list[str]:
    """People whose last check-in went out and who answered nothing since its period
    began."""
    return sorted(names[s] for s in silent_staff(session, [school_id], until) if s in names)
