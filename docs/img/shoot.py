"""Takes the README's two screenshots with the real application and Debian's Chromium:
the training sandbox's chat on a phone (chat.png) and the principal's dashboard in the web
console (console.png), both of the bundled fictional example school.

    PYTHONPATH=. .venv/bin/python docs/img/shoot.py

Needs the test extras (Playwright), `chromium` and `fonts-noto-color-emoji` (without it the
buttons' emoji are empty boxes); writes docs/img/*.png."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import uvicorn
from PIL import Image
from playwright.async_api import async_playwright
from sqlalchemy import select

from bot.app import build_app
from bot.config import Settings
from bot.server import create_server, server_config
from bot.web.sandbox import Sandboxes
from bot.web.sandbox_server import sandbox_app, serving
from core.clock import FixedClock
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from storage.db import writing
from storage.models import Staff, Task, TaskOwner
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.updates import record_update
from storage.web_access import issue_sign_in
from templates.render import Renderer

HERE = Path(__file__).resolve().parent
DEMO = HERE.parents[1] / "bot" / "demo"
CHROMIUM = os.environ.get("CAITIEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Early November of the example plan's year: a few weeks of answers to show.
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)
PRINCIPAL = "0901234501"
# What the example school's people answered by then: (status, what was done), task by task.
ANSWERS = [("done", "Đã hoàn thành, biên bản nộp tổ."),
           ("in_progress", "Đã họp tổ, đang triển khai."),
           ("done", "Đã tổ chức 2 buổi sinh hoạt chuyên môn."),
           ("late", "Chờ kinh phí từ phường."),
           ("in_progress", "Đang thu thập minh chứng.")]
LIMIT = 200_000  # bytes: the README's images stay light


async def chat(browser) -> bytes:
    """A teacher's /capnhat in the sandbox, on a phone-sized screen, up to the summary
    that asks to save it."""
    async with serving(sandbox_app(Sandboxes(Renderer()))) as served:
        page = await browser.new_page(viewport={"width": 390, "height": 800},
                                      device_scale_factor=1)
        await page.goto(served.url)
        await page.click("#start")
        await page.wait_for_selector("#transcript")
        await page.fill("#say", "/capnhat")
        await page.press("#say", "Enter")
        await page.locator(".bot-message", has_text="nhiệm vụ nào").wait_for()
        await page.locator("button.choice").first.click()
        await page.locator("button.choice", has_text="Đang thực hiện").click()
        await page.locator(".bot-message", has_text="làm được những gì").wait_for()
        await page.fill("#say", "Đã tổ chức 2 buổi sinh hoạt chuyên môn.")
        await page.press("#say", "Enter")
        await page.locator("button.choice[value='ev:skip']").click()
        summary = page.locator(".bot-message", has_text="Lưu cập nhật này?")
        await summary.wait_for()
        # The conversation as a phone shows a chat, the whole screen: its box, which
        # scrolls on its own in the page, let grow, and the page scrolled to its end.
        await page.locator("#transcript").evaluate(
            "t => { t.style.maxHeight = 'none'; t.style.height = 'auto'; }")
        await summary.evaluate(
            "m => window.scrollBy(0, m.getBoundingClientRect().bottom - innerHeight + 12)")
        return await page.screenshot()


def example_school(folder: Path):
    """The application on a fresh SQLite database holding the example school, a few of its
    tasks answered; returns it and the principal's sign-in token."""
    settings = Settings.from_env({
        "DATABASE_URL": f"sqlite:///{folder}/shoot.sqlite3",
        "CAITIEN_EVIDENCE_DIR": str(folder / "evidence"),
        "CAITIEN_REMINDERS": "off",
    })
    clock = FixedClock(NOW - timedelta(days=30))
    app = build_app(settings, clock=clock)  # migrates the new database
    with writing(app.sessions) as session:
        school = pick_school(session, "demo", clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(DEMO / "plan.csv"), clock)
    with writing(app.sessions) as session:
        tasks = session.scalars(select(Task).join(TaskOwner).order_by(Task.id)).unique().all()
        for (status, said), task in zip(ANSWERS, tasks[::3]):
            clock.advance(days=5)
            owner = task.owners[0].staff_id
            record_update(session, task, owner, status, said,
                          said if status == "late" else None, [], clock)
        clock.advance(seconds=(NOW - clock.now()).total_seconds())
        principal = session.scalar(select(Staff).where(Staff.phone_norm == PRINCIPAL))
        token = issue_sign_in(session, clock.now(), staff_id=principal.id)
    return app, token


async def console(browser, app, token: str) -> bytes:
    """The principal's dashboard, signed in by the link the bot gives in chat."""
    server = uvicorn.Server(server_config(create_server(app), app.settings,
                                          log_level="warning"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        page = await browser.new_page(viewport={"width": 1200, "height": 800},
                                      device_scale_factor=1)
        await page.goto(f"http://127.0.0.1:{sock.getsockname()[1]}/web/login/{token}")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/web/s/*/")
        await page.wait_for_selector("#progress-chart")
        return await page.screenshot()
    finally:
        server.should_exit = True
        await task
        sock.close()


def small(png: bytes) -> bytes:
    """The screenshot in a palette of 256 colours when it is too heavy as taken."""
    if len(png) < LIMIT:
        return png
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(256).save(out, "PNG", optimize=True)
    return out.getvalue()


async def main() -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                   args=["--no-sandbox"])
        try:
            (HERE / "chat.png").write_bytes(small(await chat(browser)))
            with tempfile.TemporaryDirectory(prefix="caitien-shoot-") as tmp:
                app, token = example_school(Path(tmp))
                try:
                    (HERE / "console.png").write_bytes(small(await console(browser, app,
                                                                           token)))
                finally:
                    app.db.dispose()
        finally:
            await browser.close()
    for name in ("chat.png", "console.png"):
        print(name, (HERE / name).stat().st_size, "bytes")


if __name__ == "__main__":
    asyncio.run(main())
