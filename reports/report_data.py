"""What the implementation report says, read from the plan and its updates: one row per
criterion in the columns schools file (seeds/progress-report-2021-2022), the evidence with
codes in the framework's style, and the 57/2026 monitoring table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from readers.frameworks import frameworks
from storage.models import Checkpoint, Criterion, Evidence, School, Staff, Task, TaskUpdate
from storage.plans import current_plan
from storage.schools import school_calendar
from storage.staff_repo import active_staff, is_board
from readers.timelines import school_year_start


@dataclass(frozen=True)
class Period:
    key: str  # "hk1" | "year" | "range"
    start: date
    end: date


@dataclass
class TaskLine:
    text: str
    status: str | None  # as of the end of the period; None when never updated
    done_text: str | None = None
    reason: str | None = None
    author: str | None = None
    evidence: list[str] = field(default_factory=list)  # codes


@dataclass
class CriterionRow:
    standard: int
    code: str
    title: str
    planned: list[str] = field(default_factory=list)  # as written at the start of the year
    adjusted: list[str] = field(default_factory=list)  # as adjusted since, and closed ones
    done: list[TaskLine] = field(default_factory=list)
    ongoing: list[TaskLine] = field(default_factory=list)  # in progress or late
    not_started: list[TaskLine] = field(default_factory=list)
    closed: list[tuple[str, date]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceLine:
    code: str
    criterion: str
    task: str
    file_name: str | None
    kind: str  # photo | document | video
    author: str
    on: date


@dataclass(frozen=True)
class MonitoringLine:
    when: str
    content: str
    reviewer: str
    reached: bool  # the checkpoint falls within the period: its results are known
    done: int
    total: int
    adjusted: int


@dataclass
class ReportData:
    school: str
    school_year: str
    framework: str | None
    period: Period
    made_on: date
    principal: str | None
    standards: list[tuple[int, str, list[CriterionRow]]]
    evidence: list[EvidenceLine]
    monitoring: list[MonitoringLine]
    counts: dict[str, int]

    @property
    def rows(self) -> list[CriterionRow]:
        return [row for _, _, rows in self.standards for row in rows]


def period_of(session: Session, school: School, key: str) -> Period:
    """'hk1', 'year' or 'YYYY-MM-DD:YYYY-MM-DD' on the school's calendar and plan year."""
    if ":" in key:
        start, _, end = key.partition(":")
        period = Period("range", date.fromisoformat(start), date.fromisoformat(end))
        if period.end < period.start:
            raise ValueError(key)
        return period
    plan = current_plan(session, school.id)
    cal = school_calendar(school)
    first = school_year_start(plan.school_year if plan else None) or date.today().year
    if key == "hk1":
        return Period("hk1", cal.start(first), cal.semester1_end_of(first))
    if key == "year":
        return Period("year", cal.start(first), cal.end(first))
    raise ValueError(key)


def evidence_code(framework: str | None, criterion: str, number: int) -> str:
    """`MC.1.3.01` under 57/2026; `[H1-1.1-01]` (box, criterion, item) under the 2018 ones."""
    if framework and framework.startswith("TT57"):
        return f"MC.{criterion}.{number:02d}"
    return f"[H{criterion.split('.')[0]}-{criterion}-{number:02d}]"


def evidence_with_codes(session: Session, school_id: int, framework: str | None
                        ) -> list[tuple[Evidence, str]]:
    """Every evidence file of the school with its code, numbered per criterion in the order
    the files came in: a file keeps its code from one report to the next."""
    numbers: dict[str, int] = {}
    found = []
    for item in session.scalars(select(Evidence).where(Evidence.school_id == school_id)
                                .order_by(Evidence.id)):
        numbers[item.criterion_code] = numbers.get(item.criterion_code, 0) + 1
        found.append((item, evidence_code(framework, item.criterion_code,
                                          numbers[item.criterion_code])))
    return found


