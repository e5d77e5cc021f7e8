"""Chaos: the real application on PostgreSQL, under a steady load of simulated teachers,
killed with kill -9 every few seconds, its database restarted once, and the Bot API refusing
sends (429 with retry_after, 5xx) for a while. Then everything is let settle and counted:
messages received against answers sent, updates confirmed against rows saved, reminders
planned against reminders delivered.

What runs: the local Bot API server (bot/telegram/fakeapi.py, with Telegram's limits) in this
process, and `caitien run` (long polling with getUpdates offsets, what most schools run) as a
subprocess on DATABASE_URL, its reminder tick at one second. The school is the demo school's
staff (bot/demo/staff.csv) plus --teachers generated teachers who chat and --silent generated
staff who only receive reminders, all linked through their invitation codes before the
chaos starts; the plan has monthly tasks and tasks whose deadline is 7 and 14 days away, and
one already late. The calendar is set (`caitien calendar set`) so that today is the check-in
day, the digest day and a deadline-reminder day, all at the next whole minute at least
35 s into the chaos: the monthly check-in, the deadline countdown, the board's digest (with
its chart) and the overdue ladder all fall due while the process is being killed.

Each teacher runs /capnhat over and over as a person would, reading each answer before the
next message: pick a task, a status, type what was done (and why it is late), a photo
(40 %) or «Bỏ qua», «Lưu», then think 1–3 s and start again. What a teacher types carries a
tag unique to that /capnhat, so an update saved twice is seen. A teacher who hears nothing
for --patience seconds sends the same thing again (a new message, as a person would); a
teacher ignores the reminders that arrive meanwhile. The teachers stop when the chaos ends.

The chaos, over --seconds: kill -9, the process restarted at once as systemd's
Restart=always would (and one second after it exits on its own, e.g. when the database is
down as it starts); each life is killed --kill-every MIN:MAX seconds (seeded) after its
first getUpdates: counted from the start, a life spent starting (1.5–4 s on two busy cores)
would leave nothing to kill. The database is restarted once, at 35 % of the run while the
process is answering (--restart-db-command, run by the shell: "stop; sleep 5; start" for a
longer absence). From 55 % of the run for --outage seconds, a share of the sendMessage and
sendPhoto calls is answered 429 (retry_after 2, 25 %), 500 (15 %) or 502 (15 %), and in its
middle, for --blackout seconds, every one is answered 502.

Counted at the end, after the settle (no kills, no refusals, up to --settle seconds until
no update is unconfirmed, no reminder is left to send and the chats are quiet):

- messages: every update a teacher sent during the chaos should be handled (a processed
  event in the database) and its answer (the replies stored with the event) delivered; an
  answer delivered more than once is a duplicate, an answer never delivered is lost
  (counted per chat by text: a loss and a duplicate of the same words in one chat would
  cancel out, so the log's "was not delivered" and "redelivered" lines are counted too);
- updates: per teacher, the answers «✅ Đã lưu» given against the task_updates rows saved
  (fewer rows: lost; more, or two rows with one tag: applied twice);
- reminders: every outbox row against the messages with its text in its chat: sent once,
  never, or more than once; and the rows against `caitien reminders preview` for the day.

Target: nothing lost, nothing applied twice, at most one duplicate message a kill (the one on
the wire when the process died: docs/reminders-and-reports.md, "Reminders"). The exit status is 1 when it is
missed; the working folder (the app's log, caitien.log) is then kept.

The database: restarting PostgreSQL breaks everything else that uses the same cluster at the
time, so the bench expects a cluster of its own. On Debian/Ubuntu, as root:

    pg_createcluster 15 chaos --port 5433
    cp /etc/postgresql/15/main/pg_hba.conf /etc/postgresql/15/chaos/  # trust on 127.0.0.1
    pg_ctlcluster --skip-systemctl-redirect 15 chaos start

The database in the URL is created when missing, and emptied. The restart command defaults
to restarting the cluster `pg_lsclusters` lists on the URL's port, except on 5432 (where the
test suites run), for which it must be given; "" skips the restart. Usage:

    python bench/chaos.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5433/chaos]
        [--seconds 120] [--teachers 30] [--silent 100] [--kill-every 3:6] [--seed 1]
        [--restart-db-command "pg_ctlcluster --skip-systemctl-redirect 15 chaos restart"]
        [--outage 20] [--blackout 8] [--patience 20] [--settle 240]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.telegram.fakeapi import Limits, LocalBotApi, LocalUser, SentMessage
from core.messages import Button, Reply
from storage.db import make_engine, recreate, session_factory
from storage.models import Account, OutboxMessage, ProcessedEvent, Staff, TaskUpdate
from templates.shaping import joined

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "bot" / "demo"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5433/chaos"
TIMEZONE = "Asia/Ho_Chi_Minh"
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 200  # 50 kB, a JPEG by its first bytes
FIRST_CHAT = 700_000
SAVED = "✅ Đã lưu"
ERROR = "Xin lỗi, tôi gặp trục trặc"
TAG = re.compile(r"\[#(\d+)\.(\d+)\]")
QUIET_END = 5.0  # seconds without a new message: the chats are quiet
# Statuses a teacher reports, and how often: never "done" (a done task is not asked about
# any more, and the teachers would run out of tasks).
PREVIEWED = ("monthly", "deadline", "term_review", "nudge")  # what `reminders preview` lists
STATUSES = (("in_progress", 6), ("late", 3), ("not_started", 1))

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Thị", "Văn", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Hữu")
GIVEN = ("An", "Bình", "Châu", "Dung", "Giang", "Hà", "Hải", "Hương", "Khánh", "Linh",
         "Loan", "Nam", "Nga", "Oanh", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Tuấn")
GROUPS = ("Tổ Toán - Tin", "Tổ Ngữ văn - Sử - Địa")


# --- the school ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    line: int
    name: str
    phone: str
    roles: str
    group: str
    teacher: bool  # chats; otherwise only receives reminders

    @property
    def chat(self) -> int:
        return FIRST_CHAT + self.line


def school_people(teachers: int, silent: int) -> list[Person]:
    """The demo school's staff, then the generated teachers, then the generated staff who
    only receive reminders."""
    with (DEMO / "staff.csv").open(encoding="utf-8") as f:
        demo = list(csv.DictReader(f))
    people = [Person(n, row["Họ và tên"], row["Số điện thoại"], row["Chức vụ"], row["Tổ"],
                     False) for n, row in enumerate(demo)]
    for i in range(teachers + silent):
        name = (f"{FAMILY[i // len(GIVEN) % len(FAMILY)]} "
                f"{MIDDLE[i // (len(GIVEN) * len(FAMILY)) % len(MIDDLE)]} {GIVEN[i % len(GIVEN)]}")
        roles = "GVCN, GVBM" if i % 2 else "GVBM"  # 4 tasks or 2: a choice to make
        people.append(Person(len(people), name, f"0912{i:06d}", roles, GROUPS[i % 2],
                             i < teachers))
    return people


def write_staff(people: list[Person], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Họ và tên", "Số điện thoại", "Chức vụ", "Tổ", "Telegram"])
        for p in people:
            out.writerow([p.name, p.phone, p.roles, p.group, ""])


def school_year_of(day: date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def write_plan(today: date, path: Path) -> None:
    """Monthly tasks (the check-in), tasks due in 7 and 14 days (the deadline countdown,
    today) and one five days late (the overdue ladder, today)."""
    def on(days: int) -> str:
        return f"Trước ngày {today + timedelta(days=days):%d/%m/%Y}"

    rows = [
        ("1.3", "Quản lý kế hoạch, nguồn lực, thông tin và dữ liệu",
         "Cập nhật đầy đủ dữ liệu ngành và hồ sơ điện tử", "PHT, NV Kế toán", "Hàng tháng"),
        ("2.2", "Giáo viên", "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học",
         "TTCM, GVBM", "Hàng tháng"),
        ("3.2", "Đổi mới phương pháp giáo dục",
         "Xây dựng ngân hàng đề kiểm tra theo ma trận", "TTCM, GVBM", on(7)),
        ("3.3", "Tổ chức hoạt động giáo dục và phát triển toàn diện",
         "Tổ chức các hoạt động trải nghiệm theo chủ đề tháng", "TPT Đội, GVCN", "Hàng tháng"),
        ("4.1", "Cơ sở vật chất, thiết bị, học liệu",
         "Kiểm kê và bổ sung thiết bị dạy học tối thiểu", "NV Thiết bị, PHT", on(-5)),
        ("4.3", "Phối hợp với gia đình, cộng đồng",
         "Họp Ban đại diện cha mẹ học sinh giữa học kỳ", "HT, GVCN", on(14)),
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["Trường THCS Hoà Bình (trường giả định)",
                      f"Kế hoạch cải tiến chất lượng giáo dục năm học {school_year_of(today)}"])
        out.writerow(["Tiêu chí", "Tên tiêu chí", "Kết quả cần đạt", "Công việc/giải pháp",
                      "Chủ trì, phối hợp", "Sản phẩm", "Thời gian thực hiện", "Ghi chú"])
        for code, title, task, owners, when in rows:
            out.writerow([code, title, "Đạt Mức 2", task, owners, "Biên bản", when, ""])


# --- the database -------------------------------------------------------------------------

def ensure_database(url: str) -> None:
    """Create the database in the URL when the server does not have it yet."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                {"name": target.database})
            if not found:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def default_restart_command(url: str) -> str:
    """Restart the cluster pg_lsclusters lists on the URL's port; refused for 5432, where
    other people's test suites run."""
    port = make_url(url).port or 5432
    if port == 5432:
        raise SystemExit("the database is on port 5432, which other runs share: give "
                         "--restart-db-command explicitly (or \"\" to skip the restart), or "
                         "use a cluster of its own (see the docstring)")
    listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                            check=True).stdout
    for line in listed.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return f"pg_ctlcluster --skip-systemctl-redirect {version} {name} restart"
    raise SystemExit(f"no PostgreSQL cluster on port {port}: see the docstring to make one")


