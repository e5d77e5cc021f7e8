"""`caitien run` through the real polling path, side by side with the bare echo.

The bench plays Telegram with the local Bot API server (per-bot pacing lifted: the work is
measured, not Telegram's limit). Once the bot polls, every linked teacher sends /nhiemvu at
the same moment; the run lasts until each has a reply. Printed for caitien (SQLite, one
process) and for a bare python-telegram-bot echo bot polling the same server: answers a
second, and the wait for a reply (p50, p99). The ceiling must answer everyone for a share
to be given. Usage:

    python bench/poll_bench.py [--teachers 300] [--only echo|sqlite]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.telegram.fakeapi import LocalBotApi
from core.clock import FixedClock

# bench/ is the script's folder: its shared module imports as a top-level one.
from school import bench_school
from serve_bench import cpu_seconds, rss_mb

ROOT = Path(__file__).resolve().parent.parent
PER_SECOND = 1000  # Telegram's 30 a second per bot, lifted: see serve_bench.py
WAIT = 300.0  # seconds the crowd's replies are waited for


class CountingBotApi(LocalBotApi):
    """The local Bot API server, noting when each message arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[float] = []
        self.arrived = threading.Condition()

    def _record(self, params: dict, *args, **kwargs):
        answer = super()._record(params, *args, **kwargs)
        with self.arrived:
            self.arrivals.append(time.perf_counter())
            self.arrived.notify_all()
        return answer

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.arrivals) >= count, timeout)


def chat_of(line: int) -> int:
    return 100_000 + line


def measure(name: str, command: list[str], env: dict[str, str], teachers: int) -> dict:
    with CountingBotApi() as api:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token,
               "TELEGRAM_API_BASE_URL": api.base_url, **env}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while api.state.polls < 2:  # the second poll: the first batch was confirmed
                assert process.poll() is None and time.monotonic() < deadline, "no polling"
                time.sleep(0.05)
            cpu = cpu_seconds(process.pid)
            started = time.perf_counter()
            for line in range(teachers):
                chat = chat_of(line)
                api.push_update({"message": {
                    "message_id": line + 1, "date": 0, "text": "/nhiemvu",
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": chat, "is_bot": False, "first_name": "GV"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 8}]}})
            answered = api.wait_for(teachers, WAIT)
            waits = sorted(t - started for t in api.arrivals[:teachers])
            cpu = cpu_seconds(process.pid) - cpu
            rss = rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    elapsed = waits[-1] if waits else WAIT

    def pct(share: float) -> float:
        return waits[min(len(waits) - 1, int(share * len(waits)))] * 1000 if waits else 0.0

    figures = {"answers_per_s": len(waits) / elapsed, "answered": answered}
    print(f"{name:32} answers={len(waits):5}/{teachers} answers/s="
          f"{figures['answers_per_s']:7.1f} p50={pct(0.5):7.1f} ms p99={pct(0.99):7.1f} ms "
          f"cpu/answer={cpu / max(len(waits), 1) * 1000:.1f} ms rss={rss:.0f} MB", flush=True)
    return figures


def run_caitien(url: str, teachers: int, evidence: str) -> dict:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    engine, _ = bench_school(url, teachers, clock, "telegram", lambda n: str(chat_of(n)))
    engine.dispose()
    env = {"DATABASE_URL": url, "CAITIEN_EVIDENCE_DIR": evidence, "CAITIEN_REMINDERS": "off",
           "TELEGRAM_MESSAGES_PER_SECOND": str(PER_SECOND)}
    return measure("caitien run, SQLite, 1 process", [sys.executable, "-m", "bot", "run"],
                   env, teachers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=300)
    parser.add_argument("--only", choices=["echo", "sqlite"])
    args = parser.parse_args()
    results = {}
    print(f"offered: {args.teachers} updates at once, one /nhiemvu a teacher", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "echo"):
            results["echo"] = measure(
                "ceiling: PTB echo, polling", [sys.executable, str(ROOT / "bench" / "echo_poll.py")],
                {}, args.teachers)
        if args.only in (None, "sqlite"):
            results["sqlite"] = run_caitien(f"sqlite:///{tmp}/poll.sqlite3", args.teachers,
                                            f"{tmp}/evidence")
    if "echo" in results and "sqlite" in results:
        if not results["echo"]["answered"]:
            print("SATURATED: the echo ceiling did not answer everyone; no share given")
        else:
            share = results["sqlite"]["answers_per_s"] / results["echo"]["answers_per_s"]
            print(f"caitien: {share:.0%} of the ceiling's answers/s")


if __name__ == "__main__":
    main()
