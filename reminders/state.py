"""What the reminder planner needs to know about a school — its plan, people, answers — and
what was already told, read in a few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from core.calendar import SchoolCalendar
from core.dates import find_days, school_year_of
from core.text import fold_words
from readers.owners import staff_roles
from readers.timelines import Schedule, parse_timeline, school_year_start
from reminders.planner import (
    GROUP,
    HISTORY,
    Answer,
    History,
    Item,
    Person,
    Review,
    SchoolState,
    TaskInfo,
)
from storage.models import (
    Account,
    Checkpoint,
    Criterion,
    OverdueAlert,
    Plan,
    ReminderSnooze,
    School,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
)
from storage.outbox import scheduled_rows
from storage.plans import current_plan
from storage.schools import school_calendar
from storage.updates import NEEDS_REASON


@dataclass(frozen=True)
class Address:
    channel: str
    chat_id: str
    bot: str | None = None  # the channel's default bot when None


def load_state(session: Session, school: School, now: datetime | None) -> SchoolState | None:
    """The school's plan as the planner sees it; None when it has no plan."""
    plan = current_plan(session, school.id)
    if plan is None:
        return None
    tz = ZoneInfo(school.timezone)
    cal = school_calendar(school)
    today = (now or datetime.now(tz)).astimezone(tz).date()
    year = plan.school_year or cal.school_year_of(today)
    rows = session.execute(
        select(Task.id, Task.timeline, Task.schedule_kind, Task.schedule_every,
               Task.starts_on, Task.due_on, Task.status, Criterion.code)
        .join(Criterion, Criterion.id == Task.criterion_id)
        .where(Task.plan_id == plan.id, Task.closed_at.is_(None))
        .order_by(Criterion.position, Task.position, Task.id)).all()
    staff = session.scalars(select(Staff).where(Staff.school_id == school.id, Staff.active)
                            .order_by(Staff.id)).all()
    people = {m.id: Person(m.id, frozenset(staff_roles(m)), fold_words(m.group or ""))
              for m in staff}
    owners: dict[int, list[int]] = {}
    for task_id, staff_id in session.execute(
            select(TaskOwner.task_id, TaskOwner.staff_id)
            .join(Staff, Staff.id == TaskOwner.staff_id)
            .where(Staff.school_id == school.id, Staff.active)
            .order_by(TaskOwner.id)):
        owners.setdefault(task_id, []).append(staff_id)
    tasks = []
    for row in rows:
        schedule = task_schedule(row, year, cal)
        finished = row.status == "done" and schedule.kind != "recurring"
        tasks.append(TaskInfo(row.id, row.code, schedule, finished,
                              tuple(owners.get(row.id, ()))))
    return SchoolState(
        school_id=school.id, tz=tz, calendar=cal, school_year=year, tasks=tasks,
        people=people,
        paused_until={m.id: m.paused_until for m in staff if m.paused_until},
        reviews=_reviews(session, plan.id, year, cal),
        updated=(updated := _updated(session, school.id)),
        task_updated=_newest_by_task(updated),
        owner_answers=_owner_answers(session, school.id, owners, cal, tz),
        board_group=bool(school.board_chat_id),
        since=session.scalar(select(Plan.imported_at).where(Plan.school_id == school.id)
                             .order_by(Plan.id.desc()).limit(1)),
    )


def task_schedule(task, school_year: str, cal: SchoolCalendar) -> Schedule:
    """Read from the timeline again, on the school's calendar as it is now: moving the end
    of học kỳ I moves every "Cuối học kỳ I" task with it."""
    if task.timeline:
        return parse_timeline(task.timeline, school_year, cal)
    return Schedule(task.schedule_kind or "unknown", task.schedule_every, task.starts_on,
                    task.due_on)


