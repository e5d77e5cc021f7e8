"""What the reminder planner needs to know about a school, read in a few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.calendar import SchoolCalendar
from reminders.planner import CHECKINS, Review, SchoolState, TaskInfo, current_school_year
from storage.models import (
    Account,
    Checkpoint,
    Criterion,
    OutboxMessage,
    ReminderSnooze,
    School,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
)
from storage.plans import current_plan
from storage.schools import school_calendar
from readers.timelines import Schedule, parse_timeline, school_year_start


@dataclass(frozen=True)
class Address:
    channel: str
    chat_id: str
    bot: str | None = None  # the channel's default bot when None


def load_state(session: Session, school: School, now: datetime | None) -> SchoolState | None:
    """The school's plan as the planner sees it; None when it has no plan. `now` None means
    a preview: every check-in in the window counts as sent."""
    plan = current_plan(session, school.id)
    if plan is None:
        return None
    tz = ZoneInfo(school.timezone)
    cal = school_calendar(school)
    today = (now or datetime.now(tz)).astimezone(tz).date()
    year = plan.school_year or current_school_year(today, cal)
    rows = session.execute(
        select(Task, Criterion.code).join(Criterion, Criterion.id == Task.criterion_id)
        .where(Task.plan_id == plan.id, Task.closed_at.is_(None))
        .order_by(Criterion.position, Task.position, Task.id)).all()
    owners: dict[int, list[int]] = {}
    for task_id, staff_id in session.execute(
            select(TaskOwner.task_id, TaskOwner.staff_id)
            .join(Staff, Staff.id == TaskOwner.staff_id)
            .where(Staff.school_id == school.id, Staff.active)
            .order_by(TaskOwner.id)):
        owners.setdefault(task_id, []).append(staff_id)
    tasks = []
    for task, code in rows:
        schedule = task_schedule(task, year, cal)
        finished = task.status == "done" and schedule.kind != "recurring"
        tasks.append(TaskInfo(task.id, code, schedule, finished,
                              tuple(owners.get(task.id, ()))))
    return SchoolState(
        school_id=school.id, tz=tz, calendar=cal, school_year=year, tasks=tasks,
        paused_until=_paused(session, school.id),
        reviews=_reviews(session, plan.id, year, cal),
        updated=_updated(session, school.id),
        sent_keys=_sent_checkins(session, school.id) if now else set(),
        snoozes=_snoozes(session, school.id),
        now=now,
    )


def task_schedule(task: Task, school_year: str, cal: SchoolCalendar) -> Schedule:
    """Read from the timeline again, on the school's calendar as it is now: moving the end
    of học kỳ I moves every "Cuối học kỳ I" task with it."""
    if task.timeline:
        return parse_timeline(task.timeline, school_year, cal)
    return Schedule(task.schedule_kind or "unknown", task.schedule_every, task.starts_on,
                    task.due_on)


def addresses(session: Session, school_id: int) -> dict[int, Address]:
    """Staff who can be reached: active, linked, and not blocking the bot; each at the one
    channel they wrote from last (never at two)."""
    found = session.execute(
        select(Account.staff_id, Account.channel, Account.chat_id, Account.bot)
        .join(Staff, Staff.id == Account.staff_id)
        .where(Account.school_id == school_id, Staff.active, Account.unreachable_at.is_(None))
        .order_by(Account.staff_id, Account.last_seen_at.is_(None).desc(),
                  Account.last_seen_at, Account.linked_at, Account.id))
    # Ordered so that the account used last comes last and wins.
    return {staff_id: Address(channel, chat_id, bot)
            for staff_id, channel, chat_id, bot in found}


def _paused(session: Session, school_id: int) -> dict[int, date]:
    return dict(session.execute(select(Staff.id, Staff.paused_until).where(
        Staff.school_id == school_id, Staff.paused_until.is_not(None))).all())


def _reviews(session: Session, plan_id: int, year: str, cal: SchoolCalendar) -> list[Review]:
    """The plan's own monitoring checkpoints (57/2026), else the end of học kỳ I and of
    the year."""
    first = school_year_start(year)
    named = {cal.semester1_end_of(first): "hk1", cal.end(first): "year"}
    checkpoints = session.scalars(select(Checkpoint).where(Checkpoint.plan_id == plan_id)
                                  .order_by(Checkpoint.position)).all()
    ends = [parse_timeline(c.when_text, year, cal).due for c in checkpoints]
    ends = sorted({d for d in ends if d is not None}) or sorted(named)
    return [Review(end, named.get(end, end.isoformat())) for end in ends]


def _updated(session: Session, school_id: int) -> dict[tuple[int, int], datetime]:
    rows = session.execute(
        select(TaskUpdate.author_id, TaskUpdate.task_id, func.max(TaskUpdate.created_at))
        .where(TaskUpdate.school_id == school_id)
        .group_by(TaskUpdate.author_id, TaskUpdate.task_id))
    return {(author, task): at for author, task, at in rows}


def _sent_checkins(session: Session, school_id: int) -> set[str]:
    return set(session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.school_id == school_id, OutboxMessage.kind.in_(CHECKINS),
        OutboxMessage.status == "sent")))


def _snoozes(session: Session, school_id: int) -> dict[str, list[datetime]]:
    found: dict[str, list[datetime]] = {}
    for key, until in session.execute(
            select(ReminderSnooze.source_key, ReminderSnooze.until)
            .where(ReminderSnooze.school_id == school_id).order_by(ReminderSnooze.id)):
        found.setdefault(key, []).append(until)
    return found
