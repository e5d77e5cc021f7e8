"""`caitien serve` under a crowd: simulated teachers each doing a full /capnhat through the
real HTTP path.

The bench plays Telegram: it posts each teacher's updates to the webhook of one or several
`caitien serve` processes (round robin, as a load balancer would), and runs the local Bot
API server that the bot sends its answers to and fetches the evidence photo from. A
teacher's turn is timed from the POST to Telegram's 200, which caitien gives once the turn
committed and its reply went out. Each teacher thinks one second between turns (no one
types faster, and a chat takes about one message a second).

Runs, printed as one line each: caitien on SQLite (1 process), on PostgreSQL (1 process, then
4 replicas), the same with a principal building the full-year report every second, and the
ceiling: a bare python-telegram-bot echo handler behind the same webhook path. Usage:

    python bench/serve_bench.py [--teachers 1000] [--postgres URL] [--only NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from bot.localapi.server import LocalBotApi
from bot.telegram.webhook import SECRET_HEADER, store_secret
from core.clock import FixedClock

# bench/ is the script's folder: its shared module imports as a top-level one.
from school import bench_school

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-0123456789abcdef"
PHOTO = b"\xff\xd8" + b"x" * 50_000
THINK = 1.0
# One bot may send 30 messages a second (1,000 with Telegram's paid broadcasts): the crowd
# here would wait on that limit, not on caitien. The bench lifts it to measure caitien.
PER_SECOND = 1000
PRINCIPAL = 1


def set_up_database(url: str, teachers: int) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    engine, sessions = bench_school(url, teachers, clock, "telegram",
                                    lambda line: str(chat_of(line)), principal=True)
    store_secret(sessions, SECRET)
    engine.dispose()


def chat_of(line: int) -> int:
    return 100_000 + line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(command: list[str], env: dict[str, str], count: int) -> list[tuple]:
    servers = []
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT,
                                   env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        servers.append((process, f"http://127.0.0.1:{port}"))
    deadline = time.monotonic() + 60
    for process, base in servers:
        while True:
            assert process.poll() is None, "a server did not start"
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    return servers


class Telegram:
    """The bench as Telegram: numbered updates posted to the webhook, round robin."""

    def __init__(self, bases: list[str], photo_id: str) -> None:
        self.bases = bases
        self.photo_id = photo_id
        self.next_id = 0
        # Telegram opens at most 40 connections to a webhook unless told otherwise.
        self.client = httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=40))
        self.redelivered = 0

    async def post(self, chat: int, **content) -> float:
        self.next_id += 1
        update_id = self.next_id
        person = {"id": chat, "is_bot": False, "first_name": "GV"}
        room = {"id": chat, "type": "private"}
        if "data" in content:
            update = {"update_id": update_id, "callback_query": {
                "id": str(update_id), "from": person, "chat_instance": "bench",
                "data": content["data"], "message": {"message_id": 1, "date": 0,
                                                     "chat": room, "text": "…"}}}
        else:
            update = {"update_id": update_id, "message": {
                "message_id": update_id, "date": 0, "chat": room, "from": person, **content}}
        started = time.perf_counter()
        for attempt in range(20):  # as Telegram does: again, on another replica
            base = self.bases[(update_id + attempt) % len(self.bases)]
            try:
                answer = await self.client.post(f"{base}/telegram/webhook", json=update,
                                                headers={SECRET_HEADER: SECRET})
                if answer.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            self.redelivered += 1
            await asyncio.sleep(0.5)
        return time.perf_counter() - started


def capnhat(photo_id: str) -> list[dict]:
    photo = [{"file_id": photo_id, "file_unique_id": "bench-photo", "width": 1280,
              "height": 960, "file_size": len(PHOTO)}]
    return [{"text": "/capnhat", "entities": [{"type": "bot_command", "offset": 0,
                                               "length": 8}]},
            {"text": "3"}, {"data": "status:in_progress"},
            {"text": "Đã dạy thử 2 tiết theo phương pháp mới."}, {"photo": photo},
            {"data": "ev:done"}, {"data": "confirm:save"}]


async def teacher(telegram: Telegram, chat: int, latencies: list[float],
                  offset: float) -> None:
    await asyncio.sleep(offset)
    for content in capnhat(telegram.photo_id):
        latencies.append(await telegram.post(chat, **content))
        await asyncio.sleep(THINK)


async def principal(telegram: Telegram, chat: int, stop: asyncio.Event,
                    built: list[float]) -> None:
    """The full-year report, asked for every second while the teachers work."""
    while not stop.is_set():
        started = time.perf_counter()
        await telegram.post(chat, text="/baocao", entities=[
            {"type": "bot_command", "offset": 0, "length": 7}])
        await telegram.post(chat, data="rp:year")
        built.append(time.perf_counter() - started)
        await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))


async def crowd(bases: list[str], photo_id: str, teachers: int,
                report: bool) -> tuple[list[float], float, list[float]]:
    telegram = Telegram(bases, photo_id)
    latencies: list[float] = []
    built: list[float] = []
    stop = asyncio.Event()
    boss = (asyncio.create_task(principal(telegram, chat_of(teachers), stop, built))
            if report else None)
    started = time.perf_counter()
    # All at once, spread over the first think time so they do not arrive in lockstep.
    await asyncio.gather(*(teacher(telegram, chat_of(n), latencies, THINK * n / teachers)
                           for n in range(teachers)))
    elapsed = time.perf_counter() - started
    stop.set()
    if boss is not None:
        await boss
    await telegram.client.aclose()
    if telegram.redelivered:
        print(f"  ({telegram.redelivered} updates posted again after an error)")
    return latencies, elapsed, built


def line(name: str, latencies: list[float], elapsed: float, extra: str = "") -> dict:
    latencies = sorted(latencies)

    def pct(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    figures = {"turns_per_s": len(latencies) / elapsed, "p50": pct(0.5), "p99": pct(0.99)}
    print(f"{name:34} turns={len(latencies):5} turns/s={figures['turns_per_s']:7.1f} "
          f"p50={figures['p50']:7.1f} ms p99={figures['p99']:7.1f} ms {extra}", flush=True)
    return figures


def measure(name: str, api: LocalBotApi, command: list[str], env: dict[str, str],
            replicas: int, teachers: int, report: bool = False) -> dict:
    """Start the servers, let the crowd through them, stop them; print the figures."""
    env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url, **env}
    servers = start_servers(command, env, replicas)
    photo_id, _ = api.add_file(PHOTO, "photo.jpg")
    try:
        latencies, elapsed, built = asyncio.run(
            crowd([b for _, b in servers], photo_id, teachers, report))
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)
    return line(name, latencies, elapsed, f"reports={len(built)}" if report else "")


def run_caitien(name: str, api: LocalBotApi, url: str, replicas: int, teachers: int,
                report: bool, evidence: str) -> dict:
    set_up_database(url, teachers)
    env = {"DATABASE_URL": url, "CAITIEN_EVIDENCE_DIR": evidence, "CAITIEN_REMINDERS": "off",
           "TELEGRAM_MESSAGES_PER_SECOND": str(PER_SECOND)}
    return measure(name, api, [sys.executable, "-m", "bot", "serve"], env, replicas,
                   teachers, report)


def run_echo(api: LocalBotApi, teachers: int) -> dict:
    return measure("ceiling: PTB echo webhook", api,
                   [sys.executable, str(ROOT / "bench" / "echo_webhook.py")], {}, 1, teachers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=1000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--only", help="one run: sqlite, pg, pg4, pg4-report, echo")
    args = parser.parse_args()
    runs = ["echo", "sqlite", "sqlite-report", "pg", "pg4", "pg4-report"]
    with LocalBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        results = {}
        for run in runs:
            if args.only and run != args.only:
                continue
            sqlite = f"sqlite:///{tmp}/{run}.sqlite3"
            if run == "echo":
                results[run] = run_echo(api, args.teachers)
            elif run.startswith("sqlite"):
                results[run] = run_caitien(f"caitien, SQLite, 1 process{' + report' * ('report' in run)}",
                                           api, sqlite, 1, args.teachers, "report" in run,
                                           f"{tmp}/{run}")
            else:
                replicas = 4 if run.startswith("pg4") else 1
                results[run] = run_caitien(
                    f"caitien, PostgreSQL, {replicas} process{'es' * (replicas > 1)}"
                    f"{' + report' * ('report' in run)}", api, args.postgres, replicas,
                    args.teachers, "report" in run, f"{tmp}/{run}")
        if "echo" in results:
            for run, figures in results.items():
                if run != "echo":
                    share = figures["turns_per_s"] / results["echo"]["turns_per_s"]
                    print(f"{run}: {share:.0%} of the ceiling's turns/s")


if __name__ == "__main__":
    main()
