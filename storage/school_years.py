"""Closing a school year and opening the next: which year closes, what of its plan goes
on (unfinished and recurring tasks, every criterion and its target), and, once the
principal confirms next year's draft, the new plan that takes over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import InputError
from readers.next_year import next_school_year, shift_timeline
from readers.plan_draft import CheckpointDraft, CriterionDraft, PlanDraft, TaskDraft
from readers.timelines import parse_timeline, school_year_start
from storage import audit
from storage.models import Checkpoint, Criterion, Plan, School, SchoolYear, Task, TaskUpdate
from storage.outbox import drop_pending_about
from storage.plans import (PlanImportReport, current_plan, match_tasks, open_plan_tasks,
                           save_plan, school_year_first)
from storage.schools import school_calendar


@dataclass
class Carried:
    """A task of next year's draft that goes on from one of this year's: what it was."""

    criterion: str
    text: str
    old_task_id: int
    status: str | None  # its last status; None when nobody answered
    reason: str | None  # the reason last given for it, if any
    was: str | None  # its timeline this year
    timeline: str | None  # its timeline in the draft


def year_to_close(session: Session, school: School, today: date) -> tuple[Plan, str]:
    """The school's plan and the school year closing with it («2026-2027»)."""
    plan = current_plan(session, school.id)
    if plan is None:
        raise InputError("year_no_plan")
    first = school_year_first(session, school, today)
    return plan, f"{first}-{first + 1}"


def refuse_closed(session: Session, school: School, year: str) -> None:
    """A year is closed once: its report is kept as it was written."""
    row = closed_year(session, school.id, year)
    if row is not None:
        raise InputError("year_closed_already", school_year=year, closed_at=row.closed_at,
                         tz=school.timezone)


def closed_year(session: Session, school_id: int, year: str) -> SchoolYear | None:
    return session.scalar(select(SchoolYear).where(SchoolYear.school_id == school_id,
                                                   SchoolYear.school_year == year))


def waiting_year(session: Session, school_id: int) -> SchoolYear | None:
    """The closed year whose next-year draft is still waiting for the principal."""
    return session.scalar(select(SchoolYear).where(SchoolYear.school_id == school_id,
                                                   SchoolYear.opened_at.is_(None))
                          .order_by(SchoolYear.id.desc()).limit(1))


def past_years(session: Session, school_id: int) -> list[SchoolYear]:
    return list(session.scalars(select(SchoolYear).where(SchoolYear.school_id == school_id)
                                .order_by(SchoolYear.school_year.desc())))


def next_year_draft(session: Session, school: School, plan: Plan, year: str) -> PlanDraft:
    """Next year's plan from this one: every criterion with its title and target (a plan
    of several years keeps its later years' targets), the tasks not finished and the
    recurring ones, this year's dated timelines moved one year on, all read on next year's
    calendar."""
    following = next_school_year(year)
    cal = school_calendar(school)
    year_end = cal.end(school_year_start(year))
    draft = PlanDraft(school=school.name, framework=plan.framework, level=plan.level,
                      school_year=following)
    tasks: dict[int, list[Task]] = {}
    for task in open_plan_tasks(session, plan.id):
        tasks.setdefault(task.criterion_id, []).append(task)
    for criterion in session.scalars(select(Criterion).where(Criterion.plan_id == plan.id)
                                     .order_by(Criterion.position, Criterion.id)):
        draft.criteria.append(CriterionDraft(
            id=criterion.code, title=criterion.title, target=criterion.target,
            assessed_level=criterion.assessed_level,
            tasks=[_carried_task(t, following, cal, year_end)
                   for t in tasks.get(criterion.id, []) if _goes_on(t)]))
    return draft


def _goes_on(task: Task) -> bool:
    return task.schedule_kind == "recurring" or task.status != "done"


def _carried_task(task: Task, year: str, cal, year_end: date) -> TaskDraft:
    """The task in next year's draft: its timeline moved a year on, unless it is recurring
    or dated after the year closing (a later year's task of a plan of several years)."""
    later = task.due_on is not None and task.due_on > year_end
    timeline = shift_timeline(task.timeline, task.schedule_kind == "recurring" or later)
    return TaskDraft(text=task.text, owners=list(task.owner_phrases or []),
                     owners_text=task.owners_text, output=task.output, timeline=timeline,
                     support=task.support, note=task.note,
                     schedule=parse_timeline(timeline, year, cal) if timeline else None)


