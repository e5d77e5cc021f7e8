"""The training sandbox over real HTTP: a teacher's /capnhat on Telegram with buttons and a
photo, the same typed on Zalo, the clock fast-forwarded to the month's reminders, the
Monday digest and an overdue alert; and what keeps it safe to leave open: the real
database untouched, the CSRF token, the upload cap, the cap on live sandboxes, reset."""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import build_app
from bot.config import Settings
from bot.web.sandbox import COOKIE, FRESH, IDLE, Sandboxes
from bot.web.sandbox_server import sandbox_app, serving
from storage.db import make_engine, session_factory
from storage.models import Evidence, OutboxMessage, TaskUpdate
from templates.render import Renderer
from tests.bot.serving import free_port, served

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cf00000301010018dd8db00000000049454e44ae426082")
BUTTON = re.compile(r'<button type="submit" class="choice" name="choice" value="([^"]*)">'
                    r'([^<]*)</button>')
BOT_TEXT = re.compile(r'<div class="bot-message">.*?(?:<div class="text">(.*?)</div>|<time>)',
                      re.S)


class Browser:
    """One person's browser on the sandbox: its cookie, and the room as htmx swaps it in."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.page = ""

    @property
    def token(self) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.page).group(1)

    async def start(self) -> httpx.Response:
        self.page = (await self.client.get("/web/sandbox")).text
        started = await self.client.post("/web/sandbox/start", data={"csrf": self.token})
        if started.status_code == 303:
            self.page = (await self.client.get("/web/sandbox")).text
        return started

    async def post(self, path: str, data: dict | None = None, files: dict | None = None,
                   **headers: str) -> httpx.Response:
        """As htmx sends it: the token in a header, the room back to swap in."""
        answer = await self.client.post(f"/web/sandbox/{path}", data=data, files=files,
                                        headers={"HX-Request": "true",
                                                 "X-CSRF-Token": self.token, **headers})
        if answer.status_code == 200:
            self.page = answer.text
        return answer

    async def say(self, text: str) -> str:
        await self.post("say", {"text": text})
        return self.last

    async def press(self, data: str) -> str:
        assert data in dict(self.buttons()), (data, self.buttons())
        await self.post("press", {"choice": data})
        return self.last

    async def press_first(self, prefix: str) -> str:
        return await self.press(next(d for d, _ in self.buttons() if d.startswith(prefix)))

    async def upload(self, name: str, data: bytes, mime: str = "image/png") -> str:
        await self.post("upload", files={"file": (name, data, mime)})
        return self.last

    async def play(self, persona: str | None = None, mode: str | None = None) -> None:
        await self.post("persona", {k: v for k, v in (("persona", persona), ("mode", mode))
                                    if v})

    async def forward(self, step: str) -> None:
        assert (await self.post("forward", {"step": step})).status_code == 200

    def buttons(self) -> list[tuple[str, str]]:
        return [(html.unescape(d), html.unescape(label))
                for d, label in BUTTON.findall(self.page)]

    @property
    def messages(self) -> list[str]:
        return [html.unescape(t or "") for t in BOT_TEXT.findall(self.page)]

    @property
    def last(self) -> str:
        return self.messages[-1] if self.messages else ""

    @property
    def sandbox_id(self) -> str:
        return self.client.cookies[COOKIE]


# --- `caitien serve`: the sandbox beside the real school ---------------------------------

@pytest.fixture
def sandbox_tmp(tmp_path, monkeypatch) -> Path:
    """Where the server's sandboxes make their folder (with the first sandbox)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
async def console(env, clock, school, sandbox_tmp):
    app = build_app(Settings.from_env({**env, "CAITIEN_REMINDERS": "off"}), clock=clock)
    async with served(app) as base:
        yield base
    app.db.dispose()


