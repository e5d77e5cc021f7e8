"""What the implementation report says, read from the plan and its updates: one row per
criterion in the columns schools file (seeds/progress-report-2021-2022), the evidence with
codes in the framework's style, and the 57/2026 monitoring table.

It says only what was said: a task nobody answered is «chưa có cập nhật», never «chưa triển
khai»; a recurring task keeps each period's answer; each evidence item is named once, with
a link into the console when the caller passes its public address."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from readers.frameworks import frameworks
from storage.models import (Checkpoint, Criterion, Evidence, Plan, School, Staff, Task,
                            TaskUpdate)
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
class Answer:
    """One answer kept for the report: a task's last one, or one period's of a recurring
    task (the last answer given in that week or month)."""
    on: date
    start: date  # the week or month it answers for; `on` for a one-off answer
    end: date
    status: str
    done_text: str | None = None
    reason: str | None = None
    author: str | None = None
    evidence: list[str] = field(default_factory=list)  # codes of the files sent with it


@dataclass
class TaskLine:
    text: str
    status: str | None  # as of the end of the period; None when never updated
    done_text: str | None = None
    reason: str | None = None
    author: str | None = None
    evidence: list[str] = field(default_factory=list)  # codes, every answer's
    every: str | None = None  # week | month | semester | year for a recurring task
    periods: list[Answer] = field(default_factory=list)  # a recurring task's, oldest first

    @property
    def unplaced(self) -> list[str]:
        """Codes of files sent with an answer that a later one in its period replaced."""
        placed = {c for answer in self.periods for c in answer.evidence}
        return [c for c in self.evidence if c not in placed]


@dataclass
class CriterionRow:
    standard: int
    code: str
    title: str
    planned: list[str] = field(default_factory=list)  # as written at the start of the year
    adjusted: list[str] = field(default_factory=list)  # as adjusted since, and closed ones
    done: list[TaskLine] = field(default_factory=list)
    ongoing: list[TaskLine] = field(default_factory=list)  # in progress or late
    not_started: list[TaskLine] = field(default_factory=list)  # answered «not started»
    no_update: list[TaskLine] = field(default_factory=list)  # nobody answered
    closed: list[tuple[str, date]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    # Files of tasks that have no line of their own (removed from the plan): noted apart.
    other_evidence: list[str] = field(default_factory=list)


# An answer as the report keeps it: the time it answers for, the answer, and the ids of the
# answers it stands for (itself and those it corrected).
Said = tuple[datetime, TaskUpdate, list[int]]


@dataclass(frozen=True)
class EvidenceLine:
    code: str
    criterion: str
    task: str
    file_name: str | None  # the file's own name when it says something (not «anh.png»)
    kind: str  # photo | document | video
    author: str
    on: date
    url: str | None = None  # the console's page of the file
    nth: int = 1  # among the same task's files of that day and kind without a name of
    of: int = 1   # their own, so that no two items read alike


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
    number_code: str  # «BC-<this>» in the number line: the school's short name
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


def evidence_with_codes(session: Session, school_id: int, framework: str | None,
                        plan_id: int | None = None) -> list[tuple[Evidence, str]]:
    """The school's evidence files (those of plan `plan_id`'s tasks, when given) with their
    codes, numbered per plan and criterion in the order the files came in: a file keeps its
    code from one report to the next, and a new school year's plan starts at 01."""
    query = (select(Evidence, Task.plan_id).join(Task, Task.id == Evidence.task_id)
             .where(Evidence.school_id == school_id).order_by(Evidence.id))
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    numbers: dict[tuple[int, str], int] = {}
    found = []
    for item, plan in session.execute(query):
        key = (plan, item.criterion_code)
        numbers[key] = numbers.get(key, 0) + 1
        found.append((item, evidence_code(framework, item.criterion_code, numbers[key])))
    return found


