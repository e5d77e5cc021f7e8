"""How long a linked teacher waits while a stranger floods the bot with wrong invitation
codes: the real bot (`caitien run`'s polling loop) against the local Bot API server, which
holds it to Telegram's limits. Prints the teacher's wait without and with the flood
(median of the runs). Usage:

    python bench/flood_bench.py [--codes 60] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import datetime, timezone

from bot.app import build_app
from bot.config import Settings
from bot.localapi.server import Limits, LocalBotApi
from bot.telegram.polling import running_bot
from core.clock import FixedClock
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from storage.linking import issue_invites
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from bot.demo.run import DATA

TEACHER = "0901234503"


async def one_run(codes: int, flood: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp, LocalBotApi(limits=Limits()) as api:
        settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": api.token,
                                      "TELEGRAM_API_BASE_URL": api.base_url,
                                      "DATABASE_URL": f"sqlite:///{tmp}/flood.sqlite3",
                                      "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence",
                                      "CAITIEN_REMINDERS": "off"})
        app = build_app(settings, clock=FixedClock(datetime(2026, 11, 2, 2,
                                                            tzinfo=timezone.utc)))
        with app.sessions.begin() as session:
            school = pick_school(session, "demo", app.clock, create=True)
            import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
            save_plan(session, school, read_plan(DATA / "plan.csv"), app.clock)
            code = {i.staff.phone_norm: i.code
                    for i in issue_invites(session, school, app.clock)}[TEACHER]
        async with running_bot(app, poll_timeout=0.5):
            teacher = api.user(7001, "Trang")
            teacher.send(f"/start {code}")
            await teacher.reply()
            await asyncio.sleep(1.5)  # the teacher's chat is free again
            if flood:
                stranger = api.user(7999, "Lạ")
                for n in range(codes):
                    stranger.send(f"/start WRONG-{n:04d}")
            started = time.monotonic()
            teacher.send("/nhiemvu")
            await teacher.reply(timeout=60)
            waited = time.monotonic() - started - 0.15  # reply() waits 0.15 s for stragglers
        app.db.dispose()
        return waited


async def main(codes: int, runs: int) -> None:
    for flood in (False, True):
        waits = [await one_run(codes, flood) for _ in range(runs)]
        label = f"with {codes} wrong codes from a stranger" if flood else "alone"
        print(f"teacher's /nhiemvu answered after {statistics.median(waits) * 1000:6.0f} ms "
              f"(median of {runs}; max {max(waits) * 1000:.0f} ms) — {label}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.codes, args.runs))
