"""How long `caitien reminders preview` takes over a whole school year.

A school of 80 staff and 300 tasks of mixed timelines (tests/reminders/year_school.py), its
year previewed from 1 September to 31 August under each assumption (everyone answers,
nobody answers), through the same planner the scheduler uses. Prints seconds and messages
per assumption. Usage:

    python bench/preview_bench.py [--staff 80] [--tasks 300] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from core.clock import FixedClock  # noqa: E402
from reminders.preview import ASSUMPTIONS, preview  # noqa: E402
from storage.db import make_engine, recreate, session_factory  # noqa: E402
from storage.models import School  # noqa: E402
from tests.reminders.year_school import TZ, build_year_school  # noqa: E402

FIRST = 2026
RUNS = 5


def run(url: str, staff: int, tasks: int) -> None:
    db = make_engine(url)
    recreate(db)
    sessions = session_factory(db)
    clock = FixedClock(datetime(FIRST, 8, 20, 9, tzinfo=TZ))
    build_year_school(sessions, clock, FIRST, staff, tasks)
    start, end = datetime(FIRST, 9, 1, tzinfo=TZ), datetime(FIRST + 1, 9, 1, tzinfo=TZ)
    print(f"a school year previewed: {staff} staff, {tasks} tasks ({db.dialect.name})")
    for assume in ASSUMPTIONS:
        took = []
        for _ in range(RUNS):
            with sessions() as session:
                school = session.scalar(select(School))
                began = time.perf_counter()
                found = preview(session, school, start, end, assume)
                took.append(time.perf_counter() - began)
        people = [sum(c.values()) for c in found.counts.values()]
        print(f"  {assume:<8} {statistics.median(took):.2f} s (median of {RUNS}, best "
              f"{min(took):.2f} s): {len(found.lines)} messages, per person "
              f"median {statistics.median(people):.0f}, max {max(people)} in the year")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=80)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.database_url or f"sqlite:///{Path(tmp) / 'preview.sqlite3'}", args.staff,
            args.tasks)


if __name__ == "__main__":
    main()
