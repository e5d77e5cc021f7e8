"""The school calendar: the year's key dates, holidays, rest days, quiet hours and the
rhythm of reminders. Defaults follow the Ministry's yearly framework (FRAMEWORKS.md); each
school keeps its own in the database (`School.calendar`, JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Holiday:
    start: date
    end: date
    name: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolCalendar:
    """Key dates are (month, day); a year runs 05/09 – 31/05 and học kỳ I ends in
    mid-January unless the school says otherwise."""

    year_start: tuple[int, int] = (9, 5)
    semester1_end: tuple[int, int] = (1, 15)
    year_end: tuple[int, int] = (5, 31)
    holidays: tuple[Holiday, ...] = ()
    rest_days: frozenset[int] = field(default_factory=lambda: frozenset({6}))  # Sunday
    quiet_start: time = time(20, 0)
    quiet_end: time = time(7, 0)
    checkin_day: int = 25
    send_time: time = time(8, 0)
    deadline_days: tuple[int, ...] = (14, 7, 1)
    nudge_days: int = 3
    review_days: int = 14
    grace_hours: int = 24
    digest_day: int = 0  # Monday
    digest_time: time = time(7, 0)
    alert_time: time = time(7, 30)  # the daily look for overdue tasks
    escalate_days: int = 3  # owner, then group leader, monitoring team, principal
    silent_after: int = 2  # unanswered check-ins in a row before the monitoring team hears

    # --- the school year ------------------------------------------------------------------

    def start(self, first_year: int) -> date:
        return date(first_year, *self.year_start)

    def semester1_end_of(self, first_year: int) -> date:
        month, day = self.semester1_end
        return date(first_year + (1 if month < 8 else 0), month, day)

    def end(self, first_year: int) -> date:
        return date(first_year + 1, *self.year_end)

    # --- when a message may arrive --------------------------------------------------------

    def allowed_day(self, day: date) -> bool:
        return day.weekday() not in self.rest_days and not self.holiday_on(day)

    def holiday_on(self, day: date) -> Holiday | None:
        return next((h for h in self.holidays if h.covers(day)), None)

    def quiet(self, moment: time) -> bool:
        if self.quiet_start > self.quiet_end:  # the usual case: the quiet spans midnight
            return moment >= self.quiet_start or moment < self.quiet_end
        return self.quiet_start <= moment < self.quiet_end

    def allowed(self, moment: datetime) -> bool:
        """`moment` in the school's time zone."""
        return self.allowed_day(moment.date()) and not self.quiet(moment.time())

    def next_allowed(self, moment: datetime) -> datetime:
        """The first allowed moment at or after `moment` (school time): out of the quiet
        hours to the morning, then past rest days and holidays, keeping the hour."""
        if self.quiet(moment.time()):
            morning = moment.replace(hour=self.quiet_end.hour, minute=self.quiet_end.minute,
                                     second=0, microsecond=0)
            moment = morning if moment.time() < self.quiet_end else morning + timedelta(days=1)
        for _ in range(400):
            if self.allowed_day(moment.date()):
                return moment
            moment += timedelta(days=1)
        raise ValueError("no allowed day within a year: check the holidays and rest days")

    def previous_allowed(self, moment: datetime) -> datetime:
        """The last allowed day before or at `moment`, at the reminder hour when `moment`
        falls in the quiet hours."""
        if self.quiet(moment.time()):
            moment = moment.replace(hour=self.send_time.hour, minute=self.send_time.minute,
                                    second=0, microsecond=0)
        for _ in range(400):
            if self.allowed_day(moment.date()):
                return moment
            moment -= timedelta(days=1)
        raise ValueError("no allowed day within a year: check the holidays and rest days")

    # --- stored form ----------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "year_start": _month_day(self.year_start),
            "semester1_end": _month_day(self.semester1_end),
            "year_end": _month_day(self.year_end),
            "holidays": [{"from": h.start.isoformat(), "to": h.end.isoformat(),
                          "name": h.name} for h in self.holidays],
            "rest_days": [WEEKDAYS[d] for d in sorted(self.rest_days)],
            "quiet_hours": f"{self.quiet_start:%H:%M}-{self.quiet_end:%H:%M}",
            "checkin_day": self.checkin_day,
            "send_time": f"{self.send_time:%H:%M}",
            "deadline_days": list(self.deadline_days),
            "nudge_days": self.nudge_days,
            "review_days": self.review_days,
            "grace_hours": self.grace_hours,
            "digest_day": WEEKDAYS[self.digest_day],
            "digest_time": f"{self.digest_time:%H:%M}",
            "alert_time": f"{self.alert_time:%H:%M}",
            "escalate_days": self.escalate_days,
            "silent_after": self.silent_after,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> "SchoolCalendar":
        """The stored calendar; what it does not say keeps the default."""
        cal = cls()
        return cal.changed(**(data or {})) if data else cal

    def changed(self, **values: object) -> "SchoolCalendar":
        """A copy with settings given as text or JSON values (as the CLI and the JSON column
        hold them); raises ValueError naming the setting that is wrong."""
        changes: dict = {}
        for name, value in values.items():
            if value is None:
                continue
            try:
                changes.update(_parse_setting(name, value))
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise ValueError(name) from exc
        cal = replace(self, **changes)
        for name in ("send_time", "digest_time", "alert_time"):
            if cal.quiet(getattr(cal, name)):
                raise ValueError(name)
        return cal


