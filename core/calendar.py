"""The school calendar: the year's key dates, holidays, rest days, quiet hours and the
rhythm of reminders. Defaults follow the Ministry's yearly framework (FRAMEWORKS.md) and
Vietnam's public holidays, computed for any year (the `holidays` package: Tết Nguyên Đán and
Giỗ Tổ Hùng Vương from the lunar calendar, the days off given in lieu); a Tết break of about
a week around the lunar new year and the summer break come by default too. Each school
keeps its own settings in the database (`School.calendar`, JSON): the breaks its Sở
announced replace the defaults they overlap."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache

import holidays as public_holidays

from core.dates import parse_day

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The default Tết break, in days from the lunar new year: from the 26th or 27th of the last
# lunar month to mùng 5, a little over a week, as most Sở announce it.
TET_BEFORE, TET_AFTER = 4, 5
# What a holiday is: a public holiday (the law's), the Tết break, the summer break, or a
# day off the school set itself (kind "school").
PUBLIC, TET, SUMMER, SCHOOL = "public", "tet", "summer", "school"


@dataclass(frozen=True)
class Holiday:
    start: date
    end: date
    name: str = ""
    kind: str = SCHOOL


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
    # Scheduled messages one person receives in a month at most; more waits for the next.
    budget: int = 6
    # An owner's answer on a late task quiets its alerts this long (or to the date given).
    late_quiet_days: int = 14
    public_holidays: bool = True  # Vietnam's, computed; off for a school abroad

    # --- the school year ------------------------------------------------------------------

    def start(self, first_year: int) -> date:
        return date(first_year, *self.year_start)

    def semester1_end_of(self, first_year: int) -> date:
        month, day = self.semester1_end
        return date(first_year + (1 if month < 8 else 0), month, day)

    def end(self, first_year: int) -> date:
        return date(first_year + 1, *self.year_end)

    def first_year_of(self, day: date) -> int:
        """The school year `day` belongs to, by its first year; once a year has ended, the
        summer belongs to the next."""
        first = day.year if (day.month, day.day) >= (8, 1) else day.year - 1
        return first + 1 if day > self.end(first) else first

    def school_year_of(self, day: date) -> str:
        first = self.first_year_of(day)
        return f"{first}-{first + 1}"

    # --- the year's days off --------------------------------------------------------------

    def holiday_on(self, day: date) -> Holiday | None:
        """The public holiday, Tết break or school's own day off `day` falls in (not the
        summer break: see in_summer)."""
        days = self._years.get(day.year)
        if days is None:  # asked for a year many times a tick: kept with the calendar
            days = self._years[day.year] = _days_off(self, day.year)
        return days.get(day)

    @cached_property
    def _years(self) -> dict[int, dict[date, Holiday]]:
        return {}

    def in_summer(self, day: date) -> bool:
        """After the year's end and before the next year's start."""
        return self.year_end < (day.month, day.day) < self.year_start

    def holidays_of(self, first_year: int) -> list[Holiday]:
        """The school year's days off as a person reads them, in order: public holidays (the
        days of one named together), the Tết break, the school's own, the summer break."""
        start, end = self.start(first_year), self.start(first_year + 1) - timedelta(days=1)
        found: list[Holiday] = []
        for year in (first_year, first_year + 1):
            for holiday in _year_holidays(self, year):
                if holiday.end >= start and holiday.start <= end and holiday not in found:
                    found.append(holiday)
        found.append(Holiday(self.end(first_year) + timedelta(days=1), end, kind=SUMMER))
        # A public holiday inside a break is not listed apart (Tết's days in the Tết break).
        breaks = [h for h in found if h.kind != PUBLIC]
        found = [h for h in found if h.kind != PUBLIC or not any(
            b.start <= h.start and h.end <= b.end for b in breaks)]
        return sorted(found, key=lambda h: (h.start, h.end))

    # --- when a message may arrive --------------------------------------------------------

    def allowed_day(self, day: date, dated: bool = False) -> bool:
        """No scheduled message on a rest day or holiday, nor in the summer break unless the
        plan itself dates something there (`dated`: a deadline's countdown)."""
        return (day.weekday() not in self.rest_days and not self.holiday_on(day)
                and (dated or not self.in_summer(day)))

    def quiet(self, moment: time) -> bool:
        if self.quiet_start > self.quiet_end:  # the usual case: the quiet spans midnight
            return moment >= self.quiet_start or moment < self.quiet_end
        return self.quiet_start <= moment < self.quiet_end

    def allowed(self, moment: datetime) -> bool:
        """`moment` in the school's time zone."""
        return self.allowed_day(moment.date()) and not self.quiet(moment.time())

    def next_allowed(self, moment: datetime, dated: bool = False) -> datetime:
        """The first allowed moment at or after `moment` (school time): out of the quiet
        hours to the morning, then past rest days, holidays and the summer, keeping the
        hour."""
        if self.quiet(moment.time()):
            morning = moment.replace(hour=self.quiet_end.hour, minute=self.quiet_end.minute,
                                     second=0, microsecond=0)
            moment = morning if moment.time() < self.quiet_end else morning + timedelta(days=1)
        for _ in range(400):
            if self.allowed_day(moment.date(), dated):
                return moment
            moment += timedelta(days=1)
        raise ValueError("no allowed day within a year: check the holidays and rest days")

    def previous_allowed(self, moment: datetime, dated: bool = False) -> datetime:
        """The last allowed day before or at `moment`, at the reminder hour when `moment`
        falls in the quiet hours."""
        if self.quiet(moment.time()):
            moment = moment.replace(hour=self.send_time.hour, minute=self.send_time.minute,
                                    second=0, microsecond=0)
        for _ in range(400):
            if self.allowed_day(moment.date(), dated):
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
            "budget": self.budget,
            "late_quiet_days": self.late_quiet_days,
            "public_holidays": self.public_holidays,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> "SchoolCalendar":
        """The stored calendar; what it does not say keeps the default."""
        cal = cls()
        return cal.changed(**(data or {})) if data else cal

    def with_holiday(self, start: date, end: date, name: str) -> "SchoolCalendar":
        """A day off the school adds (a break its Sở announced replaces the default break it
        overlaps)."""
        return self.changed(holidays=[*self.to_json()["holidays"], {
            "from": start.isoformat(), "to": end.isoformat(), "name": name}])

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
    if name == "public_holidays":
        return {name: value if isinstance(value, bool)
                else str(value).strip().lower() in ("on", "yes", "1", "true", "có")}
    if name in ("escalate_days", "silent_after", "budget", "late_quiet_days"):
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
    """'09-05' (as stored) or a day as people type it, '05/09', '5.9' (day first) → (9, 5)."""
    text = text.strip()
    if re.fullmatch(r"\d{1,2}-\d{1,2}", text):
        month, day = (int(p) for p in text.split("-"))
        date(2024, month, day)  # raises on 31/02 and the like; 2024 allows 29/02
        return month, day
    typed = parse_day(text, 2023)  # a year with 29/02 (2024) for a day written alone
    return typed.month, typed.day


