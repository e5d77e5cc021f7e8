"""Time to read each example plan (../shared/seeds, or the folder given) into a plan draft:
the whole of `caitien plan import --dry-run` short of printing.

    python bench/import_bench.py [SEEDS_DIR] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from core.errors import InputError
from readers.plan_files import read_plan
from core.text import fold, fold_words

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for path in sorted(args.seeds.iterdir()):
        if path.suffix not in (".docx", ".xlsx", ".csv", ".txt", ".md") or path.stem == "README":
            continue
        timings = []
        for _ in range(args.repeat):
            fold.cache_clear()  # every run reads the file as a fresh process would
            fold_words.cache_clear()
            started = time.perf_counter()
            try:
                draft = read_plan(path)
            except InputError as error:
                print(f"{path.name:42} not imported: {error.key}")
                break
            timings.append(time.perf_counter() - started)
        else:
            print(f"{path.name:42} criteria={len(draft.criteria):3} tasks={draft.task_count:3} "
                  f"median={statistics.median(timings) * 1000:7.1f} ms "
                  f"max={max(timings) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
