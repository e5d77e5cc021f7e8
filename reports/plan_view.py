"""The plan as the web console shows it to one scope: standards → criteria → tasks with
their owners, timeline and status, filtered; and one task's whole history with its
evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.text import fold_words
from readers.frameworks import frameworks
from readers.timelines import DATED
from reports.report_data import evidence_with_codes
from storage.access import Scope, sees_task, visible_owners
from storage.models import Criterion, Evidence, Plan, Staff, Task, TaskOwner, TaskUpdate
from storage.plans import current_plan

STATUSES = ("done", "in_progress", "late", "not_started", "none")


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    group: str | None = None
    person: int | None = None
    overdue: bool = False


@dataclass
class TaskRow:
    task: Task
    owners: list[str]
    overdue: bool

    @property
    def status(self) -> str:
        return self.task.status or "none"


@dataclass
class CriterionView:
    criterion: Criterion
    tasks: list[TaskRow] = field(default_factory=list)


@dataclass
class StandardView:
    number: int
    title: str
    criteria: list[CriterionView] = field(default_factory=list)


@dataclass
class PlanView:
    plan: Plan | None
    standards: list[StandardView]
    groups: list[str]  # the tổ one may filter by
    people: list[Staff]  # the people one may filter by
    shown: int
    total: int


def plan_view(session: Session, school_id: int, scope: Scope, filters: Filters,
              today: date) -> PlanView:
    plan = current_plan(session, school_id)
    owners = visible_owners(session, scope, school_id)
    staff = {m.id: m for m in session.scalars(select(Staff).where(Staff.school_id == school_id))}
    people = [m for m in staff.values() if m.active and (owners is None or m.id in owners)]
    groups = sorted({m.group for m in people if m.group}, key=fold_words)
    if plan is None:
        return PlanView(None, [], groups, people, 0, 0)
    wanted = _wanted_owners(filters, people)
    titles = frameworks().get(plan.framework or "", {}).get("standards", {})
    standards: dict[int, StandardView] = {}
    shown = total = 0
    tasks = session.scalars(
        select(Task).join(Criterion, Criterion.id == Task.criterion_id)
        .where(Task.plan_id == plan.id, Task.closed_at.is_(None))
        .options(selectinload(Task.criterion), selectinload(Task.owners))
        .order_by(Criterion.position, Task.position, Task.id))
    views: dict[int, CriterionView] = {}
    for task in tasks:
        task_owners = {o.staff_id for o in task.owners}
        if owners is not None and not task_owners & owners:
            continue
        total += 1
        row = TaskRow(task, [staff[o.staff_id].name for o in task.owners],
                      _overdue(task, today))
        if not _kept(row, filters, task_owners, wanted):
            continue
        shown += 1
        criterion = task.criterion
        standard = standards.setdefault(criterion.standard, StandardView(
            criterion.standard, titles.get(str(criterion.standard), "")))
        if criterion.id not in views:
            views[criterion.id] = CriterionView(criterion)
            standard.criteria.append(views[criterion.id])
        views[criterion.id].tasks.append(row)
    return PlanView(plan, [standards[n] for n in sorted(standards)], groups,
                    sorted(people, key=lambda m: fold_words(m.name)), shown, total)


def _wanted_owners(filters: Filters, people: list[Staff]) -> set[int] | None:
    if filters.person is not None:
        return {filters.person}
    if filters.group:
        return {m.id for m in people if fold_words(m.group or "") == fold_words(filters.group)}
    return None


def _kept(row: TaskRow, filters: Filters, task_owners: set[int],
          wanted: set[int] | None) -> bool:
    if filters.status and row.status != filters.status:
        return False
    if filters.overdue and not row.overdue:
        return False
    return wanted is None or bool(task_owners & wanted)


def _overdue(task: Task, today: date) -> bool:
    return (task.schedule_kind in DATED and task.due_on is not None and task.due_on < today
            and task.status != "done")


@dataclass
class HistoryItem:
    update: TaskUpdate
    author: str
    corrected: bool  # a later update corrects this one
    evidence: list[tuple[Evidence, str]]


@dataclass
class TaskDetail:
    row: TaskRow
    criterion: Criterion
    history: list[HistoryItem]  # newest first
    evidence: list[tuple[Evidence, str]]  # (file, its code)


def task_detail(session: Session, scope: Scope, task_id: int, today: date
                ) -> TaskDetail | None:
    """None when the task does not exist or the scope does not see it."""
    task = session.get(Task, task_id)
    if task is None or not sees_task(session, scope, task):
        return None
    names = dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.school_id == task.school_id)).all())
    plan = session.get(Plan, task.plan_id)
    evidence = [(item, code) for item, code in evidence_with_codes(
        session, task.school_id, plan.framework if plan else None, task.plan_id)
        if item.task_id == task.id]
    updates = session.scalars(select(TaskUpdate).where(TaskUpdate.task_id == task.id)
                              .order_by(TaskUpdate.id.desc())).all()
    corrected = {u.corrects_id for u in updates if u.corrects_id}
    history = [HistoryItem(u, names.get(u.author_id, ""), u.id in corrected,
                           [(e, c) for e, c in evidence if e.update_id == u.id])
               for u in updates]
    owners = session.scalars(select(TaskOwner.staff_id).where(TaskOwner.task_id == task.id)
                             .order_by(TaskOwner.id))
    row = TaskRow(task, [names.get(o, "") for o in owners], _overdue(task, today))
    return TaskDetail(row, task.criterion, history, evidence)


def evidence_file(session: Session, scope: Scope, evidence_id: int) -> Evidence | None:
    item = session.get(Evidence, evidence_id)
    if item is None:
        return None
    task = session.get(Task, item.task_id)
    return item if task is not None and sees_task(session, scope, task) else None
