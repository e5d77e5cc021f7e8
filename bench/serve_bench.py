"""`caitien serve` under a crowd: simulated teachers each doing a full /capnhat through the
real HTTP path.

The bench plays Telegram: it posts each teacher's updates to the webhook of one or several
`caitien serve` processes (round robin, as a load balancer would), and runs the local Bot
API server that the bot sends its answers to and fetches the evidence photo from. A
teacher's turn is timed from the POST to the moment its first reply reaches the Bot API
server (caitien acknowledges a linked person's update once it is kept, before the turn: the
200 alone would time the acknowledgement). Each teacher thinks one second between turns (no
one types faster, and a chat takes about one message a second).

The crowd offers at most the load it would send to a server that answered at once (printed
first). The echo ceiling, when it runs, must itself keep up with that load (90 % of it):
when it did not, the machine is saturated, and the runs are marked so, not given as a share
of a ceiling that was not one.

Runs, printed as one line each: caitien on SQLite (1 process), on PostgreSQL (1 process, then
4 replicas), the same with a principal building the full-year report every second, and the
ceiling: a bare python-telegram-bot echo handler behind the same webhook path.

With --zalo-share S (0 to 1), that share of the teachers is on Zalo instead: the bench plays
Zalo too, posting their updates in Zalo's shape (wrapped {"ok": true, "result": update}, as
Zalo posts them) to /zalo/webhook with the X-Bot-Api-Secret-Token header, and runs the fake
Zalo Bot API their replies go to (its limit off, as Telegram's is lifted). Zalo has no
buttons: those teachers type the numbers the replies offer. Figures are then printed per
channel and combined; the echo ceiling stays all Telegram (it has no Zalo path). Usage:

    python bench/serve_bench.py [--teachers 1000] [--postgres URL] [--only NAME]
                                [--zalo-share 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bot.telegram.fakeapi import LocalBotApi
from bot.telegram.webhook import SECRET_HEADER, store_secret
from bot.zalo.fakeapi import FakeZaloApi
from bot.zalo.webhook import PATH as ZALO_PATH
from bot.zalo.webhook import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.zalo.webhook import store_secret as store_zalo_secret
from core.clock import FixedClock
from storage.db import make_engine, session_factory
from storage.models import Account, TaskUpdate

# bench/ is the script's folder: its shared module imports as a top-level one.
from school import bench_school

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-0123456789abcdef"
ZALO_SECRET = "bench-zalo-secret-0123456789"
PHOTO = b"\xff\xd8" + b"x" * 50_000
THINK = 1.0
# One bot may send 30 messages a second (1,000 with Telegram's paid broadcasts): the crowd
# here would wait on that limit, not on caitien. The bench lifts it to measure caitien.
PER_SECOND = 1000
PRINCIPAL = 1
TURNS = 7  # a teacher's /capnhat, on either channel
RUNS = ["echo", "sqlite", "sqlite-report", "pg", "pg4", "pg4-report"]
KEPT_UP = 0.9  # the share of the offered load the ceiling must carry to be one
REPLY_WAIT = 120.0  # seconds a turn's reply is waited for before it counts as unanswered


class Replies:
    """The moments replies reach the fake servers, for the turns waiting on them. The
    servers run on threads of their own; the bench's turns on its event loop."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.waiting: dict[str, asyncio.Future] = {}
        self.unanswered = 0

    def expect(self, chat: str) -> asyncio.Future:
        self.loop = asyncio.get_running_loop()
        future = self.loop.create_future()
        self.waiting[chat] = future
        return future

    def arrived(self, chat: str) -> None:
        loop = self.loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._settle, chat, time.perf_counter())
        except RuntimeError:  # a run's loop closed: a late reply of a server being stopped
            pass

    def done(self) -> None:
        """The run's loop is about to close: replies still arriving are nobody's."""
        self.loop = None
        self.waiting.clear()

    def _settle(self, chat: str, moment: float) -> None:
        future = self.waiting.pop(chat, None)
        if future is not None and not future.done():
            future.set_result(moment)

    async def timed(self, chat: str, started: float, future: asyncio.Future) -> float:
        try:
            return await asyncio.wait_for(future, REPLY_WAIT) - started
        except asyncio.TimeoutError:
            self.unanswered += 1
            self.waiting.pop(chat, None)
            return REPLY_WAIT