def report_data(session: Session, school: School, period: Period, today: date,
                public_url: str | None = None, plan: Plan | None = None,
                until: datetime | None = None) -> ReportData:
    """`public_url`: where the web console is reached (CAITIEN_PUBLIC_URL), for links to
    the evidence; without it the report names the files only. A closed school year's
    report passes its own plan, and the moment it was closed as `until` when that came
    before the period's end: what was said later is not in it."""
    plan = plan or current_plan(session, school.id)
    if plan is None:
        raise LookupError("no plan")
    tz = ZoneInfo(school.timezone)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz)
    until = min(until, end) if until else end
    criteria = session.scalars(select(Criterion).where(Criterion.plan_id == plan.id)
                               .order_by(Criterion.position)).all()
    tasks = session.scalars(select(Task).where(Task.plan_id == plan.id)
                            .order_by(Task.position, Task.id)).all()
    names = {s.id: s.name for s in session.scalars(
        select(Staff).where(Staff.school_id == school.id))}
    answers = _answers(session, school.id, until)
    console = (f"{public_url.rstrip('/')}/web/s/{school.id}/evidence/"
               if public_url else None)
    codes, by_update, evidence = _evidence(session, school.id, plan, until, names,
                                           tasks, tz, console)
    by_criterion: dict[int, list[Task]] = {}
    for task in tasks:
        by_criterion.setdefault(task.criterion_id, []).append(task)
    counts = dict.fromkeys(("done", "ongoing", "not_started", "no_update", "adjusted",
                            "closed"), 0)
    standards: dict[int, list[CriterionRow]] = {}
    for criterion in criteria:
        row = CriterionRow(criterion.standard, criterion.code, criterion.title or "")
        for task in by_criterion.get(criterion.id, []):
            _place(row, task, answers.get(task.id, []), codes, by_update, names, until, tz,
                   counts)
        row.evidence = [c for task in by_criterion.get(criterion.id, [])
                        for c in codes.get(task.id, [])]
        shown = {c for line in row.done + row.ongoing + row.not_started + row.no_update
                 for c in line.evidence}
        row.other_evidence = [c for c in row.evidence if c not in shown]
        standards.setdefault(criterion.standard, []).append(row)
    titles = frameworks().get(plan.framework or "", {}).get("standards", {})
    return ReportData(
        school=school.name or school.code, school_year=plan.school_year or "",
        framework=plan.framework, period=period, made_on=today,
        principal=principal_name(session, school.id),
        number_code=short_name(school.name, school.code),
        standards=[(n, titles.get(str(n), ""), rows) for n, rows in sorted(standards.items())],
        evidence=evidence, monitoring=_monitoring(session, plan.id, period, counts),
        counts=counts)


def principal_name(session: Session, school_id: int) -> str | None:
    """Who signs: the principal (role HT), else the first of the board."""
    board = [m for m in active_staff(session, school_id) if is_board(m)]
    return next((m.name for m in board if "HT" in " ".join(m.roles or []).split()),
                board[0].name if board else None)


def _place(row: CriterionRow, task: Task, answers: list[Said],
           codes: dict[int, list[str]], by_update: dict[int, list[str]],
           names: dict[int, str], until: datetime, tz: ZoneInfo,
           counts: dict[str, int]) -> None:
    row.planned.append(task.original_text or task.text)
    if task.adjusted_at and task.adjusted_at < until:
        row.adjusted.append(task.text)
        counts["adjusted"] += 1
    if task.closed_at and task.closed_at < until:
        row.closed.append((task.original_text or task.text, task.closed_at.astimezone(tz).date()))
        counts["closed"] += 1
        return
    if not answers:
        row.no_update.append(TaskLine(task.text, None, evidence=codes.get(task.id, [])))
        counts["no_update"] += 1
        return
    update = answers[-1][1]
    line = TaskLine(task.text, update.status, update.done_text, update.reason,
                    names.get(update.author_id), codes.get(task.id, []))
    if task.schedule_kind == "recurring" and task.schedule_every in ("week", "month"):
        line.every = task.schedule_every
        line.periods = _periods(answers, task.schedule_every, by_update, names, tz)
    if line.status == "done":
        row.done.append(line)
        counts["done"] += 1
    elif line.status in ("in_progress", "late"):
        row.ongoing.append(line)
        counts["ongoing"] += 1
    else:
        row.not_started.append(line)
        counts["not_started"] += 1