def _holiday(item: object) -> Holiday:
    if isinstance(item, Holiday):
        return item
    start, end = parse_day(item["from"]), parse_day(item.get("to") or item["from"])
    if end < start:
        raise ValueError("holidays")
    return Holiday(start, end, str(item.get("name") or ""), SCHOOL)


def _clock(text: str) -> time:
    hour, _, minute = text.strip().partition(":")
    return time(int(hour), int(minute or 0))


# --- the computed holidays ----------------------------------------------------------------

@lru_cache(maxsize=256)
def _year_holidays(cal: SchoolCalendar, year: int) -> tuple[Holiday, ...]:
    """The holidays that start in calendar year `year`: public ones (consecutive days of one
    holiday together), the Tết break unless the school set its own break over it, and the
    school's own days off."""
    own = [h for h in cal.holidays if h.start.year == year]
    found: list[Holiday] = []
    lunar_new_year = last_stem = None
    if cal.public_holidays:
        # Known by their English names, shown by their Vietnamese ones.
        english = public_holidays.country_holidays("VN", years=year, language="en_US")
        shown = public_holidays.country_holidays("VN", years=year, language="vi")
        for day, name in sorted(english.items()):
            if name == "Lunar New Year":
                lunar_new_year = day
            stem = _stem(name)
            last = found[-1] if found else None
            if last is not None and last.end == day - timedelta(days=1) and last_stem == stem:
                found[-1] = replace(last, end=day)
            else:
                found.append(Holiday(day, day, shown[day], PUBLIC))
            last_stem = stem
    if lunar_new_year is not None:
        tet = Holiday(lunar_new_year - timedelta(days=TET_BEFORE),
                      lunar_new_year + timedelta(days=TET_AFTER), kind=TET)
        if not any(h.start <= tet.end and tet.start <= h.end for h in cal.holidays):
            found.append(tet)
    return tuple(sorted(found + own, key=lambda h: (h.start, h.end)))


@lru_cache(maxsize=256)
def _days_off(cal: SchoolCalendar, year: int) -> dict[date, Holiday]:
    """Every day off of calendar year `year` and the holiday it belongs to (a school's own
    break first, then the Tết break, then a public holiday)."""
    days: dict[date, Holiday] = {}
    rank = {SCHOOL: 0, TET: 1, PUBLIC: 2}
    for first in (year - 1, year):
        for holiday in _year_holidays(cal, first):
            day = holiday.start
            while day <= holiday.end:
                if day.year == year and (day not in days
                                         or rank[holiday.kind] < rank[days[day].kind]):
                    days[day] = holiday
                day += timedelta(days=1)
    return days


def _stem(english_name: str) -> str:
    """What the days of one holiday share: «Hung Kings' Commemoration Day (observed)» is
    the day before's; every day of Tết is «Lunar New Year»'s."""
    base = english_name.split(" (")[0].strip()
    return "Lunar New Year" if "Lunar New Year" in base else base
