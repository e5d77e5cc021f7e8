"""How fast the conversation engine handles a teacher's turn.

Many teachers each run one full /capnhat (command, task, status, text, evidence photo,
done, save) through the engine on a real database. Prints turns per second and latency
percentiles. Usage:

    python bench/update_bench.py [--teachers 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from handlers.engine import Engine
from core.messages import Attachment, Incoming
from templates.render import Renderer
from core.clock import FixedClock
from storage.db import make_engine, recreate, session_factory
from storage.evidence_store import EvidenceStore
from storage.linking import link_by_contact
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import StaffRow


def set_up(url: str, teachers: int, clock: FixedClock):
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    rows = [StaffRow(i, f"Giáo viên {i}", None, f"09{i:08d}", ["GVBM"], "Tổ Toán")
            for i in range(teachers)]
    draft = PlanDraft(criteria=[CriterionDraft(f"{s}.{c}", tasks=[
        TaskDraft(f"Công việc {s}.{c}.{k}", owners=["GVBM"]) for k in range(2)])
        for s in range(1, 5) for c in range(1, 4)])
    with sessions.begin() as session:
        school = pick_school(session, "bench", clock, create=True)
        import_staff(session, school, rows)
        save_plan(session, school, draft, clock)
        for row in rows:
            user = str(10_000 + row.line)
            link_by_contact(session, row.phone_norm, user, "bench", user, user, clock)
    return engine, sessions


async def run(url: str, teachers: int) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    db, sessions = set_up(url, teachers, clock)
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(sessions, Renderer(), EvidenceStore(Path(tmp)), clock)
        photo = b"\xff\xd8" + b"x" * 50_000

        async def fetch(_attachment: Attachment) -> bytes:
            return photo

        latencies = []
        event = 0
        started = time.perf_counter()
        for n in range(teachers):
            user = str(10_000 + n)
            turns = [dict(command="capnhat"), dict(text="3"), dict(choice="status:in_progress"),
                     dict(text="Đã dạy thử 2 tiết theo phương pháp mới."),
                     dict(attachments=[Attachment("photo", "p", None, "image/jpeg", len(photo))]),
                     dict(choice="ev:done"), dict(choice="confirm:save")]
            for fields in turns:
                event += 1
                incoming = Incoming(channel="bench", user_id=user, chat_id=user,
                                    event_id=str(event), **fields)
                t0 = time.perf_counter()
                replies = await engine.handle(incoming, fetch)
                latencies.append(time.perf_counter() - t0)
                assert replies, fields
        elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    print(f"{db.dialect.name:10} teachers={teachers} turns={len(latencies)} "
          f"turns/s={len(latencies) / elapsed:7.1f} "
          f"p50={pct(0.50):6.2f} ms p95={pct(0.95):6.2f} ms max={latencies[-1] * 1000:6.2f} ms "
          f"mean={statistics.mean(latencies) * 1000:6.2f} ms")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=200)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(run(args.database_url, args.teachers))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(f"sqlite:///{tmp}/bench.sqlite3", args.teachers))


if __name__ == "__main__":
    main()