# --- the Bot API and the application ------------------------------------------------------

@dataclass
class Pushed:
    chat: int
    what: str  # command | text | button | photo
    chaos: bool  # sent during the chaos (the warm-up's links are not counted)


class ChaosApi(LocalBotApi):
    """The local Bot API server, noting who sent each update."""

    def __init__(self) -> None:
        super().__init__(limits=Limits())
        self.pushed: dict[int, Pushed] = {}
        self.chaos = False

    def push_update(self, payload: dict) -> int:
        update_id = super().push_update(payload)
        if "callback_query" in payload:
            chat, what = payload["callback_query"]["from"]["id"], "button"
        else:
            message = payload["message"]
            chat = message["chat"]["id"]
            what = ("photo" if "photo" in message else
                    "command" if message.get("text", "").startswith("/") else "text")
        self.pushed[update_id] = Pushed(chat, what, self.chaos)
        return update_id


class Application:
    """`caitien run` as a service manager keeps it: restarted at once after a kill, and a
    second after it stops on its own."""

    def __init__(self, env: dict[str, str], folder: Path, api: ChaosApi) -> None:
        self.env = {**os.environ, **env}
        self.folder = folder
        self.api = api
        self.log = folder / "caitien.log"
        self.process: subprocess.Popen | None = None
        self.kills = 0
        self.starts = 0
        self.exits: list[int] = []  # exit statuses of the times it stopped on its own
        self.startups: list[float] = []  # seconds from start to its first getUpdates
        self._started_at = 0.0
        self._polls_at_start = 0
        self._timed = 0

    def start(self) -> None:
        self.starts += 1
        self._started_at = time.monotonic()
        self._polls_at_start = len(self.api.calls("getUpdates"))
        with self.log.open("a") as log:
            log.write(f"\n===== start {self.starts} at {time.strftime('%H:%M:%S')} =====\n")
            log.flush()
            self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"],
                                            env=self.env, cwd=self.folder, stdout=log,
                                            stderr=subprocess.STDOUT)

    async def serving(self) -> None:
        """Until this life of the process has asked for updates."""
        while len(self.api.calls("getUpdates")) <= self._polls_at_start:
            await asyncio.sleep(0.05)
        if self.starts > 1 and self._timed != self.starts:  # the first one had no chaos
            self._timed = self.starts
            self.startups.append(time.monotonic() - self._started_at)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1
        self.start()

    def watch(self) -> bool:
        """Restart it when it stopped on its own; True when it did."""
        code = self.process.poll()
        if code is None:
            return False
        self.exits.append(code)
        time.sleep(1.0)
        self.start()
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cli(env: dict[str, str], folder: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args], env={**os.environ, **env},
                          cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"caitien {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- the teachers -------------------------------------------------------------------------

