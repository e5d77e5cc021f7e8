"""Dates as people type them — «4/2», «04/02/2027», «2027-02-04», «4.2.2027» — alone or as a
range with words around them («Tết từ 4/2 đến 14/2», «nghỉ Tết 04/02/2027 - 14/02/2027»).
The one reader of typed dates for the chat, the web console and the command line.

A date without its year is placed in the school year it is read for: months from August on
belong to the year the school year starts, the others to the next."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable

# Day first, as Vietnamese write it («4/2», «04.02.2027», «4-2-2027»), or ISO; a year of two
# digits is this century's. A dash between two dates joins them: «4/2-14/2» is a range.
_DAY = re.compile(
    r"(?<![\d/.])"
    r"(?:(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2})"
    r"|(?P<dd>\d{1,2})-(?P<mm>\d{1,2})-(?P<yy>\d{4})"
    r"|(?P<d>\d{1,2})\s?[/.]\s?(?P<m>\d{1,2})(?:\s?[/.]\s?(?P<y>\d{4}|\d{2}))?)"
    r"(?!\d|[/.]\d)")
_DASHES = re.compile(r"^[\s\-–—:,;.()]+|[\s\-–—:,;.()]+$")
_SPACES = re.compile(r"\s+")
FIRST_MONTH = 8  # the school year's months start with August


@dataclass(frozen=True)
class Found:
    day: date
    start: int  # where in the text it was written
    end: int
    with_year: bool


def school_year_of(day: date) -> int:
    """The first year of the school year `day` is in."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def find_days(text: str | None, first_year: int, strict: bool = False) -> list[Found]:
    """Every date written in `text`, in order; one that is no date (31/02) is left out, or
    with `strict` makes it a ValueError."""
    found = []
    for match in _DAY.finditer(text or ""):
        try:
            found.append(Found(_day_of(match, first_year), match.start(), match.end(),
                               _with_year(match)))
        except ValueError:
            if strict:
                raise
    return found


def parse_day(text: str, first_year: int | None = None) -> date:
    """One date and nothing else; ValueError otherwise. Without `first_year` the year must
    be written."""
    text = text.strip()
    match = _DAY.fullmatch(text)
    if match is None or (first_year is None and not _with_year(match)):
        raise ValueError(text)
    return _day_of(match, first_year or 0)


def parse_day_from(text: str, today: date) -> date:
    """One date, on or after `today` when its year is not written («20/12»: the next 20
    December); ValueError otherwise."""
    days = find_days(text, school_year_of(today))
    if len(days) != 1:
        raise ValueError(text)
    found = days[0]
    if found.with_year:
        return found.day
    day = found.day.replace(year=today.year) if not (
        found.day.month == 2 and found.day.day == 29) else found.day
    return day if day >= today else day.replace(year=today.year + 1)


@dataclass(frozen=True)
class Span:
    start: date
    end: date
    name: str  # the words around the dates, without the ones that only join them


def parse_span(text: str, first_year: int, joining: Iterable[str] = ()) -> Span:
    """One or two dates and a name: «Tết từ 4/2 đến 14/2» → 04/02–14/02, «Tết». `joining`
    are the words that only join («từ», «đến», «ngày» …, from the templates), dropped from
    the name. ValueError when there is no date, more than two, or the end is before the
    start; a range written without its years that would end before it starts crosses the
    new year («28/12 - 3/1»)."""
    days = find_days(text, first_year, strict=True)
    if not 1 <= len(days) <= 2:
        raise ValueError(text)
    start = days[0].day
    end = days[-1].day
    if end < start and not days[0].with_year and not days[-1].with_year:
        end = end.replace(year=end.year + 1)
    if end < start:
        raise ValueError(text)
    rest = text
    for found in reversed(days):
        rest = rest[:found.start] + " " + rest[found.end:]
    return Span(start, end, _name(rest, joining))


def _name(rest: str, joining: Iterable[str]) -> str:
    words = {w.lower() for w in joining}
    kept = [w for w in _SPACES.split(rest.strip()) if w and w.lower() not in words
            and not _DASHES.fullmatch(w)]
    return _DASHES.sub("", " ".join(kept))


def _with_year(match: re.Match) -> bool:
    return bool(match["Y"] or match["yy"] or match["y"])


def _day_of(match: re.Match, first_year: int) -> date:
    if match["Y"]:
        return date(int(match["Y"]), int(match["M"]), int(match["D"]))
    if match["yy"]:
        return date(int(match["yy"]), int(match["mm"]), int(match["dd"]))
    day, month = int(match["d"]), int(match["m"])
    if match["y"]:
        year = int(match["y"])
        return date(year + 2000 if year < 100 else year, month, day)
    return date(first_year if month >= FIRST_MONTH else first_year + 1, month, day)
