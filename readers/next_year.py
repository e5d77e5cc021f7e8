"""Next school year's timelines: a dated timeline moves one school year on, a recurring
one stays as written. What a timeline means is read again on the new year's calendar
(readers/timelines.py), so «Cuối học kỳ I» needs no change to fall a year later."""

from __future__ import annotations

import re

from readers.timelines import school_year_start

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def next_school_year(school_year: str) -> str:
    """«2027-2028» after «2026-2027»; a plan of several years («2021-2026») goes on with
    the year after its first."""
    first = school_year_start(school_year)
    if first is None:
        raise ValueError(school_year)
    return f"{first + 1}-{first + 2}"


def shift_timeline(timeline: str | None, recurring: bool) -> str | None:
    """«Tháng 9/2026» → «Tháng 9/2027», «Năm học 2026-2027» → «Năm học 2027-2028»: every
    year written in a dated timeline, one on. A recurring timeline («Hàng tháng») is kept."""
    if not timeline or recurring:
        return timeline
    return _YEAR.sub(lambda m: str(int(m.group(1)) + 1), timeline)