def is_reminder(message: SentMessage) -> bool:
    """A scheduled message (its buttons start the reminder's update or snooze it): a teacher
    in the middle of an update reads it later."""
    return any(b.get("callback_data", "")[:2] in ("r:", "z:")
               for row in message.button_rows() for b in row)


@dataclass
class Teacher:
    number: int
    user: LocalUser
    rng: random.Random
    patience: float
    cycle: int = 0
    photo_sent: bool = False
    sent: int = 0
    resent: int = 0
    saves_seen: int = 0
    waits: list[float] = field(default_factory=list)
    _seen: int = 0
    _sent_at: float = 0.0
    _again: object = None  # the last thing sent, to send again when nothing comes

    def tag(self) -> str:
        return f"[#{self.number}.{self.cycle}]"

    async def run(self, start_after: float, stop_at: float) -> None:
        self._seen = len(self.user.all_replies())
        await asyncio.sleep(start_after)
        self._do(self._new_cycle)
        while time.monotonic() < stop_at:
            answer = await self._answer(stop_at)
            if answer is None:
                if time.monotonic() < stop_at:
                    self.resent += 1
                    self._do(self._again)
                continue
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))  # reading it, typing
            if time.monotonic() >= stop_at:
                break
            self._do(self._next(answer))

    def _do(self, action) -> None:
        self._again = action
        self._sent_at = time.monotonic()
        self.sent += 1
        action()

    async def _answer(self, stop_at: float) -> SentMessage | None:
        """The newest message of the answer to what was sent last (reminders aside); None
        after `patience` seconds of silence."""
        deadline = min(self._sent_at + self.patience, stop_at)
        while time.monotonic() < deadline:
            sent = self.user.all_replies()
            fresh = [m for m in sent[self._seen:] if not is_reminder(m)]
            if fresh:
                self.waits.append(time.monotonic() - self._sent_at)
                await asyncio.sleep(0.3)  # the rest of a turn's messages
                sent = self.user.all_replies()
                fresh = [m for m in sent[self._seen:] if not is_reminder(m)]
                self._seen = len(sent)
                return fresh[-1]
            await asyncio.sleep(0.05)
        return None

    def _new_cycle(self) -> None:
        self.cycle += 1
        self.photo_sent = False
        self.user.send("/capnhat")

    def _next(self, message: SentMessage):
        """What a person does on reading `message`."""
        data = [b["callback_data"] for row in message.button_rows() for b in row]
        heads = {d.partition(":")[0] for d in data}
        said = message.text or ""
        user = self.user
        if "task" in heads:
            choice = self.rng.choice([d for d in data if d.startswith("task:")])
            return lambda: user.press_data(choice, message)
        if "status" in heads:
            status = self.rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
            return lambda: user.press_data(f"status:{status}", message)
        if "ev" in heads:
            if not self.photo_sent and self.rng.random() < 0.4:
                self.photo_sent = True
                return lambda: user.send_photo(PHOTO)
            end = "ev:done" if "ev:done" in data else "ev:skip"
            return lambda: user.press_data(end, message)
        if "confirm" in heads:
            return lambda: user.press_data("confirm:save", message)
        if "again" in data or "fix" in heads:
            self.saves_seen += 1
            return self._new_cycle
        if "đã làm được" in said or "Vì sao" in said:
            typed = f"{self.tag()} Đã dạy thử 2 tiết theo phương pháp mới, tổ đã dự giờ."
            return lambda: user.send(typed)
        return self._new_cycle  # anything else (an old answer again, …): start over


