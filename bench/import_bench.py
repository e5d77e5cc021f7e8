"""Time to read each example plan (../shared/seeds, or the folder given) into a plan draft:
the whole of `caitien plan import --dry-run` short of printing. With --recovery N: how much of
N generated plans (tests/readers/plangen.py: every layout and format in turn, the plan each
states known) the reader recovers, how fast, and what it gets wrong most.

    python bench/import_bench.py [SEEDS_DIR] [--repeat 20]
    python bench/import_bench.py --recovery 500 [--seed 1]
    python bench/import_bench.py --independent   # tests/readers/independent, answers by hand
    python bench/import_bench.py --kinds [SEEDS_DIR] [--repeat 5]   # bench/file_kinds.py
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.readers.plangen

from core.errors import InputError  # noqa: E402
from core.text import fold, fold_words  # noqa: E402
from readers.plan_draft import PlanDraft  # noqa: E402
from readers.plan_files import read_plan  # noqa: E402
from tests.readers.independent_check import (  # noqa: E402
    PENDING, SHORT, answer_of, compare, documents)
from tests.readers.plangen import LAYOUTS, Score, generate, score  # noqa: E402
from bench import file_kinds  # noqa: E402

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--recovery", type=int, metavar="N", help="read N generated plans instead")
    parser.add_argument("--seed", type=int, default=1, help="which N plans (--recovery)")
    parser.add_argument("--independent", action="store_true",
                        help="recovery on the plans written independently of the reader")
    parser.add_argument("--kinds", action="store_true",
                        help="each kind of file end to end, isolated, converted (file_kinds.py)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # --kinds' child
    args = parser.parse_args()
    if args.independent:
        independent()
        return
    if args.one:
        file_kinds.measure_one(args.one)
        return
    if args.kinds:
        with tempfile.TemporaryDirectory() as folder:
            file_kinds.kinds(args.seeds, min(args.repeat, 5), Path(folder))
        return
    if args.recovery:
        recovery(args.recovery, args.seed)
        return
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


# What the reader must reach on generated plans: shares recovered exactly, and the slowest read.
TARGETS = {"criteria": 0.99, "tasks": 0.99, "owners": 0.97, "timelines": 0.97}
MAX_SECONDS = 1.0
KINDS = [(layout, fmt) for fmt, layouts in LAYOUTS.items() for layout in layouts]


def read_once(path: Path) -> tuple[PlanDraft, float, str | None]:
    """The draft (an empty one when the file was refused or the reader broke), the seconds it
    took, and why it failed if it did."""
    fold.cache_clear()
    fold_words.cache_clear()
    started = time.perf_counter()
    try:
        draft, failure = read_plan(path), None
    except InputError as error:
        draft, failure = PlanDraft(), f"not imported: {error.key}"
    except Exception as error:  # noqa: BLE001 - a crash is a result here, not the end of the run
        draft, failure = PlanDraft(), f"crash: {type(error).__name__}: {error}"
    return draft, time.perf_counter() - started, failure


def recovery(count: int, seed: int) -> None:
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    seconds: dict[tuple[str, str], list[float]] = defaultdict(list)
    kinds, documents, examples = Counter(), Counter(), {}
    with tempfile.TemporaryDirectory() as folder:
        for i in range(count):
            layout, fmt = KINDS[i % len(KINDS)]
            number = seed * 100_000 + i
            generated = generate(random.Random(number), fmt, layout, Path(folder))
            draft, took, failure = read_once(generated.path)
            generated.path.unlink()
            result = score(generated.expected, draft)
            if failure:
                result.miss(failure.split(":")[0], failure)
            counts[layout, fmt].update(result.counts)
            counts[layout, fmt]["docs"] += 1
            counts[layout, fmt]["docs_right"] += not result.problems
            seconds[layout, fmt].append(took)
            _tally(result, f"{number} {fmt} {layout}", kinds, documents, examples)
    _print_shares(counts, seconds)
    _print_failures(kinds, documents, examples)
    _print_targets(counts, seconds)


def _tally(result: Score, name: str, kinds: Counter, documents: Counter, examples: dict) -> None:
    for kind, detail in result.problems:
        kinds[kind] += 1
        examples.setdefault(kind, f"{name}: {detail}")
    for kind in {kind for kind, _ in result.problems}:
        documents[kind] += 1


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}" if whole else "    -"


def _row(name: str, c: Counter, times: list[float]) -> str:
    return (f"{name:14} {c['docs']:5} {_share(c['docs_right'], c['docs'])} "
            f"{_share(c['criteria_found'], c['criteria'])} {_share(c['criteria_found'], c['criteria_got'])} "
            f"{_share(c['tasks_found'], c['tasks'])} {_share(c['tasks_found'], c['tasks_got'])} "
            f"{_share(c['owners_right'], c['tasks'])} {_share(c['timelines_right'], c['tasks'])} "
            f"{_share(c['targets_right'], c['targets'])} {_share(c['school_right'], c['docs'])} "
            f"{_share(c['framework_right'], c['docs'])} {_share(c['level_right'], c['docs'])} "
            f"{_share(c['year_right'], c['docs'])} "
            f"{statistics.median(times) * 1000:7.1f} {max(times) * 1000:7.1f}")


def _print_shares(counts: dict[tuple[str, str], Counter], seconds: dict) -> None:
    print("shares in %: criteria and tasks recall (R) and precision (P); owners, timelines and")
    print("targets right out of all expected; meta fields right out of documents")
    print(f"{'layout .fmt':14} {'docs':>5} {'exact':>5} {'critR':>5} {'critP':>5} {'taskR':>5} "
          f"{'taskP':>5} {'owner':>5} {'time':>5} {'targt':>5} {'schl':>5} {'frmwk':>5} {'level':>5} "
          f"{'year':>5} {'p50 ms':>7} {'max ms':>7}")
    for key in sorted(counts):
        print(_row(f"{key[0]} .{key[1]}", counts[key], seconds[key]))
    print(_row("all", sum(counts.values(), Counter()), [t for ts in seconds.values() for t in ts]))


def _print_failures(kinds: Counter, documents: Counter, examples: dict) -> None:
    print("\nfailure kinds (times, documents; an example as: seed fmt layout, for "
          "`python -m tests.readers.plangen SEED FMT LAYOUT`)")
    for kind, times in kinds.most_common():
        print(f"{kind:18} {times:6} {documents[kind]:5}  {examples[kind][:150]}")


def _print_targets(counts: dict[tuple[str, str], Counter], seconds: dict) -> None:
    total = sum(counts.values(), Counter())
    shares = {"criteria": (total["criteria_found"], total["criteria"]),
              "tasks": (total["tasks_found"], total["tasks"]),
              "owners": (total["owners_right"], total["tasks"]),
              "timelines": (total["timelines_right"], total["tasks"])}
    print("\ntargets")
    for name, (part, whole) in shares.items():
        share = part / whole if whole else 0.0
        print(f"{name:10} {100 * share:5.1f}% (≥ {100 * TARGETS[name]:.0f}%) "
              f"{'ok' if share >= TARGETS[name] else 'MISSED'}")
    slowest = max(t for ts in seconds.values() for t in ts)
    print(f"slowest    {slowest * 1000:5.0f} ms (< {MAX_SECONDS * 1000:.0f} ms) "
          f"{'ok' if slowest < MAX_SECONDS else 'MISSED'}")


INDEPENDENT_FIELDS = ("criteria", "tasks", "owners", "timelines", "checkpoints")


def independent() -> None:
    """Per document of tests/readers/independent and in total: the answer's criteria, tasks,
    owners, timelines and checkpoints the reader got right (right/all), extra tasks it made,
    and the time to read it (in this process, as read_plan; * = capability pending elsewhere,
    ! = a known shortfall of the reader)."""
    total, seconds = Counter(), []
    print(f"{'document':38} " + " ".join(f"{f[:5]:>7}" for f in INDEPENDENT_FIELDS)
          + f" {'extra':>5} {'ms':>6}")
    for path in documents():
        draft, took, failure = read_once(path)
        result = compare(answer_of(path), draft)
        extra = sum(1 for d in result.differences if "not in the plan" in d)
        total.update(result.counts)
        total["extra"] += extra
        seconds.append(took)
        shares = " ".join(f"{result.counts[f + '_right']:>3}/{result.counts[f]:<3}"
                          for f in INDEPENDENT_FIELDS)
        mark = "*" if path.name in PENDING else "!" if path.name in SHORT else " "
        print(f"{mark}{path.name:37} {shares} {extra:5} {took * 1000:6.0f}"
              + (f"  {failure[:60]}" if failure else ""))
    print(f"{'all':38} " + " ".join(f"{total[f + '_right']:>3}/{total[f]:<3}"
                                     for f in INDEPENDENT_FIELDS)
          + f" {total['extra']:5} {statistics.median(seconds) * 1000:6.0f} (median)")
    checks = sum(total[f] for f in INDEPENDENT_FIELDS)
    right = sum(total[f + "_right"] for f in INDEPENDENT_FIELDS)
    print(f"checks right: {right} of {checks} ({_share(right, checks).strip()} %)")


if __name__ == "__main__":
    main()