def report_data(session: Session, school: School, period: Period, today: date) -> ReportData:
    plan = current_plan(session, school.id)
    if plan is None:
        raise LookupError("no plan")
    tz = ZoneInfo(school.timezone)
    until = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz)
    criteria = session.scalars(select(Criterion).where(Criterion.plan_id == plan.id)
                               .order_by(Criterion.position)).all()
    tasks = session.scalars(select(Task).where(Task.plan_id == plan.id)
                            .order_by(Task.position, Task.id)).all()
    names = {s.id: s.name for s in session.scalars(
        select(Staff).where(Staff.school_id == school.id))}
    latest = _latest_updates(session, school.id, until)
    codes, evidence = _evidence(session, school.id, plan.framework, until, names, tasks, tz)
    by_criterion: dict[int, list[Task]] = {}
    for task in tasks:
        by_criterion.setdefault(task.criterion_id, []).append(task)
    counts = dict.fromkeys(("done", "ongoing", "not_started", "adjusted", "closed"), 0)
    standards: dict[int, list[CriterionRow]] = {}
    for criterion in criteria:
        row = CriterionRow(criterion.standard, criterion.code, criterion.title or "")
        for task in by_criterion.get(criterion.id, []):
            _place(row, task, latest.get(task.id), codes, names, until, tz, counts)
        row.evidence = [c for task in by_criterion.get(criterion.id, [])
                        for c in codes.get(task.id, [])]
        standards.setdefault(criterion.standard, []).append(row)
    titles = frameworks().get(plan.framework or "", {}).get("standards", {})
    board = [m for m in active_staff(session, school.id) if is_board(m)]
    principal = next((m.name for m in board if "HT" in " ".join(m.roles or []).split()),
                      board[0].name if board else None)
    return ReportData(
        school=school.name or school.code, school_year=plan.school_year or "",
        framework=plan.framework, period=period, made_on=today, principal=principal,
        standards=[(n, titles.get(str(n), ""), rows) for n, rows in sorted(standards.items())],
        evidence=evidence, monitoring=_monitoring(session, plan.id, period, counts),
        counts=counts)


def _place(row: CriterionRow, task: Task, update: TaskUpdate | None,
           codes: dict[int, list[str]], names: dict[int, str], until: datetime, tz: ZoneInfo,
           counts: dict[str, int]) -> None:
    row.planned.append(task.original_text or task.text)
    if task.adjusted_at and task.adjusted_at < until:
        row.adjusted.append(task.text)
        counts["adjusted"] += 1
    if task.closed_at and task.closed_at < until:
        row.closed.append((task.original_text or task.text, task.closed_at.astimezone(tz).date()))
        counts["closed"] += 1
        return
    line = TaskLine(task.text, update.status if update else None,
                    update.done_text if update else None, update.reason if update else None,
                    names.get(update.author_id) if update else None, codes.get(task.id, []))
    if line.status == "done":
        row.done.append(line)
        counts["done"] += 1
    elif line.status in ("in_progress", "late"):
        row.ongoing.append(line)
        counts["ongoing"] += 1
    else:
        row.not_started.append(line)
        counts["not_started"] += 1


def _latest_updates(session: Session, school_id: int, until: datetime) -> dict[int, TaskUpdate]:
    latest: dict[int, TaskUpdate] = {}
    for update in session.scalars(select(TaskUpdate).where(
            TaskUpdate.school_id == school_id, TaskUpdate.created_at < until)
            .order_by(TaskUpdate.id)):
        latest[update.task_id] = update
    return latest


def _evidence(session: Session, school_id: int, framework: str | None, until: datetime,
              names: dict[int, str], tasks: list[Task], tz: ZoneInfo
              ) -> tuple[dict[int, list[str]], list[EvidenceLine]]:
    texts = {t.id: t.text for t in tasks}
    by_task: dict[int, list[str]] = {}
    lines = []
    for item, code in evidence_with_codes(session, school_id, framework):
        if item.created_at >= until or item.task_id not in texts:
            continue
        by_task.setdefault(item.task_id, []).append(code)
        lines.append(EvidenceLine(code, item.criterion_code, texts[item.task_id],
                                  item.file_name, item.kind, names.get(item.author_id, ""),
                                  item.created_at.astimezone(tz).date()))
    lines.sort(key=lambda e: (_code_key(e.criterion), e.code))
    return by_task, lines


def _code_key(code: str) -> tuple[int, int]:
    standard, _, number = code.partition(".")
    return int(standard), int(number or 0)


def _monitoring(session: Session, plan_id: int, period: Period, counts: dict[str, int]
                ) -> list[MonitoringLine]:
    """The 57/2026 monitoring table, its results filled in from the period's counts."""
    checkpoints = session.scalars(select(Checkpoint).where(Checkpoint.plan_id == plan_id)
                                  .order_by(Checkpoint.position)).all()
    total = counts["done"] + counts["ongoing"] + counts["not_started"]
    return [MonitoringLine(c.when_text, c.content or "", c.reviewer or "",
                           c.due_on is None or c.due_on <= period.end, counts["done"], total,
                           counts["adjusted"]) for c in checkpoints]