# --- the run ------------------------------------------------------------------------------

@dataclass
class Chaos:
    started: float = 0.0
    ended: float = 0.0
    db_restarts: int = 0
    db_restart_seconds: float = 0.0
    db_restart_error: str = ""
    outage_at: float = 0.0
    reminders_at: str = ""
    planned_by_preview: int = 0
    settle_seconds: float = 0.0
    settled: bool = False


async def link_everyone(api: ChaosApi, people: list[Person], codes: dict[str, str],
                        users: dict[int, LocalUser]) -> None:
    for person in people:
        users[person.line].send(f"/start {codes[person.name]}")
    deadline = time.monotonic() + 180
    while any(not users[p.line].all_replies() for p in people) or api.pending_updates():
        if time.monotonic() > deadline:
            raise SystemExit("the warm-up did not link everyone in 3 minutes")
        await asyncio.sleep(0.2)


def set_calendar(env: dict[str, str], folder: Path, tz: ZoneInfo, lead: float) -> datetime:
    """Everything falls due at the next whole minute at least `lead` seconds away; the quiet
    hours and the rest day are moved out of the way of the run. Returns that moment."""
    now = datetime.now(tz)
    at = (now + timedelta(seconds=lead)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    quiet = at + timedelta(hours=4)
    args = ["calendar", "set", "--send-time", f"{at:%H:%M}", "--digest-time", f"{at:%H:%M}",
            "--alert-time", f"{at:%H:%M}", "--digest-day", f"{at:%a}".lower(),
            "--quiet-hours", f"{quiet:%H}:00-{(quiet + timedelta(hours=1)):%H}:00",
            "--rest-days", f"{at + timedelta(days=3):%a}".lower()]
    if at.day <= 28:
        args += ["--checkin-day", str(at.day)]
    else:
        print(f"(the {at.day}th is no check-in day: no monthly check-in in this run)")
    cli(env, folder, *args)
    return at


def preview_count(env: dict[str, str], folder: Path, at: datetime) -> int:
    """The reminders `caitien reminders preview` says go out at `at` to linked people."""
    out = cli(env, folder, "reminders", "preview", "--from", f"{at:%Y-%m-%d}", "--to",
              f"{at + timedelta(days=1):%Y-%m-%d}", "--json")
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return sum(1 for line in lines
               if line["linked"] and datetime.fromisoformat(line["at"]) == at)


async def chaos_phase(args, api: ChaosApi, app: Application, teachers: list[Teacher],
                      db_command: str, chaos: Chaos) -> None:
    rng = random.Random(args.seed)
    kill_min, kill_max = args.kill_every
    chaos.started = time.monotonic()
    stop_at = chaos.started + args.seconds
    api.chaos = True
    runs = [asyncio.create_task(t.run(rng.uniform(0, 3), stop_at)) for t in teachers]

    async def killer() -> None:
        # Each life serves a while before it dies: counted from its first getUpdates, so a
        # slow start (2–4 s on two busy cores) does not eat the whole life.
        while True:
            await app.serving()
            await asyncio.sleep(rng.uniform(kill_min, kill_max))
            if time.monotonic() >= stop_at:
                return
            app.kill()

    async def watchdog() -> None:
        while time.monotonic() < stop_at:
            await asyncio.to_thread(app.watch)
            await asyncio.sleep(0.5)

    async def database() -> None:
        await asyncio.sleep(args.seconds * 0.35)
        if not db_command:
            return
        await app.serving()  # while it is answering, not while it starts
        began = time.monotonic()
        done = await asyncio.to_thread(subprocess.run, db_command, shell=True,
                                       capture_output=True, text=True)
        chaos.db_restart_seconds = time.monotonic() - began
        if done.returncode != 0:
            chaos.db_restart_error = (done.stderr or done.stdout).strip()
        else:
            chaos.db_restarts += 1

    async def outage() -> None:
        await asyncio.sleep(args.seconds * 0.55)
        chaos.outage_at = time.monotonic() - chaos.started
        for method in ("sendMessage", "sendPhoto"):
            api.fail_for(method, args.outage, 429, "Too Many Requests: retry after 2",
                         rate=0.25, retry_after=2)
            api.fail_for(method, args.outage, 500, "Internal Server Error", rate=0.15)
            api.fail_for(method, args.outage, 502, "Bad Gateway", rate=0.15)
        if args.blackout:
            await asyncio.sleep(max(0.0, (args.outage - args.blackout) / 2))
            for method in ("sendMessage", "sendPhoto"):
                api.fail_for(method, args.blackout, 502, "Bad Gateway")

    helpers = [asyncio.create_task(c()) for c in (killer, watchdog, database, outage)]
    await asyncio.gather(*runs)
    chaos.ended = time.monotonic()
    api.chaos = False
    for task in helpers:
        task.cancel()
    await asyncio.gather(*helpers, return_exceptions=True)


def outbox_state(sessions) -> tuple[int, int]:
    """(rows written, rows still to send)."""
    with sessions() as session:
        return (session.scalar(select(func.count()).select_from(OutboxMessage)),
                session.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_(("pending", "sending")))))


