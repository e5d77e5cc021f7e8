"""A whole school year, counted: what each persona receives a month.

A school of 40 staff and 120 tasks of mixed timelines (tests/reminders/year_school.py) is
driven from 1 September to 31 August on a fixed clock through the real reminder planner,
outbox and sender; answering people press the buttons of what they received through the
real engine, the day it arrived. Prints, per role and persona, messages a month (median
and maximum over the school months September–May), the busiest day of one person, and what
went out on holidays, rest days and in the summer break. Then the same year on Zalo, where
every message counts against the bot's monthly quota (Basic plan: 3,000 a month): the
reminders as Zalo carries them (choices numbered in the text, a text over 2,000 UTF-16
units in pieces, the digest's chart a message of its own) plus the replies to the answering
people's turns; and how many people one bot's 3,000 carry in the school's busiest month.
Usage:

    python bench/year_bench.py [--year 2026] [--staff 40] [--tasks 120] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import holidays

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels import ZALO  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from core.text import split_text, utf16_len  # noqa: E402
from storage.db import make_engine, recreate, session_factory  # noqa: E402
from templates.render import Renderer  # noqa: E402
from templates.shaping import shaped  # noqa: E402
from tests.reminders.year_school import (  # noqa: E402
    TZ,
    YearRun,
    build_year_school,
    monthly_figures,
)


# Zalo as deployed with a public address: the digest's chart goes as a picture.
ZALO_CAPS = replace(ZALO, photos_out=True, documents_out=True)


def school_months(first: int) -> list[str]:
    return [f"{first}-{m:02d}" for m in range(9, 13)] + [f"{first + 1}-{m:02d}"
                                                        for m in range(1, 6)]


async def run(url: str, first: int, staff: int, tasks: int) -> None:
    db = make_engine(url)
    recreate(db)
    sessions = session_factory(db)
    clock = FixedClock(datetime(first, 8, 20, 9, tzinfo=TZ))
    school = build_year_school(sessions, clock, first, staff, tasks)
    with tempfile.TemporaryDirectory() as tmp:
        driver = YearRun(school, sessions, clock, Path(tmp))
        started = time.perf_counter()
        await driver.run(date(first, 9, 1), date(first + 1, 8, 31))
        took = time.perf_counter() - started
    print(f"school year {first}-{first + 1}: {staff} staff, {tasks} tasks, "
          f"{len(school.messages)} messages (+{len(school.received) - len(school.messages)} "
          f"pictures), {driver.turns} turns answered, {took:.0f} s")
    print(f"{'role':<12}{'persona':<9}{'people':>7}{'median/mo':>11}{'max/mo':>8}{'year':>7}")
    for (role, persona), f in monthly_figures(school, school_months(first)).items():
        print(f"{role:<12}{persona:<9}{f['people']:>7}{f['median']:>11}{f['max']:>8}"
              f"{f['total'] // f['people']:>7}")
    days = Counter((r.chat, r.at.date()) for r in school.messages)
    print(f"most messages to one person on one day: {max(days.values())}")
    # Counted against the holidays package itself, not our calendar (whose defaults this
    # bench measures).
    public = holidays.country_holidays("VN", years=[first, first + 1])
    summer = [r for r in school.messages
              if date(first + 1, 6, 1) <= r.at.date() <= date(first + 1, 8, 31)]
    off = [r for r in school.messages if r.at.date() in public or r.at.weekday() == 6]
    print(f"in the summer break (1/6–31/8): {len(summer)}; on Sundays or public holidays: "
          f"{len(off)}")
    new_year = [r for r in school.messages if (r.at.month, r.at.day) == (1, 1)]
    print(f"on 1 January: {len(new_year)}")
    zalo_figures(school, first)
    db.dispose()


def zalo_cost(received) -> Counter:
    """(chat, month) → messages Zalo counts for what was received."""
    renderer, cost = Renderer(), Counter()
    for item in received:
        for reply in shaped([item.reply], ZALO_CAPS, renderer):
            pieces = len(split_text(reply.text, ZALO_CAPS.max_text)) if reply.text else 0
            if reply.photo is not None:  # the chart; a caption that fits goes with it
                pieces = 1 if utf16_len(reply.text or "") <= ZALO_CAPS.max_text else 1 + pieces
            cost[(item.chat, f"{item.at:%Y-%m}")] += pieces
    return cost


def zalo_figures(school, first: int) -> None:
    import statistics

    months = school_months(first)
    cost = zalo_cost(school.received) + zalo_cost(school.replies)
    print(f"on Zalo (each piece and picture counted), messages a month, {months[0]} to "
          f"{months[-1]}:")
    print(f"{'role':<12}{'persona':<9}{'median/mo':>11}{'max/mo':>8}")
    for (role, persona), people in sorted(school.by_persona().items()):
        values = [cost[(p.chat, m)] for p in people for m in months]
        print(f"{role:<12}{persona:<9}{statistics.median(values):>11}{max(values):>8}")
    people = len(school.people)
    by_month = {m: sum(cost[(p, m)] for p in school.people) for m in months}
    busiest = max(by_month, key=by_month.get)
    each = by_month[busiest] / people
    print(f"busiest month {busiest}: {by_month[busiest]} Zalo messages for {people} people "
          f"({each:.1f} each); 3,000 a month carry {int(3000 // each)} such people per bot; "
          f"the school's median month: {statistics.median(by_month.values()):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026, help="the school year's first year")
    parser.add_argument("--staff", type=int, default=40)
    parser.add_argument("--tasks", type=int, default=120)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'year.sqlite3'}"
        asyncio.run(run(url, args.year, args.staff, args.tasks))


if __name__ == "__main__":
    main()
