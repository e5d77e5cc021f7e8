"""The evidence list and the evidence box of a year: report_bench's school (28 criteria,
60 tasks, 240 evidence items) with each item's file on disk, together --total-mb of
photos (sparse files: the bytes read are real, the disk they take is not). Prints the time
to build the list and its files, the time to write the box, and the memory the box took:
the peak traced by tracemalloc and the process's peak RSS.

    python bench/evidence_box_bench.py [--database-url URL] [--total-mb 2048]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from sqlalchemy import select

from bench.report_bench import set_up
from reports.evidence_box import write_box
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import evidence_list
from storage.db import make_engine, session_factory
from storage.evidence_store import EvidenceStore
from storage.models import Evidence, School
from templates.render import Renderer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--total-mb", type=int, default=2048)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'box.sqlite3'}"
        set_up(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        store = EvidenceStore(Path(tmp) / "evidence")
        renderer = Renderer()
        with sessions() as session:
            paths = session.scalars(select(Evidence.path)).all()
            each = args.total_mb * 2**20 // len(paths)
            for path in paths:
                target = store.path_of(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as sparse:
                    sparse.write(b"\xff\xd8\xff\xe0")
                    sparse.truncate(each)
            started = time.perf_counter()
            data = evidence_list(session, session.scalar(select(School)), date(2024, 6, 1),
                                 renderer)
            listed = time.perf_counter() - started
        started = time.perf_counter()
        evidence_list_xlsx(data, renderer)
        evidence_list_docx(data, renderer)
        files = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        started = time.perf_counter()
        box = write_box(data, store, renderer, Path(tmp) / "box.zip")
        boxed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = (Path(tmp) / "box.zip").stat().st_size
        print(f"{engine.dialect.name}: {len(data.rows())} rows, {len(box.entries)} files of "
              f"{each / 2**20:.1f} MiB ({len(paths) * each / 2**30:.2f} GiB)")
        print(f"  list                  {listed * 1000:7.1f} ms")
        print(f"  list .xlsx + .docx    {files * 1000:7.1f} ms")
        print(f"  box ({size / 2**30:.2f} GiB zip)  {boxed:7.1f} s, "
              f"{size / 2**20 / boxed:.0f} MiB/s")
        print(f"  box memory: tracemalloc peak {peak / 2**20:.1f} MiB; peak RSS "
              f"{rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after")
        engine.dispose()


if __name__ == "__main__":
    main()
