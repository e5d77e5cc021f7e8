"""Time to back up and restore a school's records: the year of report_bench.py (80 staff,
60 tasks, 12 months of answers) with a real photo file behind every evidence row, backed
up, restored into an empty database, and backed up again from there; and how long an
answer waits while a backup reads the same database.

    python bench/backup_bench.py [--database-url URL] [--restore-url URL] [--photo-kb 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text

from core.clock import FixedClock
from report_bench import set_up
from storage.archive import restore_archive, write_archive
from storage.db import make_engine, recreate, session_factory, writing
from storage.models import Evidence, Task
from storage.updates import record_update


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="the school's database (default SQLite)")
    parser.add_argument("--restore-url", help="where to restore (default a new SQLite file)")
    parser.add_argument("--photo-kb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = args.database_url or f"sqlite:///{root / 'school.sqlite3'}"
        set_up(url)
        engine = make_engine(url)
        evidence = root / "evidence"
        with engine.connect() as conn:
            paths = list(conn.scalars(select(Evidence.path)))
        for path in paths:
            (evidence / path).parent.mkdir(parents=True, exist_ok=True)
            (evidence / path).write_bytes(os.urandom(args.photo_kb * 1024))

        archive = root / "school.zip"
        started = time.perf_counter()
        summary = write_archive(engine, evidence, archive, school_code="bench")
        backup_s = time.perf_counter() - started
        size_mb = archive.stat().st_size / 2**20

        target = make_engine(args.restore_url or f"sqlite:///{root / 'restored.sqlite3'}")
        if target.dialect.name == "postgresql":
            with target.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            recreate(target)
        started = time.perf_counter()
        restore_archive(target, root / "restored-evidence", archive, root / "templates")
        restore_s = time.perf_counter() - started
        again = write_archive(target, root / "restored-evidence", root / "again.zip",
                              school_code="bench")

        waits = answers_during_backup(engine, evidence, root / "during.zip")
        print(f"{engine.dialect.name} → {target.dialect.name}: {summary.rows} rows, "
              f"{summary.files} photos of {args.photo_kb} KB")
        print(f"  backup   {backup_s:6.2f} s  ({size_mb:.1f} MB archive)")
        print(f"  restore  {restore_s:6.2f} s  (then backed up again: {again.rows} rows, "
              f"{again.files} photos)")
        print(f"  answers saved while a backup ran: {len(waits)}, "
              f"p50 {statistics.median(waits) * 1000:.0f} ms, max {max(waits) * 1000:.0f} ms")
        target.dispose()
        engine.dispose()


def answers_during_backup(engine, evidence: Path, archive: Path) -> list[float]:
    """Answers written in a loop while a backup runs: the snapshot must not hold them up."""
    sessions = session_factory(engine)
    clock = FixedClock(datetime(2024, 5, 1, 2, tzinfo=timezone.utc))
    with sessions() as session:
        task_ids = list(session.scalars(select(Task.id).order_by(Task.id)))
    done = threading.Event()
    waits: list[float] = []

    def answer() -> None:
        n = 0
        while not done.is_set():
            started = time.perf_counter()
            with writing(sessions) as session:
                task = session.get(Task, task_ids[n % len(task_ids)])
                record_update(session, task, task.owners[0].staff_id, "in_progress",
                              "Đang làm.", None, [], clock)
            waits.append(time.perf_counter() - started)
            n += 1

    writer = threading.Thread(target=answer)
    writer.start()
    write_archive(engine, evidence, archive, school_code="bench")
    done.set()
    writer.join()
    return waits


if __name__ == "__main__":
    main()