async def settle(args, api: ChaosApi, app: Application, sessions, chaos: Chaos,
                 due: datetime) -> None:
    """No kills, no refusals: wait until every update is confirmed, the reminders are
    written (at least as many as the preview said) and none is left to send, and the chats
    have been quiet a while."""
    began = time.monotonic()
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() - began < args.settle:
        await asyncio.to_thread(app.watch)
        count = api.message_count()
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        try:
            written, left = await asyncio.to_thread(outbox_state, sessions)
        except Exception:  # the database is still coming back
            written, left = 0, -1
        if (not api.pending_updates() and left == 0 and datetime.now(due.tzinfo) > due
                and written >= chaos.planned_by_preview
                and time.monotonic() - last_change > QUIET_END):
            chaos.settled = True
            break
        await asyncio.sleep(0.5)
    chaos.settle_seconds = time.monotonic() - began


# --- counting -----------------------------------------------------------------------------

def answer_texts(replies: list[dict] | None) -> list[str]:
    """The messages an event's stored replies go out as (consecutive texts joined); an entry
    that is no reply (no text) is skipped."""
    rebuilt = [Reply(r["text"], [[Button(label, value) for label, value in row]
                                 for row in r.get("buttons", [])],
                     ask_contact=r.get("ask_contact"),
                     remove_keyboard=r.get("remove_keyboard", False))
               for r in replies or [] if "text" in r]
    return [r.text for r in joined(rebuilt)]


