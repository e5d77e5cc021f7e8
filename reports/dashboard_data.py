"""The web console's dashboard, as a scope sees it: progress by standard, the share of the
plan's tasks done (the indicator criterion 1.4 of Circular 57/2026 names) week by week,
what is overdue, who has not answered, who cannot be reached, and the next checkpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.digest_data import Overdue, digest_data
from reports.progress import Progress, school_progress
from storage.access import OWN, Scope, visible_owners, visible_staff
from storage.models import (Account, Checkpoint, OutboxMessage, Plan, School, Task,
                            TaskOwner, TaskUpdate)
from storage.bot_months import Meter, meters
from storage.outbox import CHECK_INS, SENT
from storage.plans import current_plan, tasks_of

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
    linked: int = 0  # people shown who linked a chat account: nobody hears anything before
    asked: bool = False  # whether a check-in went out to anyone shown
    mine: list[Task] | None = None  # a teacher's own view: her open tasks
    next_due: Task | None = None  # …and the first one due from today, not done
    meters: list[Meter] = field(default_factory=list)  # the board's: messages this month

    @property
    def own(self) -> bool:
        return self.mine is not None

    @property
    def done(self) -> int:
        return self.progress.overall.by_status["done"]

    @property
    def total(self) -> int:
        return self.progress.overall.total


def dashboard(session: Session, school: School, scope: Scope, now: datetime,
              budgets: dict[str, int] | None = None) -> Dashboard:
    """`budgets`: channels whose bots have a monthly quota; the board sees their meters."""
    board = _dashboard(session, school, scope, now)
    if scope.board and budgets:
        board.meters = meters(session, school.id, budgets, now)
    return board


def _dashboard(session: Session, school: School, scope: Scope, now: datetime) -> Dashboard:
    tz = ZoneInfo(school.timezone)
    today = now.astimezone(tz).date()
    owners = visible_owners(session, scope, school.id)
    plan = current_plan(session, school.id)
    progress = school_progress(session, school.id, owners)
    digest = digest_data(session, school, today) if plan else None
    people = visible_staff(session, scope, school.id)
    linked = _linked(session, school.id, [m.id for m in people])
    mine = tasks_of(session, [scope.staff_id]) if scope.kind == OWN else None
    mine = [t for t in mine if t.school_id == school.id] if mine is not None else None
    if digest is None:
        return Dashboard(school, plan, today, progress, [], [], [], [], [], linked=linked,
                         mine=mine)
    names = {m.name for m in people}
    shown = _task_ids(session, plan.id, owners)
    return Dashboard(
        school, plan, today, progress,
        trend=_trend(session, plan, shown, today, tz),
        overdue=[o for o in digest.overdue if o.task_id in shown],
        silent=[n for n in digest.silent if n in names],
        unreachable=[n for n in digest.unreachable if n in names],
        checkpoints=list(session.scalars(
            select(Checkpoint).where(Checkpoint.plan_id == plan.id, Checkpoint.due_on >= today)
            .order_by(Checkpoint.due_on, Checkpoint.position).limit(NEXT_CHECKPOINTS))),
        linked=linked, asked=_asked(session, school.id, [m.id for m in people], now),
        mine=mine, next_due=_next_due(mine, today) if mine is not None else None)


def _linked(session: Session, school_id: int, staff_ids: list[int]) -> int:
    return len(set(session.scalars(select(Account.staff_id).where(
        Account.school_id == school_id, Account.staff_id.in_(staff_ids))))) if staff_ids else 0


def _asked(session: Session, school_id: int, staff_ids: list[int], now: datetime) -> bool:
    """Whether a check-in (the month's, a term review) was sent to any of these people: until
    then nobody can have answered or failed to."""
    return bool(staff_ids) and session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.school_id == school_id, OutboxMessage.staff_id.in_(staff_ids),
        OutboxMessage.status == SENT, OutboxMessage.kind.in_(CHECK_INS),
        OutboxMessage.sent_at <= now).limit(1)) is not None


def _next_due(tasks: list[Task], today: date) -> Task | None:
    """The task not done whose due date comes first from today."""
    coming = [t for t in tasks if t.due_on and t.due_on >= today and t.status != "done"]
    return min(coming, key=lambda t: (t.due_on, t.id), default=None)


def _task_ids(session: Session, plan_id: int, owners: set[int] | None) -> set[int]:
    query = select(Task.id).where(Task.plan_id == plan_id, Task.closed_at.is_(None))
    if owners is not None:
        query = query.where(Task.id.in_(
            select(TaskOwner.task_id).where(TaskOwner.staff_id.in_(owners))))
    return set(session.scalars(query))


def _trend(session: Session, plan: Plan, task_ids: set[int], today: date,
           tz: ZoneInfo) -> list[tuple[date, int, int]]:
    """Done / planned at the end of each of the last weeks, the week up to today last, from
    the week the plan was imported. A correction replaces what it corrects, as the
    newest update always does."""
    updates = session.execute(
        select(TaskUpdate.task_id, TaskUpdate.status, TaskUpdate.created_at)
        .where(TaskUpdate.task_id.in_(task_ids)).order_by(TaskUpdate.id)).all() \
        if task_ids else []
    start = plan.imported_at.astimezone(tz).date()
    # A bar a week, each the seven days up to its date, the last up to today: no two bars
    # share a week, and none ends before the plan was imported.
    ends = [today - timedelta(days=7 * k) for k in range(TREND_WEEKS)]
    trend = []
    for end in reversed(ends):
        if end < start:
            continue
        until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
        status: dict[int, str] = {}
        for task_id, value, at in updates:
            if at < until:
                status[task_id] = value
        done = sum(1 for value in status.values() if value == "done")
        trend.append((end, done, len(task_ids)))
    return trend
