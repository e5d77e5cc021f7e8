"""How long a linked teacher waits while strangers flood the bot: the real application, in a
process of its own (`caitien run`'s polling loop, or `caitien serve` with its webhook set),
against the local Bot API server in this one, which holds it to Telegram's limits (30
messages a second, one a second to a chat after a short burst). Floods, each queued just
before the teacher's /nhiemvu:

- one stranger sending 300 messages;
- one stranger sending 300 wrong invitation codes;
- 300 different strangers, one wrong code each.

Prints the teacher's wait per flood and mode (median and maximum of the runs). Usage:

    python bench/flood_bench.py [--size 300] [--runs 3] [--only run|serve]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import subprocess
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.demo.run import DATA  # noqa: E402
from bot.telegram.fakeapi import Limits, LocalBotApi  # noqa: E402
from core.clock import FixedClock  # noqa: E402
from readers.plan_files import read_plan  # noqa: E402
from readers.staff_sheet import parse_staff_sheet  # noqa: E402
from storage.linking import issue_invites  # noqa: E402
from storage.plans import save_plan  # noqa: E402
from storage.schools import pick_school  # noqa: E402
from storage.staff_repo import import_staff  # noqa: E402
from tests.bot.serving import free_port  # noqa: E402

TEACHER = "0901234503"
START = datetime(2026, 11, 2, 2, tzinfo=timezone.utc)
FLOODS = ("none", "messages", "codes", "crowd")
LABELS = {"none": "alone", "messages": "one stranger, {n} messages",
          "codes": "one stranger, {n} wrong codes", "crowd": "{n} strangers, a wrong code each"}


def flood(api: LocalBotApi, kind: str, size: int) -> None:
    if kind == "messages":
        stranger = api.user(7999, "Lạ")
        for n in range(size):
            stranger.send(f"xin chào {n}")
    elif kind == "codes":
        stranger = api.user(7999, "Lạ")
        for n in range(size):
            stranger.send(f"/start WRONG-{n:04d}")
    elif kind == "crowd":
        for n in range(size):
            api.user(80_000 + n, "Lạ").send(f"/start WRONG-{n:04d}")


@asynccontextmanager
async def receiving(mode: str, env: dict, folder: str):
    """`caitien run`, or `caitien serve` with its webhook registered, in its own process."""
    full = {**os.environ, **env}
    command = [sys.executable, "-m", "bot", mode]
    base = None
    if mode == "serve":
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command += ["--port", str(port)]
    with open(Path(folder) / f"{mode}.log", "w") as log:
        process = subprocess.Popen(command, env=full, cwd=folder, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        if base is not None:
            await _until_up(base, process)
            subprocess.run([sys.executable, "-m", "bot", "webhook", "set", "--url", base],
                           env=full, cwd=folder, check=True, capture_output=True)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _until_up(base: str, process: subprocess.Popen) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            assert process.poll() is None, "serve ended"
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("serve never came up")


async def one_run(mode: str, kind: str, size: int) -> float:
    with tempfile.TemporaryDirectory() as tmp, LocalBotApi(limits=Limits()) as api:
        env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
               "DATABASE_URL": f"sqlite:///{tmp}/flood.sqlite3",
               "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence", "CAITIEN_REMINDERS": "off",
               "CAITIEN_CLOCK_START": START.isoformat()}
        app = build_app(Settings.from_env(env), clock=FixedClock(START))
        with app.sessions.begin() as session:
            school = pick_school(session, "demo", app.clock, create=True)
            import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
            save_plan(session, school, read_plan(DATA / "plan.csv"), app.clock)
            code = {i.staff.phone_norm: i.code
                    for i in issue_invites(session, school, app.clock)}[TEACHER]
        app.db.dispose()
        async with receiving(mode, env, tmp):
            teacher = api.user(7001, "Trang")
            teacher.send(f"/start {code}")
            await teacher.reply(timeout=60)
            await asyncio.sleep(1.5)  # the teacher's chat is free again
            flood(api, kind, size)
            started = time.monotonic()
            teacher.send("/nhiemvu")
            await teacher.reply(timeout=120)
            return time.monotonic() - started - 0.15  # reply() waits 0.15 s for stragglers


async def main(size: int, runs: int, modes: list[str]) -> None:
    for mode in modes:
        for kind in FLOODS:
            waits = [await one_run(mode, kind, size) for _ in range(runs)]
            print(f"{mode:<6} {LABELS[kind].format(n=size):<36} teacher answered after "
                  f"{statistics.median(waits) * 1000:6.0f} ms (median of {runs}; max "
                  f"{max(waits) * 1000:.0f} ms)", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("run", "serve"))
    args = parser.parse_args()
    asyncio.run(main(args.size, args.runs, [args.only] if args.only else ["run", "serve"]))