def count(api: ChaosApi, sessions, people: list[Person], teachers: list[Teacher],
          snapshot: dict[int, int]) -> dict:
    with sessions() as session:
        events = dict(session.execute(select(ProcessedEvent.event_id, ProcessedEvent.replies)
                                      .where(ProcessedEvent.channel == "telegram")).all())
        # Replies a turn handed to the outbox (the channel refusing them) are answers: they
        # are counted with the messages, not as reminders.
        rows = session.execute(select(OutboxMessage.id, OutboxMessage.kind,
                                      OutboxMessage.chat_id, OutboxMessage.status,
                                      OutboxMessage.body)
                               .where(OutboxMessage.kind != "reply")).all()
        staff_of_chat = {int(chat): staff for chat, staff in session.execute(
            select(Account.chat_id, Account.staff_id).where(Account.channel == "telegram"))}
        updates = session.execute(select(TaskUpdate.author_id, TaskUpdate.done_text,
                                         TaskUpdate.reason)).all()
        names = dict(session.execute(select(Staff.id, Staff.name)).all())
    bot_id = api.bot_id
    chats = {p.chat for p in people}
    after = {chat: api.sent_to(chat)[snapshot.get(chat, 0):] for chat in chats}

    # Reminders: each outbox row against the messages with its text in its chat.
    reminder_messages: dict[int, set] = {}  # chat → (kind, text) of the reminders it got
    delivered_rows = Counter()
    for row_id, kind, chat, status, body in rows:
        text_of = (body or {}).get("text", "")
        chat = int(chat)
        if "photo" in (body or {}):
            got = [m for m in after.get(chat, []) if m.kind == "photo"
                   and (m.text or "") == text_of[:1024]]
        else:
            got = [m for m in after.get(chat, []) if m.kind == "text" and m.text == text_of]
        reminder_messages.setdefault(chat, set()).update((m.kind, m.text) for m in got)
        delivered_rows[row_id] = len(got)
    planned = [r for r in rows if r.status != "dropped"]
    # A row and another of the same text in one chat would be counted for both: none here,
    # but say so if it happens.
    same_text = sum(n - 1 for n in Counter((r.chat_id, (r.body or {}).get("text"))
                                           for r in planned).values() if n > 1)

    # Answers: per chat, the stored answers of the events handled against what arrived.
    received = handled = 0
    expected: dict[int, Counter] = {}
    saved_answers: Counter = Counter()  # staff id → answers "✅ Đã lưu"
    for update_id, pushed in api.pushed.items():
        if not pushed.chaos:
            continue
        received += 1
        event = f"{bot_id}:{update_id}"
        if event not in events:
            continue
        handled += 1
        texts = answer_texts(events[event])
        expected.setdefault(pushed.chat, Counter()).update(texts)
        if any(t.startswith(SAVED) for t in texts):
            saved_answers[staff_of_chat.get(pushed.chat)] += 1
    lost = duplicated = unexpected = errors = 0
    for chat in chats:
        reminders = reminder_messages.get(chat, set())
        arrived = Counter(m.text or "" for m in after[chat]
                          if (m.kind, m.text) not in reminders)
        wanted = expected.get(chat, Counter())
        for said, n in (arrived | wanted).items():
            if said.startswith(ERROR):
                errors += arrived[said]
            elif wanted[said] == 0:
                unexpected += arrived[said]
            else:
                lost += max(0, wanted[said] - arrived[said])
                duplicated += max(0, arrived[said] - wanted[said])

    # Updates: "✅ Đã lưu" answers against rows, per teacher; and tags saved twice.
    rows_by_author = Counter(author for author, _, _ in updates)
    authors = set(rows_by_author) | set(saved_answers)
    updates_lost = sum(max(0, saved_answers[a] - rows_by_author[a]) for a in authors)
    extra_rows = sum(max(0, rows_by_author[a] - saved_answers[a]) for a in authors)
    tags = Counter()
    for _, done_text, reason in updates:
        found = TAG.search(done_text or "") or TAG.search(reason or "")
        if found:
            tags[found.group(0)] += 1
    twice = sum(n - 1 for n in tags.values() if n > 1)
    reminder_kinds = Counter(r.kind for r in planned)
    waits = sorted(w for t in teachers for w in t.waits)
    return {
        "received": received, "handled": handled, "not handled": received - handled,
        "answers expected": sum(sum(c.values()) for c in expected.values()),
        "answers lost": lost, "answers duplicated": duplicated,
        "answers unexpected": unexpected, "error answers": errors,
        "saved answers": sum(saved_answers.values()), "rows": len(updates),
        "updates lost": updates_lost, "applied twice": max(extra_rows, twice),
        "tags twice": twice, "rows without answer": extra_rows,
        "planned": len(planned), "kinds": dict(sorted(reminder_kinds.items())),
        "previewed written": sum(n for kind, n in reminder_kinds.items() if kind in PREVIEWED),
        "statuses": dict(Counter(r.status for r in rows)),
        "dropped": len(rows) - len(planned),
        "reminders once": sum(1 for r in planned if delivered_rows[r.id] == 1),
        "reminders never": sum(1 for r in planned if delivered_rows[r.id] == 0),
        "reminders twice": sum(1 for r in planned if delivered_rows[r.id] > 1),
        "reminder duplicates": sum(delivered_rows[r.id] - 1 for r in planned
                                   if delivered_rows[r.id] > 1),
        "same text rows": same_text,
        "sent": sum(t.sent for t in teachers), "resent": sum(t.resent for t in teachers),
        "saves seen": sum(t.saves_seen for t in teachers),
        "waits": waits, "names": names,
    }