@pytest.fixture
async def browser(console):
    # A browser waits for a page as long as it takes; httpx's 5 s is for machines talking.
    # (A month fast-forwarded on a loaded machine took longer.)
    async with httpx.AsyncClient(base_url=console, timeout=60) as client:
        person = Browser(client)
        assert (await person.start()).status_code == 303
        yield person


def sandbox_counts(sandbox_tmp: Path) -> tuple[int, int]:
    """(task updates, evidence files) in the one sandbox database there is."""
    (path,) = sandbox_tmp.glob("caitien-sandbox-*/*/school.sqlite3")
    engine = make_engine(f"sqlite:///{path}")
    try:
        with session_factory(engine)() as session:
            return (session.scalar(select(func.count()).select_from(TaskUpdate)),
                    session.scalar(select(func.count()).select_from(Evidence)))
    finally:
        engine.dispose()


async def reach_evidence(person: Browser) -> None:
    """The teacher's /capnhat as far as the evidence step, by the buttons."""
    assert "nhiệm vụ nào" in await person.say("/capnhat")
    await person.press_first("task:")
    assert "Đang thực hiện" in [label for _, label in person.buttons()]
    assert "làm được những gì" in await person.press("status:in_progress")
    await person.say("Đã tổ chức 2 buổi sinh hoạt chuyên môn theo nghiên cứu bài học.")
    assert "ev:skip" in dict(person.buttons())


async def test_a_teacher_updates_on_telegram_and_the_real_school_is_untouched(
        browser, sessions, sandbox_tmp, env):
    page = browser.page
    assert 'id="transcript"' in page and 'id="composer"' in page and 'id="fast-forward"' in page
    assert "Phạm Quốc Bảo" in page and "22/10/2026" in page
    await reach_evidence(browser)
    assert "Đã nhận 1 tệp" in await browser.upload("lop-hoc.png", PNG)
    photo = re.search(r'<div class="my-message">\s*<img src="(/web/sandbox/files/\d+)"',
                      browser.page).group(1)
    shown = await browser.client.get(photo)
    assert shown.content == PNG and shown.headers["content-type"] == "image/png"
    await browser.press("ev:done")
    assert "confirm:save" in dict(browser.buttons())
    assert "Đã lưu cập nhật" in await browser.press("confirm:save")
    assert "kèm 1 tệp minh chứng" in browser.last
    assert "ev:done" not in dict(browser.buttons())  # pressed buttons come off their message

    assert sandbox_counts(sandbox_tmp) == (1, 1)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskUpdate)) == 0
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert not Path(env["CAITIEN_EVIDENCE_DIR"]).exists()


async def test_zalo_has_no_buttons_and_works_typed(browser, sandbox_tmp):
    await browser.play(mode="zalo")
    assert 'id="upload"' not in browser.page
    assert "1. [" in await browser.say("/capnhat") and not browser.buttons()
    status = await browser.say("1")
    assert "gõ 1–4" in status and not browser.buttons()
    number = re.search(r"^(\d+)\. Hoàn thành", status, re.M).group(1)
    assert "đã làm được gì" in await browser.say(number)
    evidence = await browser.say("Đã tổ chức sinh hoạt chuyên môn.")
    await browser.say(re.search(r"^(\d+)\. Bỏ qua", evidence, re.M).group(1))
    saved = await browser.say(re.search(r"^(\d+)\. 💾 Lưu", browser.last, re.M).group(1))
    assert "Đã lưu cập nhật" in saved and not browser.buttons()
    assert sandbox_counts(sandbox_tmp) == (1, 0)

    await browser.play(mode="telegram")  # another app: its own chat
    assert "Đã lưu" not in browser.page and 'id="upload"' in browser.page


