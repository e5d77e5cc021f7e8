"""`caitien demo`: the real application against local fakes of the Telegram Bot API and the
Zalo Bot API, with a throwaway database, the bundled example school and a few scripted
staff members: by default a teacher on Telegram beside one on Zalo; `--channel zalo` puts
everyone on Zalo, the principal's report arriving as download links. `--web` serves the
training sandbox (bot/web/sandbox.py) to a browser instead, on this machine only."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import tempfile
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import AsyncIterator

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from bot.app import App, build_app
from bot.config import Settings
from bot.demo.people import Person
from bot.demo.school import CODE, DATA, set_up_school
from bot.downloads import PATH as FILES_PATH
from bot.telegram.fakeapi import LocalBotApi
from bot.telegram.polling import running_bot
from bot.web.sandbox import Sandboxes
from bot.web.sandbox_server import sandbox_app, serving
from bot.zalo.connection import links_of
from bot.zalo.fakeapi import FakeZaloApi
from bot.zalo.polling import running_zalo
from core.phones import normalize_phone
from reminders.preview import preview
from storage.db import writing
from storage.linking import issue_invites
from storage.schools import pick_school
from templates.render import Renderer

SCRIPTS = {"both": "script.json", "zalo": "script_zalo.json"}
DAYS_AHEAD = 30
# A 1×1 PNG: the evidence photo the scripted teacher sends.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def run_demo(channel: str = "both") -> int:
    return asyncio.run(_demo(channel))


def run_web_demo(port: int) -> int:
    """The training sandbox on 127.0.0.1:`port`, until Ctrl-C."""
    try:
        asyncio.run(_web_demo(port))
    except KeyboardInterrupt:  # uvicorn stops on Ctrl-C, then passes it on
        pass
    return 0


async def _web_demo(port: int) -> None:
    renderer = Renderer()
    async with serving(sandbox_app(Sandboxes(renderer)), port) as served:
        print(renderer.text("cli/demo_web.j2", url=served.url), flush=True)
        await served.wait()


async def _demo(channel: str) -> int:
    script = json.loads((DATA / SCRIPTS[channel]).read_text(encoding="utf-8"))
    with (tempfile.TemporaryDirectory(prefix="caitien-demo-") as tmp, LocalBotApi() as api,
          FakeZaloApi() as zalo, socket.socket() as files_socket):
        files_socket.bind(("127.0.0.1", 0))
        settings = Settings.from_env({
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "ZALO_BOT_TOKEN": zalo.token,
            "ZALO_API_BASE_URL": zalo.base_url,
            "CAITIEN_PUBLIC_URL": "http://127.0.0.1:%d" % files_socket.getsockname()[1],
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence",
            "CAITIEN_FETCH_PRIVATE": "on",  # the photos come from the local fake
        })
        app = build_app(settings)
        codes = _set_up_school(app, channel)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(serving_files(app, files_socket))
            await stack.enter_async_context(running_bot(app))
            await stack.enter_async_context(running_zalo(app))
            await _script(script, api, zalo, Transcript(app), codes)
        _show_reminders(app)
        app.db.dispose()
    return 0


@asynccontextmanager
async def serving_files(app: App, sock: socket.socket) -> AsyncIterator[None]:
    """What `caitien serve` does for download links, and nothing else: the demo's Zalo
    principal downloads the report from it."""
    links = links_of(app)
    server = uvicorn.Server(uvicorn.Config(
        Starlette(routes=[Route(FILES_PATH, links.serve, methods=["GET"])]),
        log_level="warning", lifespan="off", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task


def _show_reminders(app: App) -> None:
    """What the reminders will send in the next weeks: `caitien reminders preview`."""
    now = app.clock.now()
    with app.sessions() as session:
        school = pick_school(session, CODE, app.clock)
        found = preview(session, school, now, now + timedelta(days=DAYS_AHEAD))
    print(app.renderer.text("cli/demo_reminders.j2", days=DAYS_AHEAD, preview=found))


def _set_up_school(app: App, channel: str) -> dict[str, str]:
    """What the principal does with the CLI: staff list, plan, invites."""
    with writing(app.sessions) as session:
        school, staff_report, plan_report = set_up_school(session, app.clock)
        codes = {i.staff.phone_norm: i.code for i in issue_invites(session, school, app.clock)}
    print(app.renderer.text("cli/demo_setup.j2", staff=staff_report, plan=plan_report,
                            invites=len(codes), channel=channel))
    return codes


class Transcript:
    def __init__(self, app: App) -> None:
        self.app = app

    def said(self, person: Person, text: str) -> None:
        print(self.app.renderer.text("cli/demo_line.j2", who=person.name, text=text,
                                     bot=False, channel=person.channel))

    async def answer(self, person: Person) -> str:
        reply = await person.reply()
        print(self.app.renderer.text("cli/demo_line.j2", who=None, text=reply.text, bot=True,
                                     buttons=reply.buttons, channel=person.channel))
        return reply.text

    async def downloads(self, text: str) -> int:
        """Open the download links in a reply, as the principal would on her phone; how
        many there were."""
        public = self.app.settings.public_url
        urls = [w for w in text.split() if public and w.startswith(public)]
        async with httpx.AsyncClient() as http:
            for url in urls:
                answer = await http.get(url)
                print(self.app.renderer.text("cli/demo_download.j2", url=url,
                                             status=answer.status_code,
                                             size=len(answer.content)))
        return len(urls)


async def _script(script: dict, api: LocalBotApi, zalo: FakeZaloApi, t: Transcript,
                  codes: dict[str, str]) -> None:
    """Play the script: who sends, presses or shares what, on which channel."""
    people = {key: _person(api, zalo, p) for key, p in script["people"].items()}
    phones = {key: normalize_phone(p["phone"]) for key, p in script["people"].items()}
    for step in script["steps"]:
        person = people[step["who"]]
        if "send" in step:
            text = step["send"].format(invite=codes.get(phones[step["who"]], ""))
            t.said(person, text)
            person.send(text)
        elif "press" in step or "press_label" in step:
            label = step.get("press") or t.app.renderer.label(step["press_label"])
            t.said(person, person.press(label))
        elif step.get("photo"):
            t.said(person, "📷")
            person.send_photo(PHOTO)
        elif step.get("share_contact"):
            t.said(person, "📱")
            person.share_contact()
        if step.get("show"):
            reply = await person.reply()
            print(t.app.renderer.text("cli/demo_progress.j2", text=reply.text))
            continue
        if step.get("download"):
            # Messages close together arrive as one reply (Person.reply folds them), so a
            # step waits for its links, not for a number of messages.
            opened = 0
            while opened < step["download"]:
                opened += await t.downloads(await t.answer(person))
            continue
        await t.answer(person)


def _person(api: LocalBotApi, zalo: FakeZaloApi, p: dict) -> Person:
    if p.get("channel") == "zalo":
        return Person(p["first_name"], "zalo", zalo.user(p["zalo_id"], p["first_name"]))
    return Person(p["first_name"], "telegram", api.user(p["id"], p["first_name"], p["phone"]))