def _month_day(value: tuple[int, int]) -> str:
    return f"{value[0]:02d}-{value[1]:02d}"


def _parse_setting(name: str, value: object) -> dict:
    if name in ("year_start", "semester1_end", "year_end"):
        month, day = parse_month_day(str(value))
        return {name: (month, day)}
    if name == "holidays":
        return {"holidays": tuple(_holiday(h) for h in value)}
    if name == "rest_days":
        days = [value] if isinstance(value, str) else list(value)
        names = [d.strip().lower() for item in days for d in str(item).split(",") if d.strip()]
        return {"rest_days": frozenset(WEEKDAYS.index(d[:3]) for d in names)}
    if name == "quiet_hours":
        start, end = str(value).split("-")
        return {"quiet_start": _clock(start), "quiet_end": _clock(end)}
    if name in ("send_time", "digest_time", "alert_time"):
        return {name: _clock(str(value))}
    if name == "digest_day":
        return {"digest_day": WEEKDAYS.index(str(value).strip().lower()[:3])}
    if name == "checkin_day":
        day = int(value)
        if not 1 <= day <= 28:
            raise ValueError(name)
        return {"checkin_day": day}
    if name == "deadline_days":
        items = value.split(",") if isinstance(value, str) else value
        days = tuple(sorted({int(d) for d in items}, reverse=True))
        if not days or min(days) < 0:
            raise ValueError(name)
        return {"deadline_days": days}
    if name in ("escalate_days", "silent_after"):
        days = int(value)
        if days < 1:
            raise ValueError(name)
        return {name: days}
    if name in ("nudge_days", "review_days", "grace_hours"):
        number = int(value)
        if number < 0:
            raise ValueError(name)
        return {name: number}
    raise KeyError(name)


def parse_month_day(text: str) -> tuple[int, int]:
    """'09-05' or '05/09' (day first, as Vietnamese write it) → (9, 5)."""
    text = text.strip()
    if "/" in text:
        day, month = (int(p) for p in text.split("/")[:2])
    else:
        month, day = (int(p) for p in text.split("-"))
    date(2024, month, day)  # raises on 31/02 and the like; 2024 allows 29/02
    return month, day


def parse_day(text: str) -> date:
    """'2027-02-06' or '06/02/2027'."""
    text = text.strip()
    match = _DATE.match(text)
    if match:
        return date(*(int(g) for g in match.groups()))
    day, month, year = (int(p) for p in text.split("/"))
    return date(year, month, day)


def _holiday(item: object) -> Holiday:
    if isinstance(item, Holiday):
        return item
    start, end = parse_day(item["from"]), parse_day(item.get("to") or item["from"])
    if end < start:
        raise ValueError("holidays")
    return Holiday(start, end, str(item.get("name") or ""))


def _clock(text: str) -> time:
    hour, _, minute = text.strip().partition(":")
    return time(int(hour), int(minute or 0))