def log_counts(log: Path) -> dict[str, int]:
    """What the application said about the chaos, from its log."""
    said = log.read_text(errors="replace") if log.exists() else ""
    patterns = {
        "replies not delivered (gave up)": r"was not delivered",
        "429s waited out": r"429 for a chat",
        "turns retried (database away)": r"turn retried in",
        "turns not handled (fetched again)": r"not handled: the database",
        "redelivered updates (answered again)": r"redelivered event",
        "reminders re-sent after a takeover": r"reminders a stopped process had claimed",
        "turns failed (error answer)": r"turn for event \S+ failed",
        "tracebacks": r"Traceback \(most recent call last\)",
    }
    return {label: len(re.findall(pattern, said)) for label, pattern in patterns.items()}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]


def report(args, api: ChaosApi, app: Application, chaos: Chaos, figures: dict,
           logged: dict[str, int]) -> bool:
    duplicates = figures["answers duplicated"] + figures["reminder duplicates"]
    unwritten = max(0, chaos.planned_by_preview - figures["previewed written"])
    lost = (figures["not handled"] + figures["answers lost"] + figures["updates lost"]
            + figures["reminders never"] + unwritten)
    twice = figures["applied twice"]
    met = (lost == 0 and twice == 0 and duplicates <= app.kills and chaos.settled
           and figures["answers unexpected"] + figures["error answers"] == 0)
    waits = figures["waits"]
    refused = {status: api.refused(status) for status in (429, 500, 502)}
    lines = [
        ("chaos", f"{chaos.ended - chaos.started:.0f} s, {args.teachers} teachers chatting, "
                  f"{args.teachers + args.silent + 8} people linked; settle "
                  f"{chaos.settle_seconds:.0f} s{'' if chaos.settled else ' (NOT settled)'}"),
        ("kill -9", f"{app.kills} (each life {args.kill_every[0]:g}–{args.kill_every[1]:g} s "
                    f"after its first getUpdates); {len(app.exits)} exits on its own "
                    f"{sorted(set(app.exits))}; {app.starts} starts, each ready after "
                    f"p50 {percentile(sorted(app.startups), 0.5):.1f} s"),
        ("database restarts", f"{chaos.db_restarts} ({chaos.db_restart_seconds:.1f} s)"
                              + (f" FAILED: {chaos.db_restart_error}"
                                 if chaos.db_restart_error else "")),
        ("Bot API refusals", f"{refused[429]} × 429, {refused[500]} × 500, {refused[502]} × "
                             f"502 from {chaos.outage_at:.0f} s for {args.outage:g} s "
                             f"({args.blackout:g} s all 502); {api.state.limited} × 429 for "
                             f"its limits"),
        ("reminders due at", chaos.reminders_at),
        ("", ""),
        ("messages received", figures["received"]),
        ("  handled (a processed event)", figures["handled"]),
        ("  never handled (lost)", figures["not handled"]),
        ("answers expected (messages)", figures["answers expected"]),
        ("  lost (never delivered)", figures["answers lost"]),
        ("  delivered twice or more", figures["answers duplicated"]),
        ("  unexpected / error answers", f"{figures['answers unexpected']} / "
                                         f"{figures['error answers']}"),
        ("updates confirmed («✅ Đã lưu»)", figures["saved answers"]),
        ("task_updates rows saved", figures["rows"]),
        ("  lost", figures["updates lost"]),
        ("  applied twice", f"{twice} (rows sharing a tag: {figures['tags twice']})"),
        ("reminders planned (outbox)", f"{figures['planned']} {figures['kinds']}; "
                                       f"dropped {figures['dropped']}"),
        ("  against the preview", f"{figures['previewed written']} check-ins and deadlines "
                                  f"written of {chaos.planned_by_preview} previewed "
                                  f"({unwritten} missing)"),
        ("  sent exactly once", figures["reminders once"]),
        ("  never sent", figures["reminders never"]),
        ("  sent twice or more", f"{figures['reminders twice']} rows, "
                                 f"{figures['reminder duplicates']} extra messages"),
        ("  outbox statuses", figures["statuses"]),
        ("", ""),
        ("teachers' messages", f"{figures['sent']} ({figures['resent']} sent again after "
                               f"{args.patience:g} s of silence); {figures['saves seen']} "
                               f"saves seen"),
        ("wait for an answer", f"p50 {percentile(waits, 0.5):.2f} s, p95 "
                               f"{percentile(waits, 0.95):.2f} s, max "
                               f"{max(waits, default=0):.1f} s"),
    ]
    lines += [(f"log: {label}", n) for label, n in logged.items()]
    lines += [("", ""), ("duplicates (answers + reminders)", f"{duplicates} for {app.kills} "
                                                               "kills"),
              ("target", f"{'MET' if met else 'MISSED'}: 0 lost ({lost}), 0 applied twice "
                         f"({twice}), duplicates ≤ kills ({duplicates} ≤ {app.kills})")]
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"{label:<{width}}  {value}" if label else "", flush=True)
    return met