async def test_fast_forward_brings_the_digest_the_reminders_and_an_overdue_alert(browser):
    await browser.forward("monday")
    assert "thứ Hai, 07:00 26/10/2026" in browser.page
    assert not browser.messages  # the teacher's check-in comes at 08:00
    await browser.play("ht")
    assert "Tuần này ở" in browser.page
    chart = re.search(r'<div class="bot-message">\s*<img src="(/web/sandbox/files/\d+)"',
                      browser.page).group(1)
    answer = await browser.client.get(chart)
    assert answer.headers["content-type"] == "image/png"

    await browser.forward("day")
    await browser.play("gv")
    assert "Cập nhật kế hoạch cải tiến — tháng 10/2026" in browser.page
    assert any(d.startswith("r:") for d, _ in browser.buttons())  # "Cập nhật ngay"

    await browser.forward("month")
    await browser.play("gs")
    assert "Nhiệm vụ quá hạn cần thầy/cô đôn đốc" in browser.page and "[1.1]" in browser.page


async def test_the_principals_report_is_a_download(browser):
    await browser.play("ht")
    await browser.say("/baocao")
    await browser.press("rp:hk1")
    link = re.search(r'<a class="document" href="(/web/sandbox/files/\d+)" download>📄 ([^<]+)',
                     browser.page)
    assert link.group(2).endswith(".docx")
    report = await browser.client.get(link.group(1))
    assert report.status_code == 200 and report.content.startswith(b"PK")
    assert report.headers["content-disposition"].startswith("attachment")
    assert (await browser.client.get("/web/sandbox/files/999")).status_code == 404


async def test_posts_without_the_token_are_refused(browser, console):
    for path, data in (("say", {"text": "/capnhat"}), ("forward", {"step": "month"}),
                       ("reset", {}), ("start", {})):
        plain = await browser.client.post(f"/web/sandbox/{path}", data=data)
        assert plain.status_code == 403, path
        forged = await browser.client.post(f"/web/sandbox/{path}", data={**data,
                                                                          "csrf": "x" * 43})
        assert forged.status_code == 403, path
    async with httpx.AsyncClient(base_url=console) as other:  # someone else's token
        cookie = (await other.get("/web/sandbox")).headers["set-cookie"]
        assert all(part in cookie for part in ("HttpOnly", "SameSite=lax", "Path=/web/sandbox"))
        stranger = Browser(other)
        await stranger.start()
        stolen = await other.post("/web/sandbox/say", data={"text": "hi", "csrf": browser.token})
        assert stolen.status_code == 403
    assert 'class="my-message' not in (await browser.client.get("/web/sandbox")).text


async def test_a_file_over_5_mb_is_refused_in_the_engines_words(browser, sandbox_tmp):
    await reach_evidence(browser)
    big = b"\xff\xd8\xff" + b"0" * (6 * 2**20)
    refused = await browser.upload("to.jpg", big, "image/jpeg")
    assert "Tệp quá lớn (tối đa 5 MB)" in refused
    just_over = await browser.upload("hoi-to.jpg", b"0" * (5 * 2**20 + 1), "image/jpeg")
    assert "Tệp quá lớn (tối đa 5 MB)" in just_over
    unsigned = await browser.client.post("/web/sandbox/upload",
                                         files={"file": ("to.jpg", big, "image/jpeg")})
    assert unsigned.status_code == 403
    assert sandbox_counts(sandbox_tmp) == (0, 0)


# --- `caitien demo --web`: the sandbox alone ---------------------------------------------

