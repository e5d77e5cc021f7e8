"""What reminders are due, computed from the plan, its timelines, the school calendar and
what people have already done — never from jobs typed in by hand. The scheduler and
`caitien reminders preview` both ask this module, so the preview is what will be sent."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from core.calendar import SchoolCalendar
from readers.timelines import DATED, Schedule, school_year_start

CHECKINS = ("monthly", "term_review")


@dataclass(frozen=True)
class TaskInfo:
    id: int
    code: str
    schedule: Schedule
    finished: bool  # done, and not a recurring task (those are never done for good)
    owners: tuple[int, ...]


@dataclass(frozen=True)
class Review:
    """A term review moment: the end of học kỳ I, the end of the year, or a monitoring
    checkpoint of a 57/2026 plan."""

    ends_on: date
    label: str  # "hk1" | "year" | the checkpoint's date


@dataclass
class SchoolState:
    """Everything the planner reads about one school, loaded by reminders/state.py."""

    school_id: int
    tz: ZoneInfo
    calendar: SchoolCalendar
    school_year: str
    tasks: list[TaskInfo]
    paused_until: dict[int, date] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    # (staff, task) → when that person last updated that task
    updated: dict[tuple[int, int], datetime] = field(default_factory=dict)
    sent_keys: set[str] = field(default_factory=set)  # check-ins that really went out
    snoozes: dict[str, list[datetime]] = field(default_factory=dict)  # check-in key → untils
    now: datetime | None = None


@dataclass(frozen=True)
class Due:
    at: datetime  # aware, UTC
    staff_id: int
    kind: str  # monthly | deadline | term_review | nudge
    period: str
    task_ids: tuple[int, ...]
    source: str | None = None  # a nudge's check-in

    @property
    def key(self) -> str:
        return reminder_key(self.kind, self.period, self.staff_id)


def reminder_key(kind: str, period: str, staff_id: int) -> str:
    return f"{kind}:{period}:{staff_id}"


def current_school_year(day: date, cal: SchoolCalendar) -> str:
    first = day.year if (day.month, day.day) >= (8, 1) else day.year - 1
    if day > cal.end(first):
        first += 1
    return f"{first}-{first + 1}"


def due_reminders(state: SchoolState, start: datetime, end: datetime) -> list[Due]:
    """Reminders whose moment falls in [start, end), nobody paused, in time order."""
    checkins = _monthly(state) + _term_reviews(state)
    dues = checkins + _deadlines(state) + _nudges(state, checkins)
    chosen = [d for d in dues if start <= d.at < end and not _paused(state, d)]
    return sorted(chosen, key=lambda d: (d.at, d.staff_id, d.kind, d.period))


# --- monthly check-ins -------------------------------------------------------------------

def _monthly(state: SchoolState) -> list[Due]:
    cal, first = state.calendar, school_year_start(state.school_year)
    year_start, year_end = cal.start(first), cal.end(first)
    dues = []
    month = date(year_start.year, year_start.month, 1)
    while month <= year_end:
        last_day = months.monthrange(month.year, month.month)[1]
        day = month.replace(day=min(cal.checkin_day, last_day))
        at = cal.next_allowed(_local(state, day, cal.send_time))
        if year_start <= at.date() <= year_end:
            month_end = month.replace(day=last_day)
            for staff_id, task_ids in _by_owner(
                    t for t in state.tasks if _active_in(t, month, month_end)).items():
                dues.append(Due(_utc(at), staff_id, "monthly", f"{month:%Y-%m}", task_ids))
        month = (month + timedelta(days=32)).replace(day=1)
    return dues


def _active_in(task: TaskInfo, first: date, last: date) -> bool:
    """A task is asked about in a month unless it is done, has not started yet, or (when
    recurring) its run is over. Late tasks are asked about until they are done."""
    if task.finished:
        return False
    schedule = task.schedule
    if schedule.start and schedule.start > last:
        return False
    if schedule.kind == "recurring" and schedule.due and schedule.due < first:
        return False
    return True


# --- deadline countdown ------------------------------------------------------------------

def _deadlines(state: SchoolState) -> list[Due]:
    cal = state.calendar
    by_day: dict[tuple[int, date], tuple[datetime, list[int]]] = {}
    for task in state.tasks:
        due = task.schedule.due
        if task.finished or task.schedule.kind not in DATED or due is None:
            continue
        for days in cal.deadline_days:
            at = _before(state, due - timedelta(days=days), due)
            if at is None:
                continue
            for staff_id in task.owners:
                slot = by_day.setdefault((staff_id, at.date()), (at, []))
                if task.id not in slot[1]:
                    slot[1].append(task.id)
    return [Due(_utc(at), staff_id, "deadline", f"{day:%Y-%m-%d}", tuple(ids))
            for (staff_id, day), (at, ids) in by_day.items()]


def _before(state: SchoolState, day: date, deadline: date) -> datetime | None:
    """The allowed moment for a reminder planned on `day`: the next one, or the previous
    one when the next would be on or after the deadline."""
    cal = state.calendar
    planned = _local(state, day, cal.send_time)
    at = cal.next_allowed(planned)
    if at.date() < deadline:
        return at
    earlier = cal.previous_allowed(planned)
    return earlier if earlier.date() < deadline else None


# --- term reviews ------------------------------------------------------------------------

def _term_reviews(state: SchoolState) -> list[Due]:
    cal = state.calendar
    dues = []
    for review in state.reviews:
        at = _before(state, review.ends_on - timedelta(days=cal.review_days), review.ends_on)
        if at is None:
            continue
        period = f"{state.school_year}:{review.label}"
        for staff_id, task_ids in _by_owner(t for t in state.tasks if not t.finished).items():
            dues.append(Due(_utc(at), staff_id, "term_review", period, task_ids))
    return dues


# --- nudges ------------------------------------------------------------------------------

def _nudges(state: SchoolState, checkins: list[Due]) -> list[Due]:
    """One gentle follow-up for a check-in nobody answered: N days later, or when the
    person asked to be reminded ("Nhắc lại sau")."""
    cal = state.calendar
    open_ids = {t.id for t in state.tasks if not t.finished}
    dues = []
    for checkin in checkins:
        if state.now is not None and checkin.at <= state.now and checkin.key not in state.sent_keys:
            continue  # it never went out, so there is nothing to follow up
        if _answered(state, checkin):
            continue
        task_ids = tuple(i for i in checkin.task_ids if i in open_ids)
        if not task_ids:
            continue
        source = f"{checkin.kind}:{checkin.period}"
        snoozed = state.snoozes.get(checkin.key, [])
        if snoozed:
            for until in snoozed:
                at = cal.next_allowed(until.astimezone(state.tz))
                dues.append(Due(_utc(at), checkin.staff_id, "nudge",
                                f"{source}@{until.astimezone(state.tz):%Y%m%d%H%M}",
                                task_ids, checkin.key))
        elif cal.nudge_days:
            at = cal.next_allowed(checkin.at.astimezone(state.tz)
                                  + timedelta(days=cal.nudge_days))
            dues.append(Due(_utc(at), checkin.staff_id, "nudge", source, task_ids,
                            checkin.key))
    return dues


def _answered(state: SchoolState, checkin: Due) -> bool:
    return any(state.updated.get((checkin.staff_id, task_id), _NEVER) >= checkin.at
               for task_id in checkin.task_ids)


_NEVER = datetime.min.replace(tzinfo=timezone.utc)


# --- helpers -----------------------------------------------------------------------------

def _by_owner(tasks) -> dict[int, tuple[int, ...]]:
    owned: dict[int, list[int]] = {}
    for task in tasks:
        for staff_id in task.owners:
            owned.setdefault(staff_id, []).append(task.id)
    return {staff_id: tuple(ids) for staff_id, ids in owned.items()}


def _paused(state: SchoolState, due: Due) -> bool:
    until = state.paused_until.get(due.staff_id)
    return until is not None and due.at.astimezone(state.tz).date() <= until


def _local(state: SchoolState, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=state.tz)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)
