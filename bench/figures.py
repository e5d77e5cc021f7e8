"""Every figure of the table of a turn's speed in docs/performance.md, in one go, on this machine (it takes
some minutes; nothing here depends on CI): the engine alone on SQLite and PostgreSQL
(update_bench.py), the real polling path beside its echo ceiling (poll_bench.py), and
`caitien serve` with 100 teachers beside its echo ceiling, on SQLite and PostgreSQL, with
and without a full-year report every second (serve_bench.py). Usage:

    python bench/figures.py [--postgres URL] [--teachers 100] [--poll-teachers 300] [--quick]

--quick is a smoke run (a minute or two): every bench end to end, with small counts whose
figures mean nothing. It exits 1 when any bench failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def run(title: str, script: str, *args: str) -> int:
    print(f"\n== {title}: {script} {' '.join(args)}", flush=True)
    env = {**os.environ, "PYTHONPATH": str(BENCH.parent)}
    return subprocess.run([sys.executable, str(BENCH / script), *args], env=env).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/bench",
                        help="an empty database these benches may wipe")
    parser.add_argument("--teachers", type=int, default=100)
    parser.add_argument("--poll-teachers", type=int, default=300)
    parser.add_argument("--quick", action="store_true",
                        help="small counts, to see every bench run end to end")
    args = parser.parse_args()
    engine = ["--teachers", "10"] if args.quick else []
    if args.quick:
        args.teachers, args.poll_teachers = 10, 20
    failed = [
        code for code in (
            run("engine alone, SQLite", "update_bench.py", *engine),
            run("engine alone, PostgreSQL", "update_bench.py", *engine,
                "--database-url", args.postgres),
            run("polling path", "poll_bench.py", "--teachers", str(args.poll_teachers)),
            run("webhook path", "serve_bench.py", "--teachers", str(args.teachers),
                "--postgres", args.postgres))
        if code]
    if failed:
        print(f"\n{len(failed)} bench(es) failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
