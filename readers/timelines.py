"""Timeline phrases from plans ("Hàng tháng", "Hằng quý", "Tháng 7 năm 2023", "Quý I năm 2027",
"Cuối học kỳ I", "Tháng 10/2026 - Tháng 3/2027" …) as schedules on the school calendar.

What is not understood is `unknown`: never a guess presented as fact."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

from core.calendar import SchoolCalendar
from core.text import fold_words

EVERY_ORDER = ("week", "month", "quarter", "semester", "year")
DATED = ("deadline", "period")  # schedules with a due date a task can miss
RECURRING = (
    ("week", ("hang tuan", "moi tuan", "tung tuan", "hang tuan le")),
    ("month", ("hang thang", "moi thang", "tung thang", "thuong xuyen", "lien tuc")),
    ("semester", ("moi hoc ky", "hang hoc ky", "tung hoc ky", "cuoi moi hoc ky", "theo hoc ky")),
    ("year", ("hang nam", "moi nam", "tung nam", "hang nam hoc", "moi nam hoc")),
)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(frozen=True)
class Schedule:
    kind: str  # recurring | deadline | period | unknown
    every: str | None = None
    start: date | None = None
    due: date | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "every": self.every,
                "start": self.start.isoformat() if self.start else None,
                "due": self.due.isoformat() if self.due else None}


UNKNOWN = Schedule("unknown")

_YEAR = r"(20\d\d)"
_DATE = re.compile(r"\b(\d{1,2}) (\d{1,2}) (20\d\d)\b")
_SCHOOL_YEAR = re.compile(r"\bnam hoc (20\d\d) (20\d\d)\b")
_MONTH_YEAR = re.compile(r"\bthang (\d{1,2}) (?:nam )?" + _YEAR + r"\b")
_MONTH_ALONE = re.compile(r"\bthang (\d{1,2})\b")
_QUARTER = re.compile(r"\bquy (iv|iii|ii|i|[1-4])\b(?: nam)? ?" + _YEAR + r"?")
_YEAR_ALONE = re.compile(r"\bnam " + _YEAR + r"\b")
_RANGE = re.compile(r"\b(?:tu )?(.+?) (?:den|toi) (.+)$")


def school_year_start(school_year: str | None) -> int | None:
    match = re.match(r"^(20\d\d)-(20\d\d)$", school_year or "")
    return int(match.group(1)) if match else None


@lru_cache(maxsize=8192)  # the planner reads every open task's timeline at each tick
def parse_timeline(text: str | None, school_year: str | None = None,
                   cal: SchoolCalendar = SchoolCalendar()) -> Schedule:
    words = fold_words(text or "")
    if not words:
        return UNKNOWN
    first_year = school_year_start(school_year)
    period = _period(text or "", words, first_year, cal)
    if period is not None:
        return period
    every = _every(words)
    if every is not None:
        if first_year is None:
            return Schedule("recurring", every)
        return Schedule("recurring", every, cal.start(first_year), cal.end(first_year))
    due = _point(words, first_year, cal, end=True)
    return Schedule("deadline", due=due) if due else UNKNOWN


# «Hằng quý», «mỗi quý»; folded, «quý» is also «quy» (rule): «mọi quy định» is no quarter.
_QUARTERLY = re.compile(r"\b(?:hang|moi|tung) quy\b(?! (?:dinh|trinh|che|mo|tac|hoach|cach"
                        r"|uoc|chuan|luat|tinh|doi|tu|ve|nap)\b)")


def _every(words: str) -> str | None:
    found = [every for every, needles in RECURRING
             if any(f" {n} " in f" {words} " for n in needles)]
    if _QUARTERLY.search(words):
        found.append("quarter")
    return min(found, key=EVERY_ORDER.index) if found else None


def _period(text: str, words: str, first_year: int | None,
            cal: SchoolCalendar) -> Schedule | None:
    """'Tháng 10/2026 - Tháng 3/2027', 'Từ 15/10/2026 đến 30/11/2026'."""
    halves = re.split(r"\s+[-–—]\s+|\s*[-–—]\s*(?=th[aá]ng|\d)", text.strip(), maxsplit=1)
    if len(halves) == 2:
        left, right = fold_words(halves[0]), fold_words(halves[1])
    else:
        match = _RANGE.search(words)
        if not match:
            return None
        left, right = match.group(1), match.group(2)
    if _SCHOOL_YEAR.search(f"nam hoc {left.split()[-1] if left else ''} {right}"):
        return None  # "Năm học 2023 - 2024" is one school year, not a range
    # A month on the left borrows the right's year when it has none ("Tháng 9 - tháng 12/2023").
    right_year = re.search(_YEAR, right)
    if right_year and re.fullmatch(r"(tu )?thang \d{1,2}", left):
        month = int(left.split()[-1])
        right_month = _MONTH_YEAR.search(right)
        year = int(right_year.group(1))
        if right_month and month > int(right_month.group(1)):
            year -= 1
        left = f"{left} {year}"
    start = _point(left, first_year, cal, end=False)
    due = _point(right, first_year, cal, end=True)
    if start and due and start <= due:
        return Schedule("period", start=start, due=due)
    return None


def _point(words: str, first_year: int | None, cal: SchoolCalendar, end: bool) -> date | None:
    """One moment named by the words: the last day it covers when `end`, else the first."""
    match = _DATE.search(words)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    match = _QUARTER.search(words)
    if match:
        quarter = ROMAN[match.group(1)]
        year = int(match.group(2)) if match.group(2) else None
        if year is None:
            return None
        month = quarter * 3 if end else quarter * 3 - 2
        return _month_edge(year, month, end)
    match = _MONTH_YEAR.search(words)
    if match and 1 <= int(match.group(1)) <= 12:
        return _month_edge(int(match.group(2)), int(match.group(1)), end)
    semester = _semester_point(words, first_year, cal, end)
    if semester is not None:
        return semester
    match = _SCHOOL_YEAR.search(words)
    if match:
        return cal.end(int(match.group(1))) if end else cal.start(int(match.group(1)))
    match = _YEAR_ALONE.search(words)
    if match:
        return date(int(match.group(1)), 12, 31) if end else date(int(match.group(1)), 1, 1)
    match = _MONTH_ALONE.search(words)
    if match and first_year is not None and 1 <= int(match.group(1)) <= 12:
        month = int(match.group(1))
        year = first_year if month >= 8 else first_year + 1
        if re.search(r"\bdau thang\b", words) and end:
            return date(year, month, 10)
        if re.search(r"\bgiua thang\b", words) and end:
            return date(year, month, 20)
        return _month_edge(year, month, end)
    return None


def _semester_point(words: str, first_year: int | None, cal: SchoolCalendar,
                    end: bool) -> date | None:
    if first_year is None:
        return None
    if re.search(r"\b(cuoi )?nam hoc\b", words) and "cuoi" in words.split():
        return cal.end(first_year)
    match = re.search(r"\b(dau |cuoi |giua )?(?:hoc ky|hk) (ii|i|1|2)\b", words)
    if match:
        second = ROMAN[match.group(2)] == 2
        if match.group(1) == "dau ":
            return cal.semester1_end_of(first_year) if second else cal.start(first_year)
        if second:
            return cal.end(first_year) if end else cal.semester1_end_of(first_year)
        return cal.semester1_end_of(first_year) if end else cal.start(first_year)
    if re.search(r"\bcuoi nam\b", words):
        return cal.end(first_year)
    return None


def _month_edge(year: int, month: int, end: bool) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
