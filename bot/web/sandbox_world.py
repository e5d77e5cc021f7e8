"""One training sandbox: a throwaway copy of the example school in its own SQLite file, the
real engine and reminders on a clock that moves only when told, four of its staff to play,
and what each of them has seen on each channel. Nothing here reads or writes anything but
the sandbox's own folder."""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import shutil
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.app import App, build_app
from bot.config import Settings
from bot.demo.school import CODE, set_up_school
from core.clock import FixedClock
from core.errors import FileRefused
from core.messages import Attachment, Button, Capabilities, Fetch, Incoming, Reply
from reminders.limits import RateLimiter
from reminders.planner import fixed_items
from reminders.scheduler import ReminderService
from reminders.sender import Delivery
from reminders.state import load_state
from storage.db import writing
from storage.linking import link_by_contact
from storage.models import School
from storage.schools import pick_school, school_calendar

# A Thursday of the example plan's year: a weekend, a Monday digest, the October check-ins
# and the first tasks falling late are all within a month of it.
START = datetime(2026, 10, 22, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
CHANNELS = ("telegram", "zalo")
UPLOAD_BYTES = 5 * 2**20  # one file; the engine refuses bigger ones in its own words
UPLOADS_BYTES = 25 * 2**20  # all the files one sandbox takes, on disk
KEPT_BYTES = 30 * 2**20  # the files its transcripts show, in memory; the oldest go first
TRANSCRIPT = 300  # messages kept in each chat
IMAGES = ("image/jpeg", "image/png", "image/gif", "image/webp")  # shown in the page
STEPS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
# The example school has no monitoring team: in the sandbox this teacher is on it.
MONITOR_ROLE = "Thành viên tổ giám sát"


@dataclass(frozen=True)
class Persona:
    key: str
    phone: str
    user_id: str  # and chat id, on both channels


PERSONAS = (Persona("gv", "0901234504", "7101"), Persona("ttcm", "0901234503", "7102"),
            Persona("ht", "0901234501", "7103"), Persona("gs", "0901234506", "7104"))
BY_USER = {p.user_id: p for p in PERSONAS}


@dataclass
class Entry:
    """One line of a chat: the person's (`mine`) or the bot's; or, with `notice`, the
    sandbox's own word (web/sandbox.j2 says it)."""

    at: datetime  # school time
    mine: bool = False
    text: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    pressed: bool = False  # the person pressed a button labelled `text`
    file: int | None = None  # its number in Sandbox.files
    file_name: str | None = None
    image: bool = False
    notice: str | None = None


@dataclass(frozen=True)
class Kept:
    name: str
    mime: str
    data: bytes


class SandboxTransport:
    """A channel that delivers into the transcripts, at once."""

    def __init__(self, caps: Capabilities, sandbox: Sandbox) -> None:
        self.caps = caps
        self.limiter = RateLimiter(replace(caps, per_second=1e6, chat_interval=0.0))
        self.sandbox = sandbox

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        persona = BY_USER.get(chat_id)
        if persona is None:
            return Delivery("blocked", error="not a persona of the sandbox")
        self.sandbox.received(persona, self.caps.name, reply)
        return Delivery("sent", message_id=str(next(self.sandbox.numbers)))


class Sandbox:
    def __init__(self, sandbox_id: str, root: Path, app: App, names: dict[str, str],
                 tz: ZoneInfo) -> None:
        self.id = sandbox_id
        self.root = root
        self.app = app
        self.names = names  # persona key → their name in the staff list
        self.tz = tz
        self.persona = PERSONAS[0]
        self.channel = CHANNELS[0]
        self.chats: dict[tuple[str, str], deque[Entry]] = {}
        self.files: dict[int, Kept] = {}
        self.uploaded = 0
        self.numbers = itertools.count(1)
        self.lock = asyncio.Lock()
        self.used = 0.0  # when it was last asked for (the registry's clock)
        app.transports.update({c: SandboxTransport(app.engine.caps(c), self) for c in CHANNELS})
        self.reminders = ReminderService(app.sessions, app.renderer, app.clock, app.transports)

    @classmethod
    def create(cls, sandbox_id: str, root: Path, templates_dir: Path | None) -> Sandbox:
        """Blocking (a database built and seeded): run it in a thread."""
        env = {"DATABASE_URL": f"sqlite:///{root / 'school.sqlite3'}",
               "CAITIEN_EVIDENCE_DIR": str(root / "evidence"), "CAITIEN_REMINDERS": "off"}
        if templates_dir is not None:
            env["CAITIEN_TEMPLATES_DIR"] = str(templates_dir)
        app = build_app(Settings.from_env(env), clock=FixedClock(START))
        for channel in CHANNELS:
            app.engine.channels[channel] = replace(app.engine.caps(channel),
                                                   max_file_bytes=UPLOAD_BYTES)
        with writing(app.sessions) as session:
            school, names = _seed(session, app)
            tz = ZoneInfo(school.timezone)
        return cls(sandbox_id, root, app, names, tz)

    def close(self) -> None:
        self.app.db.dispose()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- what the page shows ---------------------------------------------------------------

    def now(self) -> datetime:
        return self.app.clock.now().astimezone(self.tz)

    def chat(self) -> deque[Entry]:
        """The chat of the persona played now, on the channel chosen now."""
        return self._chat(self.persona, self.channel)

    def _chat(self, persona: Persona, channel: str) -> deque[Entry]:
        return self.chats.setdefault((persona.key, channel), deque(maxlen=TRANSCRIPT))

    def choose(self, persona_key: str | None, channel: str | None) -> None:
        self.persona = next((p for p in PERSONAS if p.key == persona_key), self.persona)
        self.channel = channel if channel in CHANNELS else self.channel

    # --- the person ------------------------------------------------------------------------

    async def say(self, text: str) -> None:
        self.chat().append(Entry(self.now(), mine=True, text=text))
        msg = self._incoming()
        if text.startswith("/"):  # as the channel adapters read a command
            head, _, args = text.partition(" ")
            msg.command, msg.args = head[1:].split("@", 1)[0].lower(), args.strip()
        else:
            msg.text = text
        await self._turn(msg)

    async def press(self, data: str) -> None:
        """A button of a message in the chat: it comes off the message, as on Telegram; a
        button the chat does not show is not pressed."""
        for entry in reversed(self.chat()):
            label = next((b.label for row in entry.buttons for b in row if b.data == data),
                         None)
            if label is not None:
                entry.buttons = []
                self.chat().append(Entry(self.now(), mine=True, text=label, pressed=True))
                msg = self._incoming()
                msg.choice = data
                await self._turn(msg)
                return

    async def upload(self, name: str | None, mime: str | None, data: bytes | None,
                     size: int) -> None:
        """A file the person sends; `data` None when it was too big to be read at all."""
        if data is not None:
            if self.uploaded + len(data) > UPLOADS_BYTES:
                self.chat().append(Entry(self.now(), notice="uploads_full"))
                return
            self.uploaded += len(data)
        image = data is not None and mime in IMAGES
        number = self._keep(name or "", mime or "", data) if image else None
        self.chat().append(Entry(self.now(), mine=True, file=number, file_name=name,
                                 image=image))

        async def fetch(_attachment: Attachment) -> bytes:
            if data is None:
                raise FileRefused("too_big")
            return data

        msg = self._incoming()
        msg.attachments = [Attachment("photo" if image else "document",
                                      f"upload-{next(self.numbers)}", name, mime, size)]
        await self._turn(msg, fetch)

    def _incoming(self) -> Incoming:
        user = self.persona.user_id
        return Incoming(channel=self.channel, user_id=user, chat_id=user,
                        event_id=f"sandbox-{next(self.numbers)}")

    async def _turn(self, msg: Incoming, fetch: Fetch | None = None) -> None:
        sending = await self.app.turns.submit(msg, fetch, self.app.transports[msg.channel])
        await sending

    # --- the bot ---------------------------------------------------------------------------

    def received(self, persona: Persona, channel: str, reply: Reply) -> None:
        entry = Entry(self.now(), text=reply.text, buttons=reply.buttons)
        if reply.document is not None:
            name, content = reply.document
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            entry.file, entry.file_name = self._keep(name, mime, content), name
        if reply.photo is not None:
            entry.file, entry.image = self._keep("", "image/png", reply.photo), True
        self._chat(persona, channel).append(entry)

    def _keep(self, name: str, mime: str, data: bytes) -> int:
        number = next(self.numbers)
        self.files[number] = Kept(name, mime, data)
        while sum(len(f.data) for f in self.files.values()) > KEPT_BYTES and len(self.files) > 1:
            del self.files[min(self.files)]
        return number

    # --- the clock -------------------------------------------------------------------------

    async def fast_forward(self, step: str) -> None:
        """On by a day, a week, 30 days, or to the next weekly digest; the reminders run at
        every moment they have something to do on the way, as the real ticks would."""
        moments = await asyncio.to_thread(self._moments, step)
        self.chat().append(Entry(moments[-1].astimezone(self.tz), notice="forwarded"))
        clock = self.app.clock
        for moment in moments:
            clock.advance(seconds=(moment - clock.now()).total_seconds())
            await self.reminders.run_once()

    def _moments(self, step: str) -> list[datetime]:
        now = self.app.clock.now()
        with self.app.sessions() as session:
            school = pick_school(session, CODE, self.app.clock)
            end = now + STEPS[step] if step in STEPS else _next_digest(school, now)
            return scheduled(session, school, now, end)


def scheduled(session: Session, school: School, start: datetime, end: datetime
              ) -> list[datetime]:
    """The moments in (start, end] when the reminders have something to do, and `end`: each
    check-in, review, countdown and digest's own, and every day's hours for what follows from
    answers (follow-ups, the overdue ladder)."""
    found = {end}
    state = load_state(session, school, start)
    if state is not None:
        found.update(i.at.astimezone(timezone.utc) for items in fixed_items(state).values()
                     for i in items)
        cal = state.calendar
        day: date = start.astimezone(state.tz).date()
        while day <= end.astimezone(state.tz).date():
            for at in (cal.digest_time, cal.alert_time, cal.send_time):
                found.add(datetime.combine(day, at, tzinfo=state.tz).astimezone(timezone.utc))
            day += timedelta(days=1)
    return sorted(m for m in found if start < m <= end)


def _next_digest(school: School, now: datetime) -> datetime:
    cal, tz = school_calendar(school), ZoneInfo(school.timezone)
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=(cal.digest_day - local.weekday()) % 7)
    at = datetime.combine(day, cal.digest_time, tzinfo=tz)
    if at <= local:
        at += timedelta(days=7)
    return cal.next_allowed(at).astimezone(timezone.utc)


def _seed(session: Session, app: App) -> tuple[School, dict[str, str]]:
    """The example school, its personas linked on both channels (Telegram last: the channel
    reminders use until they write on Zalo)."""
    school, _, _ = set_up_school(session, app.clock)
    names = {}
    for persona in PERSONAS:
        for channel in reversed(CHANNELS):
            linked = link_by_contact(session, persona.phone, persona.user_id, channel,
                                     persona.user_id, persona.user_id, app.clock)
        (member,) = linked.staff
        if persona.key == "gs":
            member.roles = [*member.roles, MONITOR_ROLE]
        names[persona.key] = member.name
    return school, names