REPLIES = Replies()


class WatchedBotApi(LocalBotApi):
    def _record(self, params: dict, *args, **kwargs):
        answer = super()._record(params, *args, **kwargs)
        REPLIES.arrived(str(params.get("chat_id")))
        return answer


class WatchedZaloApi(FakeZaloApi):
    def _record(self, message):
        answer = super()._record(message)
        REPLIES.arrived(str(message.chat_id))
        return answer


def offered(teachers: int) -> float:
    """Turns a second the crowd sends to a server that answers at once: each teacher's
    turns a think apart, the teachers' starts spread over the first think."""
    return teachers * TURNS / (THINK * TURNS + THINK * (teachers - 1) / teachers)


def set_up_database(url: str, teachers: int, zalo_share: float) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))

    def on_zalo(line: int) -> bool:  # the principal (line `teachers`) stays on Telegram
        return line < teachers and is_zalo(line, zalo_share)

    engine, sessions = bench_school(
        url, teachers, clock, lambda line: "zalo" if on_zalo(line) else "telegram",
        lambda line: zalo_user(line) if on_zalo(line) else str(chat_of(line)), principal=True)
    store_secret(sessions, SECRET)
    store_zalo_secret(sessions, ZALO_SECRET)
    engine.dispose()


def chat_of(line: int) -> int:
    return 100_000 + line


def zalo_user(line: int) -> str:
    """A Zalo user id (Zalo's are strings of hex digits); in a private chat, the chat's."""
    return f"{0xb000_0000_0000_0000 + line:016x}"


def is_zalo(line: int, share: float) -> bool:
    """Spread evenly: with 0.5, every second teacher."""
    return int((line + 1) * share) > int(line * share)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(command: list[str], env: dict[str, str], count: int,
                  zalo: bool = False) -> list[tuple]:
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
        # Zalo connects in the background, its webhook answering 503 until then; an update
        # that is no person's message is answered 200 once it is connected.
        while zalo and httpx.post(f"{base}{ZALO_PATH}", json={}, timeout=5,
                                  headers={ZALO_SECRET_HEADER: ZALO_SECRET}).status_code != 200:
            assert time.monotonic() < deadline, "Zalo never connected"
            time.sleep(0.2)
    return servers


async def deliver(client: httpx.AsyncClient, bases: list[str], number: int, path: str,
                  body: dict, headers: dict[str, str], chat: str) -> tuple[float, int]:
    """POST one update until it gets a 200, as the channels do (again, on another replica);
    returns the seconds until its reply arrived and how many times it was posted again."""
    started = time.perf_counter()
    reply = REPLIES.expect(chat)
    again = 0
    for attempt in range(20):
        base = bases[(number + attempt) % len(bases)]
        try:
            answer = await client.post(f"{base}{path}", json=body, headers=headers)
            if answer.status_code == 200:
                break
        except httpx.HTTPError:
            pass
        again += 1
        await asyncio.sleep(0.5)
    return await REPLIES.timed(chat, started, reply), again


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
        took, again = await deliver(self.client, self.bases, update_id, "/telegram/webhook",
                                    update, {SECRET_HEADER: SECRET}, str(chat))
        self.redelivered += again
        return took


class Zalo:
    """The bench as Zalo: each update posted to /zalo/webhook as Zalo posts it, round robin."""

    def __init__(self, bases: list[str], photo_url: str) -> None:
        self.bases = bases
        self.photo_url = photo_url
        self.next_id = 0
        self.client = httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=40))
        self.redelivered = 0

    async def post(self, user: str, **content) -> float:
        self.next_id += 1
        event = "message.image.received" if "photo_url" in content else "message.text.received"
        message = {"message_id": f"{self.next_id:032x}", "date": int(time.time() * 1000),
                   "from": {"id": user, "display_name": "GV", "is_bot": False},
                   "chat": {"id": user, "chat_type": "PRIVATE"}, **content}
        update = {"ok": True, "result": {"event_name": event, "message": message}}
        took, again = await deliver(self.client, self.bases, self.next_id, ZALO_PATH, update,
                                    {ZALO_SECRET_HEADER: ZALO_SECRET}, user)
        self.redelivered += again
        return took