def carried_history(session: Session, plan: Plan, draft: PlanDraft) -> list[Carried]:
    """The draft's tasks that go on from this year's, found as a re-import finds them (the
    same text, or an edited one still alike), each with its last status and reason."""
    match = match_tasks(open_plan_tasks(session, plan.id), draft)
    found = [(code, _draft_task(draft, code, index), old)
             for (code, index), (old, _) in match.pairs.items() if old is not None]
    reasons = _last_reasons(session, [old.id for _, _, old in found])
    return [Carried(code, new.text, old.id, old.status, reasons.get(old.id), old.timeline,
                    new.timeline) for code, new, old in found]


def _draft_task(draft: PlanDraft, code: str, index: int) -> TaskDraft:
    return next(c for c in draft.criteria if c.id == code).tasks[index]


def _last_reasons(session: Session, task_ids: list[int]) -> dict[int, str]:
    reasons: dict[int, str] = {}
    if not task_ids:
        return reasons
    for update in session.scalars(select(TaskUpdate).where(
            TaskUpdate.task_id.in_(task_ids), TaskUpdate.reason.is_not(None))
            .order_by(TaskUpdate.id)):
        reasons[update.task_id] = update.reason
    return reasons


def record_close(session: Session, school: School, plan: Plan, year: str, at: datetime,
                 period: tuple[date, date], made_on: date, files: list[dict],
                 draft_name: str, draft: bytes, via: str,
                 actor_id: int | None = None) -> SchoolYear:
    refuse_closed(session, school, year)
    row = SchoolYear(school_id=school.id, school_year=year, plan_id=plan.id, closed_at=at,
                     closed_by=actor_id, period_start=period[0], period_end=period[1],
                     report_until=at, made_on=made_on, files=files, draft_name=draft_name,
                     draft=draft)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # closed at the same moment by someone else: their close stands
        refuse_closed(session, school, year)
        raise
    audit.record(session, audit.YEAR_CLOSE, school.id, at, via, actor_id, subject=year,
                 files=[f["name"] for f in files])
    session.flush()
    return row


def open_next_year(session: Session, school: School, row: SchoolYear, draft: PlanDraft,
                   clock: Clock, via: str, actor_id: int | None = None) -> PlanImportReport:
    """The confirmed draft becomes the school's plan for the next year. Its tasks that go
    on from last year's link to them; last year's tasks still open are closed, so nothing
    about them is reminded again. Staff, bots, calendar and accounts are the school's and
    stay as they are."""
    if row.opened_at is not None:
        raise InputError("year_opened_already", school_year=next_school_year(row.school_year))
    old = session.get(Plan, row.plan_id)
    now = clock.now()
    draft.school_year = next_school_year(row.school_year)
    carried = carried_history(session, old, draft)
    if not draft.checkpoints:  # the workbook has no monitoring table: last year's, moved on
        draft.checkpoints = _shifted_checkpoints(session, old, draft.school_year, school)
    plan = Plan(school_id=school.id, imported_at=now, updated_at=now)
    session.add(plan)
    session.flush()
    report = save_plan(session, school, draft, clock, source_name=row.draft_name, via=via,
                       actor_id=actor_id)
    _link_carried(session, plan, carried)
    closing = open_plan_tasks(session, old.id)
    for task in closing:
        task.closed_at = now
    # A reminder already queued about last year's tasks goes no more.
    drop_pending_about(session, school.id, {t.id for t in closing}, now, "year closed")
    row.opened_at, row.next_plan_id = now, plan.id
    audit.record(session, audit.YEAR_OPEN, school.id, now, via, actor_id,
                 subject=draft.school_year, tasks=report.tasks, carried=len(carried))
    session.flush()
    return report


def _link_carried(session: Session, plan: Plan, carried: list[Carried]) -> None:
    """Each new task to the old one it goes on from, found by criterion and text."""
    new = {}
    for task in open_plan_tasks(session, plan.id):
        new.setdefault((task.criterion.code, task.text), []).append(task)
    for line in carried:
        waiting = new.get((line.criterion, line.text))
        if waiting:
            waiting.pop(0).carried_from_id = line.old_task_id


def _shifted_checkpoints(session: Session, plan: Plan, year: str,
                         school: School) -> list[CheckpointDraft]:
    cal = school_calendar(school)
    found = []
    for checkpoint in session.scalars(select(Checkpoint).where(Checkpoint.plan_id == plan.id)
                                      .order_by(Checkpoint.position)):
        when = shift_timeline(checkpoint.when_text, recurring=False)
        found.append(CheckpointDraft(when, checkpoint.content, checkpoint.reviewer,
                                     parse_timeline(when, year, cal)))
    return found