def _periods(answers: list[Said], every: str | None,
             by_update: dict[int, list[str]], names: dict[int, str], tz: ZoneInfo
             ) -> list[Answer]:
    """Each week's or month's last answer, oldest first; the files sent with any answer of
    that period stay with it."""
    periods: dict[tuple[int, int, int], Answer] = {}
    for when, update, ids in answers:
        on = when.astimezone(tz).date()
        if every == "week":
            start = on - timedelta(days=on.weekday())
            end = start + timedelta(days=6)
        else:
            start = on.replace(day=1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        key = (start.year, start.month, start.day)
        files = periods[key].evidence if key in periods else []
        periods[key] = Answer(on, start, end, update.status, update.done_text, update.reason,
                              names.get(update.author_id),
                              files + [c for i in ids for c in by_update.get(i, [])])
    return list(periods.values())


def _answers(session: Session, school_id: int, until: datetime
             ) -> dict[int, list[Said]]:
    """Each task's answers until `until` with the time each answers for, oldest first; a
    correction takes the place, the time and the files of the answer it corrects."""
    found: dict[int, list[Said]] = {}
    for update in session.scalars(select(TaskUpdate).where(
            TaskUpdate.school_id == school_id, TaskUpdate.created_at < until)
            .order_by(TaskUpdate.id)):
        answers = found.setdefault(update.task_id, [])
        slot = next((i for i, (_, a, _) in enumerate(answers) if a.id == update.corrects_id),
                    None)
        if slot is None:
            answers.append((update.created_at, update, [update.id]))
        else:
            when, _, ids = answers[slot]
            answers[slot] = (when, update, ids + [update.id])
    return found


# Names cameras and chat apps give files: they say nothing about what the file shows.
_NAMELESS = re.compile(r"^(anh|hinh|image|img|photo|picture|file|tep|video|document|doc|"
                       r"scan|screenshot|dsc|dcim|pxl|zalo|telegram)?[\W_]*\d*[\W_]*\d*"
                       r"\.[a-z0-9]{1,5}$", re.IGNORECASE)


def own_name(file_name: str | None) -> str | None:
    """The file's name if it tells a reader something, else None."""
    if not file_name or _NAMELESS.match(file_name.strip()):
        return None
    return file_name.strip()


def _evidence(session: Session, school_id: int, plan: Plan, until: datetime,
              names: dict[int, str], tasks: list[Task], tz: ZoneInfo, console: str | None
              ) -> tuple[dict[int, list[str]], dict[int, list[str]], list[EvidenceLine]]:
    texts = {t.id: t.text for t in tasks}
    by_task: dict[int, list[str]] = {}
    by_update: dict[int, list[str]] = {}
    found = []
    for item, code in evidence_with_codes(session, school_id, plan.framework, plan.id):
        if item.created_at >= until or item.task_id not in texts:
            continue
        by_task.setdefault(item.task_id, []).append(code)
        if item.update_id is not None:
            by_update.setdefault(item.update_id, []).append(code)
        found.append((item, code))
    alike: dict[tuple, list[int]] = {}
    for index, (item, _) in enumerate(found):
        if own_name(item.file_name) is None:
            day = item.created_at.astimezone(tz).date()
            alike.setdefault((item.task_id, day, item.kind), []).append(index)
    place = {index: (n, len(group)) for group in alike.values()
             for n, index in enumerate(group, 1)}
    lines = [EvidenceLine(code, item.criterion_code, texts[item.task_id],
                          own_name(item.file_name), item.kind, names.get(item.author_id, ""),
                          item.created_at.astimezone(tz).date(),
                          f"{console}{item.id}" if console else None,
                          *place.get(index, (1, 1)))
             for index, (item, code) in enumerate(found)]
    lines.sort(key=lambda e: (_code_key(e.criterion), e.code))
    return by_task, by_update, lines


_LEVELS = ("THPT", "THCS", "TH", "MN", "MG", "PTDTBT", "PTDTNT", "TTGDTX")


def short_name(name: str | None, code: str) -> str:
    """«Trường THCS Phú Hữu» → «THCSPH», as schools number their papers; the code the school
    was registered with when its name is unknown."""
    words = [w for w in re.split(r"[\s\-–]+", name or "") if w]
    if words and words[0].lower() == "trường":
        words = words[1:]
    letters = "".join(w if w.upper() in _LEVELS else w[0] for w in words if w[0].isalnum())
    folded = unicodedata.normalize("NFD", letters.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c)).upper()
    return plain or code.upper()


def _code_key(code: str) -> tuple[int, int]:
    standard, _, number = code.partition(".")
    return int(standard), int(number or 0)


def _monitoring(session: Session, plan_id: int, period: Period, counts: dict[str, int]
                ) -> list[MonitoringLine]:
    """The 57/2026 monitoring table, its results filled in from the period's counts."""
    checkpoints = session.scalars(select(Checkpoint).where(Checkpoint.plan_id == plan_id)
                                  .order_by(Checkpoint.position)).all()
    total = counts["done"] + counts["ongoing"] + counts["not_started"] + counts["no_update"]
    return [MonitoringLine(c.when_text, c.content or "", c.reviewer or "",
                           c.due_on is None or c.due_on <= period.end, counts["done"], total,
                           counts["adjusted"]) for c in checkpoints]