def load_history(session: Session, school_id: int, now: datetime, tz: ZoneInfo) -> History:
    """What was told lately (the outbox's scheduled messages of the last weeks, each with the
    items it carried), the overdue ladder of every task, and "remind me later" asks."""
    history = History()
    by_key: dict[str, tuple[int | None, list[Item]]] = {}
    for message in scheduled_rows(session, school_id, now - HISTORY):
        recipient = message.staff_id if message.staff_id is not None else GROUP
        items = told_items(message, tz)
        for item in items:
            history.tell(recipient, item)
        history.days.setdefault(recipient, set()).add(message.due_at.astimezone(tz).date())
        by_key[message.key] = (recipient, items)
    for task_id, step, staff_id, at in session.execute(
            select(OverdueAlert.task_id, OverdueAlert.step, OverdueAlert.staff_id,
                   OverdueAlert.created_at).where(OverdueAlert.school_id == school_id)):
        rungs = history.ladder.setdefault(task_id, {})
        rungs[step] = min(rungs.get(step, at), at)
        history.alerted.setdefault(task_id, set()).add(staff_id)
    for key, until in session.execute(
            select(ReminderSnooze.source_key, ReminderSnooze.until)
            .where(ReminderSnooze.school_id == school_id).order_by(ReminderSnooze.id)):
        recipient, items = by_key.get(key, (None, []))
        for item in items:
            if item.kind in ("monthly", "term_review"):
                history.snoozes.setdefault(recipient, {}).setdefault(item.key, []).append(until)
    return history


def told_items(message: Row, tz: ZoneInfo) -> list[Item]:
    """The items a scheduled message carried, at its moment. A row written before messages
    carried their items (one kind each) is read as the one item it was."""
    if message.items:
        return [Item.from_json(data, at=message.due_at) for data in message.items]
    kind, period, at = message.kind, message.period, message.due_at
    tasks = tuple(message.task_ids or ())
    if kind == "monthly":
        since = datetime.combine(date.fromisoformat(f"{period}-01"), time(0), tzinfo=tz)
        return [Item(kind, f"monthly:{period}", at, tasks, period, since=since)]
    if kind == "deadline":
        return [Item(kind, f"deadline:{t}:{period}", at, (t,), period) for t in tasks]
    if kind in ("term_review", "nudge", "silent"):
        return [Item(kind, f"{kind}:{period}", at, tasks, period)]
    if kind in ("digest", "chart"):
        return [Item("digest", f"digest:{period}", at, (), period)]
    return []


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


def _newest_by_task(updated: dict[tuple[int, int], datetime]) -> dict[int, datetime]:
    newest: dict[int, datetime] = {}
    for (_, task_id), at in updated.items():
        newest[task_id] = max(at, newest.get(task_id, at))
    return newest


def _owner_answers(session: Session, school_id: int, owners: dict[int, list[int]],
                   cal: SchoolCalendar, tz: ZoneInfo) -> dict[int, Answer]:
    """Each task's newest update by one of its owners, when it quiets the task's alerts: said
    late or not started (with the reason asked), or given after the due date."""
    newest = (select(func.max(TaskUpdate.id)).where(TaskUpdate.school_id == school_id)
              .group_by(TaskUpdate.task_id, TaskUpdate.author_id))
    found: dict[int, Answer] = {}
    for update in session.execute(
            select(TaskUpdate.task_id, TaskUpdate.author_id, TaskUpdate.status,
                   TaskUpdate.created_at, TaskUpdate.reason, TaskUpdate.done_text,
                   Task.due_on.label("due"))
            .join(Task, Task.id == TaskUpdate.task_id)
            .where(TaskUpdate.id.in_(newest)).order_by(TaskUpdate.created_at)):
        if update.author_id not in owners.get(update.task_id, ()) or update.status == "done":
            continue
        day = update.created_at.astimezone(tz).date()
        if update.status not in NEEDS_REASON and (update.due is None or day <= update.due):
            continue
        found[update.task_id] = Answer(update.created_at, quiet_until(
            day, f"{update.reason or ''} {update.done_text or ''}", cal))
    return found


def quiet_until(day: date, said: str, cal: SchoolCalendar) -> date:
    """How long an owner's answer on a late task quiets its alerts: to the day after a date
    they named («dự kiến xong 30/4»), else `late_quiet_days`."""
    named = [f.day for f in find_days(said, school_year_of(day)) if f.day > day]
    if named:
        return max(named) + timedelta(days=1)
    return day + timedelta(days=cal.late_quiet_days)
