"""How fast the conversation engine handles a teacher's turn.

Many teachers each run one full /capnhat (command, task, status, text, evidence photo,
done, save) through the engine on a real database. Prints turns per second and latency
percentiles, and the CPU time a turn took in this process (every thread: the figure a busy
machine disturbs least). Usage:

    python bench/update_bench.py [--teachers 200] [--database-url URL] [--concurrency 1]

One teacher at a time measures a turn's latency, and on PostgreSQL mostly its commit's
WAL flush (about 3 ms on a disk that syncs); several at once measure what the engine carries
when many teachers answer together, as on a check-in morning (their commits then share a
flush).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from handlers.engine import Engine
from core.messages import Attachment, Incoming
from templates.render import Renderer
from core.clock import FixedClock
from storage.evidence_store import EvidenceStore

# bench/ is the script's folder: its shared module imports as a top-level one.
from school import bench_school


def set_up(url: str, teachers: int, clock: FixedClock):
    return bench_school(url, teachers, clock, "bench", lambda line: str(10_000 + line))


async def run(url: str, teachers: int, concurrency: int) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    db, sessions = set_up(url, teachers, clock)
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(sessions, Renderer(), EvidenceStore(Path(tmp)), clock)
        photo = b"\xff\xd8" + b"x" * 50_000

        async def fetch(_attachment: Attachment) -> bytes:
            return photo

        latencies = []
        events = itertools.count(1)

        async def teacher(n: int) -> None:
            user = str(10_000 + n)
            turns = [dict(command="capnhat"), dict(text="3"), dict(choice="status:in_progress"),
                     dict(text="Đã dạy thử 2 tiết theo phương pháp mới."),
                     dict(attachments=[Attachment("photo", "p", None, "image/jpeg", len(photo))]),
                     dict(choice="ev:done"), dict(choice="confirm:save")]
            for fields in turns:
                incoming = Incoming(channel="bench", user_id=user, chat_id=user,
                                    event_id=str(next(events)), **fields)
                t0 = time.perf_counter()
                replies = await engine.handle(incoming, fetch)
                latencies.append(time.perf_counter() - t0)
                assert replies, fields

        async def lane(first: int) -> None:
            for n in range(first, teachers, concurrency):
                await teacher(n)

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(lane(first) for first in range(min(concurrency, teachers))))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
    latencies.sort()

    def pct(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    print(f"{db.dialect.name:10} teachers={teachers} concurrency={concurrency} "
          f"turns={len(latencies)} "
          f"turns/s={len(latencies) / elapsed:7.1f} "
          f"p50={pct(0.50):6.2f} ms p95={pct(0.95):6.2f} ms max={latencies[-1] * 1000:6.2f} ms "
          f"mean={statistics.mean(latencies) * 1000:6.2f} ms "
          f"cpu/turn={cpu / len(latencies) * 1000:5.2f} ms")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=200)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="teachers whose turns are in flight at once (each one's in order)")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(run(args.database_url, args.teachers, args.concurrency))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite:///{tmp}/bench.sqlite3", args.teachers, args.concurrency))


if __name__ == "__main__":
    main()