def outbox(sandbox) -> int:
    with sandbox.app.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage))


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def alone(tmp_path, monkeypatch):
    """The sandbox served alone, two at most, on a clock the test moves."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ticks = Ticks()
    sandboxes = Sandboxes(Renderer(), live=2, clock=ticks, per_address=3)
    async with serving(sandbox_app(sandboxes)) as server:
        clients = [httpx.AsyncClient(base_url=server.url.removesuffix("/web/sandbox"))
                   for _ in range(3)]
        yield sandboxes, ticks, [Browser(c) for c in clients]
        for client in clients:
            await client.aclose()
    assert not list(tmp_path.glob("caitien-sandbox-*"))  # the server's end deletes them all


async def test_live_sandboxes_are_capped_and_idle_ones_dropped(alone, tmp_path):
    sandboxes, ticks, (first, second, third) = alone
    assert (await first.start()).status_code == 303
    ticks.now += 30
    assert (await second.start()).status_code == 303
    full = await third.start()
    assert full.status_code == 503 and "nhiều người" in full.text
    first_folder = sandboxes.find(first.sandbox_id).root
    ticks.now += FRESH
    await second.say("/nhiemvu")  # in use: it stays
    assert (await third.start()).status_code == 303  # the first, idle longest, gave way
    assert not first_folder.exists()
    assert 'id="start"' in (await first.client.get("/web/sandbox")).text
    assert "/nhiemvu" in (await second.client.get("/web/sandbox")).text

    ticks.now += IDLE + 1
    assert sandboxes.find(second.sandbox_id) is None
    assert len(list(tmp_path.glob("caitien-sandbox-*/*"))) == 0


async def test_reset_gives_a_fresh_school(alone):
    sandboxes, _ticks, (person, *_) = alone
    await person.start()
    await reach_evidence(person)
    await person.forward("week")
    old = sandboxes.find(person.sandbox_id)
    assert outbox(old)
    answer = await person.client.post("/web/sandbox/reset", data={"csrf": person.token})
    assert answer.status_code == 303
    person.page = (await person.client.get("/web/sandbox")).text
    fresh = sandboxes.find(person.sandbox_id)
    assert fresh is not old and not old.root.exists()
    assert "thứ Năm, 09:00 22/10/2026" in person.page and not person.messages
    assert "ev:skip" not in dict(person.buttons()) and not outbox(fresh)
    assert "đang cập nhật" not in (await person.say("/nhiemvu")).lower()


async def test_the_demo_command_serves_the_sandbox_without_a_token(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_URL"))}
    env["TMPDIR"] = str(tmp_path)
    with subprocess.Popen([sys.executable, "-m", "bot", "demo", "--web", "--port", str(port)],
                          cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            said = await asyncio.to_thread(process.stdout.readline)
            said += await asyncio.to_thread(process.stdout.readline)
            assert f"http://127.0.0.1:{port}/web/sandbox" in said
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                person = Browser(client)
                assert (await person.start()).status_code == 303
                assert "Phòng tập" in person.page
                headers = (await client.get("/web/sandbox")).headers
                assert "script-src 'self'" in headers["content-security-policy"]
        finally:
            process.send_signal(signal.SIGINT)
            assert await asyncio.to_thread(process.wait, 30) == 0
    assert not list(tmp_path.glob("caitien-sandbox-*"))
    assert [p.name for p in tmp_path.iterdir()] == []


async def test_a_flood_of_opens_is_refused_and_cannot_hold_every_sandbox(tmp_path,
                                                                       monkeypatch):
    """Opening (or resetting) is limited per address; one address holds at most its share
    of the sandboxes (its own oldest gives way); a trainee elsewhere gets in, and everyone
    once a minute has passed."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ticks = Ticks()
    sandboxes = Sandboxes(Renderer(), live=30, clock=ticks, per_address=2)
    try:
        opened = [await sandboxes.open(f"{n:032d}", "203.0.113.9") for n in range(12)]
        assert [o for o in opened if isinstance(o, str)] == ["limited", "limited"]
        assert len(sandboxes._boxes) == 2  # its own older ones gave way
        assert not isinstance(await sandboxes.open("t" * 32, "198.51.100.4"), str)
        for n in range(9):  # the whole process: twenty a minute
            assert not isinstance(await sandboxes.open(f"x{n:031d}", f"192.0.2.{n}"), str)
        assert await sandboxes.open("late" + "0" * 28, "192.0.2.99") == "limited"
        ticks.now += 61
        assert not isinstance(await sandboxes.open("late" + "0" * 28, "192.0.2.99"), str)
    finally:
        sandboxes.close()