def capnhat(photo_id: str) -> list[dict]:
    photo = [{"file_id": photo_id, "file_unique_id": "bench-photo", "width": 1280,
              "height": 960, "file_size": len(PHOTO)}]
    return [{"text": "/capnhat", "entities": [{"type": "bot_command", "offset": 0,
                                               "length": 8}]},
            {"text": "3"}, {"data": "status:in_progress"},
            {"text": "Đã dạy thử 2 tiết theo phương pháp mới."}, {"photo": photo},
            {"data": "ev:done"}, {"data": "confirm:save"}]


def capnhat_typed(photo_url: str) -> list[dict]:
    """The same /capnhat on Zalo: the numbers the replies offer, typed."""
    return [{"text": "/capnhat"}, {"text": "3"},
            {"text": "2"},  # 1. Hoàn thành, 2. Đang thực hiện, …
            {"text": "Đã dạy thử 2 tiết theo phương pháp mới."}, {"photo_url": photo_url},
            {"text": "1"},  # after a photo, the one choice: Xong
            {"text": "1"}]  # 1. Lưu, 2. Sửa lại, 3. Huỷ


# A /capnhat's turns, in order: the photo's is the tail, and the presses behind it wait.
STEP_NAMES = ["/capnhat", "pick", "status", "note", "photo", "done", "save"]
BY_STEP: dict[int, list[float]] = {}  # the current run's latencies by step


async def teacher(channel: Telegram | Zalo, who: int | str, steps: list[dict],
                  latencies: list[float], offset: float) -> None:
    await asyncio.sleep(offset)
    for step, content in enumerate(steps):
        took = await channel.post(who, **content)
        latencies.append(took)
        BY_STEP.setdefault(step, []).append(took)
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


