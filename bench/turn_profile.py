"""Where a turn's time goes: the statements each kind of turn sends to the database, and a
profile (yappi, every thread: the turns run on worker threads) of the engine running many
teachers' full /capnhat then /nhiemvu. Needs the bench extra (`pip install .[bench]`). Usage:

    python bench/turn_profile.py [--teachers 100] [--database-url URL] [--top 25]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import yappi
from sqlalchemy import event

from core.clock import FixedClock
from core.messages import Attachment, Incoming
from handlers.engine import Engine
from storage.evidence_store import EvidenceStore
from templates.render import Renderer

# bench/ is the script's folder: its shared module imports as a top-level one.
from school import bench_school

PHOTO = b"\xff\xd8" + b"x" * 50_000
STEPS = [("/capnhat", dict(command="capnhat")), ("pick task", dict(text="3")),
         ("status button", dict(choice="status:in_progress")),
         ("note", dict(text="Đã dạy thử 2 tiết theo phương pháp mới.")),
         ("photo", dict(attachments=[Attachment("photo", "p", None, "image/jpeg",
                                                len(PHOTO))])),
         ("done button", dict(choice="ev:done")), ("save button", dict(choice="confirm:save")),
         ("/nhiemvu", dict(command="nhiemvu"))]


async def fetch(_attachment: Attachment) -> bytes:
    return PHOTO


async def run(url: str, teachers: int, top: int, clock_type: str = "wall") -> None:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    db, sessions = bench_school(url, teachers, clock, "bench", lambda line: str(10_000 + line))
    statements: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    step = [""]

    @event.listens_for(db, "before_cursor_execute")
    def _count(_conn, _cursor, sql, *_args):
        statements[step[0]] += 1
        kinds[sql.split(None, 1)[0].upper()] += 1

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(sessions, Renderer(), EvidenceStore(Path(tmp)), clock)
        yappi.set_clock_type(clock_type)
        yappi.start()
        number = 0
        for n in range(teachers):
            for name, fields in STEPS:
                number += 1
                step[0] = name
                incoming = Incoming(channel="bench", user_id=str(10_000 + n),
                                    chat_id=str(10_000 + n), event_id=str(number), **fields)
                await engine.handle(incoming, fetch)
        yappi.stop()
    print(f"{db.dialect.name}: statements per turn (mean of {teachers} teachers)")
    for name, _ in STEPS:
        print(f"  {name:15} {statements[name] / teachers:5.1f}")
    print("  by kind:", ", ".join(f"{k} {v / teachers / len(STEPS):.1f}"
                                  for k, v in kinds.most_common()))
    stats = yappi.get_func_stats()
    for stat in list(stats.sort("ttot"))[:top]:
        where = "/".join(Path(stat.module).parts[-2:])
        print(f"  {stat.ttot:7.3f} s {stat.ncall:7} {where}:{stat.lineno} {stat.name}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=100)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: what the turns cost, without the waits of a busy machine")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(run(args.database_url, args.teachers, args.top, args.clock))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite:///{tmp}/bench.sqlite3", args.teachers, args.top,
                            args.clock))


if __name__ == "__main__":
    main()
