"""Time to close a school year and open the next: the year of report_bench.py (80 staff,
60 tasks, 12 months of answers with evidence rows) closed — the year's report written and
kept, next year's draft made — then the draft confirmed as the new plan; and the kept
report's size, the draft workbook's, and how many tasks went on.

    python bench/year_close_bench.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from core.clock import FixedClock
from report_bench import TZ, set_up
from reports.year_end import close_year, read_draft
from storage.db import make_engine, session_factory
from storage.evidence_store import EvidenceStore
from storage.models import School, Task, TaskUpdate
from storage.school_years import open_next_year
from templates.render import Renderer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'school.sqlite3'}"
        set_up(url)
        sessions = session_factory(make_engine(url))
        with sessions.begin() as session:
            _last_statuses(session)
        store, renderer = EvidenceStore(Path(tmp) / "evidence"), Renderer()
        clock = FixedClock(datetime(2024, 6, 15, 9, tzinfo=TZ))
        with sessions.begin() as session:
            school = session.query(School).one()
            started = time.perf_counter()
            row, summary = close_year(session, school, clock, store, renderer, "cli")
            closed = time.perf_counter() - started
            report_kb = row.files[0]["size"] / 1024
            draft_kb = len(row.draft) / 1024
            started = time.perf_counter()
            draft = read_draft(row.draft, row.draft_name, row, school)
            report = open_next_year(session, school, row, draft, clock, "cli")
            opened = time.perf_counter() - started
    print(f"closing {summary.school_year}: {closed * 1000:.0f} ms "
          f"(report {report_kb:.0f} KB kept, draft workbook {draft_kb:.0f} KB); "
          f"{len(summary.carried)} tasks carried, {summary.left_out} finished left out")
    print(f"opening {draft.school_year}: {opened * 1000:.0f} ms "
          f"({report.tasks} tasks, draft read in its own process)")


def _last_statuses(session) -> None:
    """report_bench writes the answers in bulk: each task's status as the product keeps it
    (the newest answer's, written with it by record_update), so finished tasks are seen."""
    for task in session.scalars(select(Task)):
        task.status = session.scalar(select(TaskUpdate.status).where(
            TaskUpdate.task_id == task.id).order_by(TaskUpdate.id.desc()).limit(1))


if __name__ == "__main__":
    main()
