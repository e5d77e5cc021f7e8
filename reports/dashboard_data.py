"""The web console's dashboard, as a scope sees it: progress by standard, the share of the
plan's tasks done (the indicator criterion 1.4 of Circular 57/2026 names) week by week,
what is overdue, who has not answered, who cannot be reached, and the next checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.digest_data import Overdue, digest_data
from reports.progress import Progress, school_progress
from storage.access import Scope, visible_owners, visible_staff
from storage.models import Checkpoint, Plan, School, Task, TaskOwner, TaskUpdate
from storage.plans import current_plan

TREND_WEEKS = 12
NEXT_CHECKPOINTS = 3


@dataclass
class Dashboard:
    school: School
    plan: Plan | None
    today: date
    progress: Progress
    trend: list[tuple[date, int, int]]  # (week's last day, tasks done, tasks planned)
    overdue: list[Overdue]
    silent: list[str]
    unreachable: list[str]
    checkpoints: list[Checkpoint]

    @property
    def done(self) -> int:
        return self.progress.overall.by_status["done"]

    @property
    def total(self) -> int:
        return self.progress.overall.total


def dashboard(session: Session, school: School, scope: Scope, now: datetime) -> Dashboard:
    tz = ZoneInfo(school.timezone)
    today = now.astimezone(tz).date()
    owners = visible_owners(session, scope, school.id)
    plan = current_plan(session, school.id)
    progress = school_progress(session, school.id, owners)
    digest = digest_data(session, school, today) if plan else None
    if digest is None:
        return Dashboard(school, plan, today, progress, [], [], [], [], [])
    names = {m.name for m in visible_staff(session, scope, school.id)}
    shown = _task_ids(session, plan.id, owners)
    return Dashboard(
        school, plan, today, progress,
        trend=_trend(session, plan, shown, today, tz),
        overdue=[o for o in digest.overdue if o.task_id in shown],
        silent=[n for n in digest.silent if n in names],
        unreachable=[n for n in digest.unreachable if n in names],
        checkpoints=list(session.scalars(
            select(Checkpoint).where(Checkpoint.plan_id == plan.id, Checkpoint.due_on >= today)
            .order_by(Checkpoint.due_on, Checkpoint.position).limit(NEXT_CHECKPOINTS))))


def _task_ids(session: Session, plan_id: int, owners: set[int] | None) -> set[int]:
    query = select(Task.id).where(Task.plan_id == plan_id, Task.closed_at.is_(None))
    if owners is not None:
        query = query.where(Task.id.in_(
            select(TaskOwner.task_id).where(TaskOwner.staff_id.in_(owners))))
    return set(session.scalars(query))


def _trend(session: Session, plan: Plan, task_ids: set[int], today: date,
           tz: ZoneInfo) -> list[tuple[date, int, int]]:
    """Done / planned at the end of each of the last weeks (Sunday), this week so far last,
    from the week the plan was imported. A correction replaces what it corrects, as the
    newest update always does."""
    updates = session.execute(
        select(TaskUpdate.task_id, TaskUpdate.status, TaskUpdate.created_at)
        .where(TaskUpdate.task_id.in_(task_ids)).order_by(TaskUpdate.id)).all() \
        if task_ids else []
    start = plan.imported_at.astimezone(tz).date()
    ends = [today - timedelta(days=7 * k) for k in range(TREND_WEEKS)]
    ends = [end + timedelta(days=6 - end.weekday()) if k else today
            for k, end in enumerate(ends)]
    trend = []
    for end in reversed(ends):
        if end < start - timedelta(days=6):
            continue
        until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
        status: dict[int, str] = {}
        for task_id, value, at in updates:
            if at < until:
                status[task_id] = value
        done = sum(1 for value in status.values() if value == "done")
        trend.append((end, done, len(task_ids)))
    return trend
