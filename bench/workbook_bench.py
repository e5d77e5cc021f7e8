"""A school's workbook of three sheets (a cover, the task table with merged criterion cells and
a two-row header, the monitoring sheet; tests/readers/school_workbook.py) read as an upload
is: how much of its known plan comes back, how long reading takes in this process and end to
end in the reading process, and that process's peak memory.

    python bench/workbook_bench.py [--tasks 300] [--repeat 10]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.readers.school_workbook

from readers.frameworks import frameworks  # noqa: E402
from readers.isolated import read_plan_isolated  # noqa: E402
from readers.owner_phrases import split_owner_phrases  # noqa: E402
from readers.plan_files import read_plan  # noqa: E402
from tests.readers.school_workbook import CHECKPOINTS, plan_tasks, school_workbook  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    criteria = list(frameworks()["TT18/2018"]["criteria"])[:20]
    known = plan_tasks(max(args.tasks // len(criteria), 1), criteria)
    with tempfile.TemporaryDirectory() as folder:
        path = school_workbook(Path(folder) / "ke-hoach.xlsx", known)
        print(f"{path.stat().st_size / 1024:.0f} KB, {len(known.tasks)} tasks, "
              f"{len(criteria)} criteria, 3 sheets")
        recovery(read_plan(path), known)
        timed("in process", lambda: read_plan(path), args.repeat)
        timed("isolated, end to end", lambda: read_plan_isolated(path), args.repeat)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"reading process peak resident memory: {peak:.0f} MB")


def recovery(draft, known) -> None:
    read = [t for c in draft.criteria for t in c.tasks]
    pairs = list(zip(read, known.tasks))
    shares = {
        "criteria": len({c.id for c in draft.criteria} & set(known.per_criterion()))
        / len(known.per_criterion()),
        "tasks": sum(r.text == k.text and c.id == k.criterion for c in draft.criteria
                     for r, k in zip(c.tasks, [t for t in known.tasks
                                               if t.criterion == c.id])) / len(known.tasks),
        "owners": sum(r.owners == split_owner_phrases(k.owners) for r, k in pairs)
        / len(known.tasks),
        "timelines": sum(r.timeline == (f"{k.start} – {k.end}" if k.end else k.start)
                         for r, k in pairs) / len(known.tasks),
        "checkpoints": float([(p.when, p.content, p.reviewer) for p in draft.checkpoints]
                             == CHECKPOINTS),
        "meta": float(bool(draft.school and draft.school_year and draft.framework)),
    }
    print("recovered: " + ", ".join(f"{name} {share:.1%}" for name, share in shares.items()))


def timed(label: str, read, repeat: int) -> None:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        seconds.append(time.perf_counter() - started)
    print(f"{label:22} median {statistics.median(seconds) * 1000:6.0f} ms, "
          f"max {max(seconds) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