async def main_async(args) -> int:
    url = args.database_url
    db_command = (args.restart_db_command if args.restart_db_command is not None
                  else default_restart_command(url))
    ensure_database(url)
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    folder = Path(tempfile.mkdtemp(prefix="caitien-chaos-"))
    tz = ZoneInfo(TIMEZONE)
    today = datetime.now(tz).date()
    people = school_people(args.teachers, args.silent)
    write_staff(people, folder / "staff.csv")
    write_plan(today, folder / "plan.csv")
    rng = random.Random(args.seed)
    api = ChaosApi()
    api.state.rng.seed(args.seed)
    met = False
    app = None
    with api:
        env = {"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": api.token,
               "TELEGRAM_API_BASE_URL": api.base_url, "ZALO_BOT_TOKEN": "",
               "TELEGRAM_BOT_USERNAME": api.username, "CAITIEN_TIMEZONE": TIMEZONE,
               "CAITIEN_EVIDENCE_DIR": str(folder / "evidence"),
               "CAITIEN_REMINDER_TICK_SECONDS": "1"}
        cli(env, folder, "staff", "import", "staff.csv")
        cli(env, folder, "calendar", "set", "--year-start", "08-01", "--year-end", "07-31")
        cli(env, folder, "plan", "import", "plan.csv", "--school-year", school_year_of(today))
        codes = {row["name"]: row["code"]
                 for row in json.loads(cli(env, folder, "invite", "--json"))}
        users = {p.line: api.user(p.chat, p.name.split()[-1]) for p in people}
        app = Application(env, folder, api)
        app.start()
        try:
            print(f"warm-up: linking {len(people)} people ...", flush=True)
            await link_everyone(api, people, codes, users)
            chaos = Chaos()
            due = set_calendar(env, folder, tz, lead=35)
            chaos.reminders_at = f"{due:%H:%M} school time"
            chaos.planned_by_preview = preview_count(env, folder, due)
            snapshot = {p.chat: len(api.sent_to(p.chat)) for p in people}
            teachers = [Teacher(p.line, users[p.line], random.Random(rng.random()),
                                args.patience) for p in people if p.teacher]
            print(f"chaos: {args.seconds:g} s; reminders due at {chaos.reminders_at} ...",
                  flush=True)
            await chaos_phase(args, api, app, teachers, db_command, chaos)
            print("settling ...", flush=True)
            await settle(args, api, app, sessions, chaos, due)
        finally:
            app.stop()
        figures = count(api, sessions, people, teachers, snapshot)
        met = report(args, api, app, chaos, figures, log_counts(app.log))
    engine.dispose()
    if met and not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"working folder kept: {folder} (the application's log: caitien.log)")
    return 0 if met else 1


def quiet_disconnects(record: logging.LogRecord) -> bool:
    """A process killed in the middle of a request leaves the Bot API server reading a body
    that never comes: expected here, not worth a traceback."""
    return not (record.exc_info and record.exc_info[0].__name__ == "ClientDisconnect")


def kill_range(value: str) -> tuple[float, float]:
    low, _, high = value.partition(":")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"a PostgreSQL URL (default {DEFAULT_URL})")
    parser.add_argument("--restart-db-command",
                        help="how to restart that database once (default: pg_ctlcluster "
                             "restart of the cluster on the URL's port; \"\" skips it)")
    parser.add_argument("--seconds", type=float, default=120, help="how long the chaos lasts")
    parser.add_argument("--teachers", type=int, default=30, help="teachers chatting")
    parser.add_argument("--silent", type=int, default=100,
                        help="more staff, linked, who only receive reminders")
    parser.add_argument("--kill-every", type=kill_range, default=(3.0, 6.0),
                        metavar="MIN:MAX",
                        help="seconds each life serves, from its first getUpdates, before "
                             "kill -9 (default 3:6)")
    parser.add_argument("--outage", type=float, default=20,
                        help="seconds of Bot API refusals (429, 500, 502)")
    parser.add_argument("--blackout", type=float, default=8,
                        help="seconds, inside the outage, when every send gets 502")
    parser.add_argument("--patience", type=float, default=20,
                        help="seconds a teacher waits for an answer before sending again")
    parser.add_argument("--settle", type=float, default=240,
                        help="at most this long for everything to settle at the end")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args()
    logging.getLogger("uvicorn.error").addFilter(quiet_disconnects)
    raise SystemExit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