async def crowd(bases: list[str], photo_id: str, photo_url: str, teachers: int,
                zalo_share: float, report: bool,
                ) -> tuple[dict[str, list[float]], float, list[float]]:
    """Every teacher's turns; the latencies by channel, the seconds it all took, and how
    long each of the principal's reports took."""
    telegram = Telegram(bases, photo_id)
    zalo = Zalo(bases, photo_url)
    latencies: dict[str, list[float]] = {"telegram": [], "zalo": []}
    built: list[float] = []
    stop = asyncio.Event()
    boss = (asyncio.create_task(principal(telegram, chat_of(teachers), stop, built))
            if report else None)
    started = time.perf_counter()
    # All at once, spread over the first think time so they do not arrive in lockstep.
    await asyncio.gather(*(
        teacher(zalo, zalo_user(n), capnhat_typed(photo_url), latencies["zalo"],
                THINK * n / teachers) if is_zalo(n, zalo_share) else
        teacher(telegram, chat_of(n), capnhat(photo_id), latencies["telegram"],
                THINK * n / teachers)
        for n in range(teachers)))
    elapsed = time.perf_counter() - started
    stop.set()
    if boss is not None:
        await boss
    for channel in (telegram, zalo):
        await channel.client.aclose()
        if channel.redelivered:
            print(f"  ({channel.redelivered} {type(channel).__name__} updates posted again "
                  f"after an error)")
    return latencies, elapsed, built


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user and system), from /proc: wall times swing with
    whatever else the machine runs, a turn's CPU much less. 0 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu(pid: int) -> float:
    """The CPU time of a process's children alive now (the worker building the report's
    files): spent off the serving process, but spent on the same cores."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(row.split()[1]) / 1024 for row in status.splitlines()
                 if row.startswith("VmRSS:")), 0.0)


class FileProbe:
    """The fake Bot API's own pace: while the crowd runs, a getFile and the download of the
    bench's photo, a quarter of a second apart, from a thread of the bench (the fake shares
    this process with the crowd's loop). When these are slow, the photo's turn, which makes
    both calls before its transaction, is slow for the bench's sake, not caitien's."""

    EVERY = 0.25

    def __init__(self, api: LocalBotApi, file_id: str) -> None:
        self.api = api
        self.file_id = file_id
        self.get_file: list[float] = []
        self.download: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "FileProbe":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=60) as client:
            while not self._stop.wait(self.EVERY):
                started = time.perf_counter()
                found = client.post(f"{self.api.base_url}{self.api.token}/getFile",
                                    data={"file_id": self.file_id}).json()["result"]
                fetched = time.perf_counter()
                client.get(f"{self.api.file_base_url}{self.api.token}/{found['file_path']}")
                self.get_file.append(fetched - started)
                self.download.append(time.perf_counter() - fetched)

    def summary(self) -> str:
        if not self.get_file:
            return "no probe"
        return (f"the fake's getFile {pct(self.get_file, 0.5):.0f}/"
                f"{pct(self.get_file, 0.99):.0f} · download {pct(self.download, 0.5):.0f}/"
                f"{pct(self.download, 0.99):.0f} (p50/p99 ms, {len(self.get_file)} probes)")


def pct(latencies: list[float], share: float) -> float:
    """In ms."""
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def line(name: str, latencies: list[float], elapsed: float, extra: str = "") -> dict:
    figures = {"turns_per_s": len(latencies) / elapsed, "p50": pct(latencies, 0.5),
               "p90": pct(latencies, 0.9), "p99": pct(latencies, 0.99)}
    print(f"{name:40} turns={len(latencies):5} turns/s={figures['turns_per_s']:7.1f} "
          f"p50={figures['p50']:7.1f} ms p90={figures['p90']:7.1f} ms "
          f"p99={figures['p99']:7.1f} ms {extra}", flush=True)
    return figures


def measure(name: str, api: LocalBotApi, zalo_api: FakeZaloApi | None, command: list[str],
            env: dict[str, str], replicas: int, teachers: int, zalo_share: float,
            report: bool = False, saved=None) -> dict:
    """Start the servers, let the crowd through them, stop them; print the figures: one line
    in all, and one a channel when both are in the crowd. `saved()`: the updates saved, by
    channel, read once the servers stopped."""
    env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url, **env}
    if zalo_api is not None:
        env.update({"ZALO_BOT_TOKEN": zalo_api.token, "ZALO_API_BASE_URL": zalo_api.base_url,
                    "ZALO_MESSAGES_PER_SECOND": str(PER_SECOND)})
    servers = start_servers(command, env, replicas, zalo=zalo_api is not None)
    photo_id, _ = api.add_file(PHOTO, "photo.jpg")
    photo_url = zalo_api.add_image(PHOTO, "image/jpeg") if zalo_api is not None else ""
    pids = [process.pid for process, _ in servers]
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    try:
        with FileProbe(api, photo_id) as probe:
            latencies, elapsed, built = asyncio.run(
                crowd([b for _, b in servers], photo_id, photo_url, teachers, zalo_share,
                      report))
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        apart = sum(children_cpu(pid) for pid in pids)
        rss = max(rss_mb(pid) for pid in pids)
    finally:
        REPLIES.done()
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)
    counts = saved() if saved is not None else {}
    channels = [c for c in ("telegram", "zalo") if latencies[c]]

    def extra(channel: str | None) -> str:
        parts = []
        if channel is None and cpu:  # the servers' CPU during the crowd, a turn's share
            turns = sum(len(latencies[c]) for c in channels)
            parts.append(f"cpu/turn={cpu / max(turns, 1) * 1000:.1f} ms rss={rss:.0f} MB")
            if apart:
                parts.append(f"children's cpu={apart:.1f} s")
        if saved is not None:
            who = [c for c in channels if channel in (None, c)]
            expected = sum(len(latencies[c]) for c in who) // TURNS
            parts.append(f"saved={sum(counts.get(c, 0) for c in who)}/{expected}")
        if report and channel is None:
            parts.append(f"reports={len(built)}")
        return " ".join(parts)

    combined = line(name + (" [all]" if len(channels) > 1 else ""),
                    [t for c in channels for t in latencies[c]], elapsed, extra(None))
    print("  by step, p50/p99 ms: " + " · ".join(
        f"{STEP_NAMES[step]} {pct(times, 0.5):.0f}/{pct(times, 0.99):.0f}"
        for step, times in sorted(BY_STEP.items())), flush=True)
    print(f"  {probe.summary()}", flush=True)
    BY_STEP.clear()
    if len(channels) > 1:
        for channel in channels:
            line(f"  {channel}", latencies[channel], elapsed, extra(channel))
    return combined


def saved_by_channel(url: str) -> dict[str, int]:
    """The updates saved, by the channel of their author's account."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Account.channel, func.count(TaskUpdate.id))
            .join(Account, Account.staff_id == TaskUpdate.author_id)
            .group_by(Account.channel)).all()
    engine.dispose()
    return dict(rows)


