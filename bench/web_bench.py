"""Page times of the web console for a school of 80 staff and 60 tasks with a year of
updates (the data of report_bench.py), over real HTTP to `caitien serve`'s application:
the principal's dashboard, the whole plan, a filtered plan, a task's history, the staff
page and the audit trail.

    python bench/web_bench.py [--database-url URL] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report_bench import set_up  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from storage.db import writing  # noqa: E402
from storage.models import School, Staff, Task  # noqa: E402
from storage.web_access import issue_sign_in  # noqa: E402
from tests.bot.serving import served  # noqa: E402

NOW = datetime(2024, 3, 6, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


async def measure(url: str, requests: int, tmp: str) -> None:
    settings = Settings.from_env({"DATABASE_URL": url, "CAITIEN_REMINDERS": "off",
                                  "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence"})
    app = build_app(settings, clock=FixedClock(NOW))
    with writing(app.sessions) as session:
        school = session.scalar(select(School))
        principal = session.scalar(select(Staff).where(Staff.school_id == school.id)
                                   .order_by(Staff.id))
        token = issue_sign_in(session, app.clock.now(), staff_id=principal.id)
        task = session.scalar(select(Task.id).order_by(Task.id))
    base = f"/web/s/{school.id}"
    pages = {"dashboard": f"{base}/", "plan": f"{base}/plan",
             "plan, overdue only": f"{base}/plan?overdue=1",
             "task history": f"{base}/tasks/{task}", "staff": f"{base}/staff",
             "audit trail": f"{base}/audit"}
    async with served(app) as root, httpx.AsyncClient(base_url=root) as browser:
        assert (await browser.post(f"/web/login/{token}")).status_code == 303
        print(f"{app.db.dialect.name}: {requests} requests a page, one after another")
        for name, path in pages.items():
            assert (await browser.get(path)).status_code == 200, path  # warm
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                answer = await browser.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
            times.sort()
            print(f"  {name:20} p50 {statistics.median(times):6.1f} ms   "
                  f"p99 {times[int(len(times) * 0.99) - 1]:6.1f} ms   "
                  f"{len(answer.content) // 1024} KiB")
    app.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'web.sqlite3'}"
        set_up(url)
        asyncio.run(measure(url, args.requests, tmp))


if __name__ == "__main__":
    main()