def run_caitien(name: str, api: LocalBotApi, zalo_api: FakeZaloApi | None, url: str,
                replicas: int, teachers: int, zalo_share: float, report: bool,
                evidence: str) -> dict:
    set_up_database(url, teachers, zalo_share)
    env = {"DATABASE_URL": url, "CAITIEN_EVIDENCE_DIR": evidence, "CAITIEN_REMINDERS": "off",
           "TELEGRAM_MESSAGES_PER_SECOND": str(PER_SECOND)}
    return measure(name, api, zalo_api, [sys.executable, "-m", "bot", "serve"], env,
                   replicas, teachers, zalo_share, report, lambda: saved_by_channel(url))


def run_echo(api: LocalBotApi, teachers: int) -> dict:
    return measure("ceiling: PTB echo webhook", api, None,
                   [sys.executable, str(ROOT / "bench" / "echo_webhook.py")], {}, 1, teachers,
                   0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=1000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--only", help="one run: " + ", ".join(RUNS))
    parser.add_argument("--zalo-share", type=float, default=0.0,
                        help="the share of the teachers on Zalo, 0 to 1 (default 0)")
    args = parser.parse_args()
    if not 0.0 <= args.zalo_share <= 1.0:
        parser.error("--zalo-share is a share, from 0 to 1")
    if args.only and args.only not in RUNS:
        parser.error(f"--only takes one of {', '.join(RUNS)}")
    share = args.zalo_share
    print(f"offered: {offered(args.teachers):.1f} turns/s at most ({args.teachers} teachers, "
          f"{TURNS} turns each, {THINK:.0f} s of thought between turns)", flush=True)
    with (WatchedBotApi() as api, tempfile.TemporaryDirectory() as tmp,
          WatchedZaloApi(limits=None) as zalo_api):
        zalo = zalo_api if share > 0 else None
        mix = f", {share:.0%} Zalo" if share > 0 else ""
        results = {}
        for run in RUNS:
            if args.only and run != args.only:
                continue
            sqlite = f"sqlite:///{tmp}/{run}.sqlite3"
            if run == "echo":
                results[run] = run_echo(api, args.teachers)
            elif run.startswith("sqlite"):
                results[run] = run_caitien(
                    f"caitien, SQLite, 1 process{mix}{' + report' * ('report' in run)}",
                    api, zalo, sqlite, 1, args.teachers, share, "report" in run,
                    f"{tmp}/{run}")
            else:
                replicas = 4 if run.startswith("pg4") else 1
                results[run] = run_caitien(
                    f"caitien, PostgreSQL, {replicas} process{'es' * (replicas > 1)}{mix}"
                    f"{' + report' * ('report' in run)}", api, zalo, args.postgres, replicas,
                    args.teachers, share, "report" in run, f"{tmp}/{run}")
        if REPLIES.unanswered:
            print(f"  ({REPLIES.unanswered} turns got no reply within {REPLY_WAIT:.0f} s)")
        if "echo" in results:
            compare(results, offered(args.teachers))


def compare(results: dict[str, dict], load: float) -> None:
    """Each run as a share of the ceiling, if the ceiling carried the load offered."""
    ceiling = results["echo"]["turns_per_s"]
    if ceiling < KEPT_UP * load:
        print(f"SATURATED: the echo ceiling carried {ceiling:.1f} of {load:.1f} turns/s "
              f"offered; the machine, not caitien, set the pace: no shares given")
        return
    print(f"the echo ceiling kept up: {ceiling:.1f} of {load:.1f} turns/s offered")
    for run, figures in results.items():
        if run != "echo":
            share = figures["turns_per_s"] / ceiling
            print(f"{run}: {share:.0%} of the ceiling's turns/s")


if __name__ == "__main__":
    main()
