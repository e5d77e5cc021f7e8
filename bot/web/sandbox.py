"""The training sandbox at /web/sandbox: a web chat with the real engine against a throwaway
copy of the example school (sandbox_world.py). Play a teacher, a group leader (TTCM), the
principal or a member of the monitoring team; chat as on Telegram (buttons, photos) or as
on Zalo (typed only); fast-forward the sandbox's clock to watch the month's reminders, the
Monday digest and the overdue alerts arrive.

It is open without signing in: staff rehearse before they have an account. What makes that
safe: a sandbox holds nothing but the example school, in its own SQLite file in a temporary
folder, never the school's database; and it is bounded. At most LIVE (20) sandboxes per
process, and half of them for one client address (a training room behind one address
still fits; one flooder does not fill them all): the one idle longest gives way, and when
every one was used in the last FRESH (a minute) a new one is refused with 503. Opening or
resetting one is limited to OPENS_PER_ADDRESS (10) a minute for an address and OPENS (20)
a minute in all (429), and the sandboxes' work runs one piece at a time, so they take at
most one core, whoever floods them; once a flood stops, a trainee gets in within a minute. Each is dropped with its folder after IDLE
(30 minutes) unused, looked at on every request. Forms are at most FORM_BYTES, one upload
UPLOAD_BYTES (5 MB), and a sandbox takes UPLOADS_BYTES of files in all and keeps KEPT_BYTES
of them in memory (sandbox_world.py). A browser's sandbox is named by a random id in an
HttpOnly cookie, and every POST carries a token made from that id with a key that lives
only in this process."""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import tempfile
import time
import weakref
from collections import deque
from pathlib import Path
from typing import Any, Awaitable, Callable

import bot.url_ids  # noqa: F401  (the {name:id} path parameter)
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.web.console import Console, address, download
from bot.web.guard import CSRF_FIELD, CSRF_HEADER, csrf_ok, csrf_token
from bot.web.sandbox_world import IMAGES, PERSONAS, STEPS, UPLOAD_BYTES, Sandbox
from templates.render import Renderer

COOKIE = "caitien_sandbox"
BASE = "/web/sandbox"
LIVE = 20
PER_ADDRESS = LIVE // 2
IDLE = 30 * 60.0
FRESH = 60.0
OPENS_PER_ADDRESS, OPENS, OPENS_WINDOW = 10, 20, 60.0
FORM_BYTES = 32 * 1024
UPLOAD_LIMIT = UPLOAD_BYTES + FORM_BYTES  # a file within the limit, and the form around it
SANDBOX_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")
FORWARD = (*STEPS, "monday")


class Sandboxes:
    """The live sandboxes of this process, by the id in their browser's cookie."""

    def __init__(self, renderer: Renderer, templates_dir: Path | None = None,
                 secure: bool = False, live: int = LIVE, idle: float = IDLE,
                 fresh: float = FRESH, clock: Callable[[], float] = time.monotonic,
                 per_address: int = PER_ADDRESS) -> None:
        self.renderer = renderer
        self.templates_dir = templates_dir  # a school's own wording, as the bot's
        self.secure = secure  # the cookie only over HTTPS
        self.live, self.idle, self.fresh = live, idle, fresh
        self.per_address = per_address
        self.clock = clock
        self._key = secrets.token_bytes(32)
        self._boxes: dict[str, Sandbox] = {}
        self._owners: dict[str, str] = {}  # sandbox id → the address that opened it
        self._opened: deque[tuple[float, str]] = deque()  # recent opens: (when, address)
        self._opening = asyncio.Lock()
        self.work = asyncio.Semaphore(1)  # the sandboxes' work, one piece at a time
        self._root: Path | None = None  # made with the first sandbox
        self._cleanup: weakref.finalize | None = None

    @classmethod
    def of(cls, console: Console) -> Sandboxes:
        """For `caitien serve`: the school's own wording, the cookie as secure as the
        console's."""
        return cls(console.renderer, console.app.settings.templates_dir, console.secure)

    def token(self, sandbox_id: str) -> str:
        return csrf_token(self._key, sandbox_id)

    def token_ok(self, sandbox_id: str, sent: object) -> bool:
        return isinstance(sent, str) and csrf_ok(self._key, sandbox_id, sent)

    def find(self, sandbox_id: str | None) -> Sandbox | None:
        self._sweep()
        box = self._boxes.get(sandbox_id or "")
        if box is not None:
            box.used = self.clock()
        return box

    async def open(self, sandbox_id: str, address: str) -> Sandbox | str:
        """The browser's sandbox, made now when it has none; "busy" when too many are in
        use, "limited" when this address or everyone opened too many lately."""
        async with self._opening:
            box = self.find(sandbox_id)
            if box is not None:
                return box
            if not self._may_open(address):
                return "limited"
            mine = [i for i, owner in self._owners.items() if owner == address]
            if len(mine) >= self.per_address:
                self.drop(min((self._boxes[i] for i in mine), key=lambda b: b.used))
            if len(self._boxes) >= self.live and not self._make_room():
                return "busy"
            self._opened.append((self.clock(), address))
            root = Path(tempfile.mkdtemp(dir=self._folder()))
            try:
                async with self.work:
                    box = await asyncio.to_thread(Sandbox.create, sandbox_id, root,
                                                  self.templates_dir)
            except BaseException:
                shutil.rmtree(root, ignore_errors=True)
                raise
            box.used = self.clock()
            self._boxes[sandbox_id] = box
            self._owners[sandbox_id] = address
            return box

    def _may_open(self, address: str) -> bool:
        now = self.clock()
        while self._opened and now - self._opened[0][0] > OPENS_WINDOW:
            self._opened.popleft()
        from_here = sum(1 for _, who in self._opened if who == address)
        return from_here < OPENS_PER_ADDRESS and len(self._opened) < OPENS

    def drop(self, box: Sandbox) -> None:
        if self._boxes.get(box.id) is box:
            del self._boxes[box.id]
            self._owners.pop(box.id, None)
        box.close()

    def close(self) -> None:
        for box in list(self._boxes.values()):
            self.drop(box)
        if self._cleanup is not None:
            self._cleanup()

    def _folder(self) -> Path:
        """The folder of this process's sandboxes: deleted with the registry, or when the
        process ends, whichever comes first."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="caitien-sandbox-"))
            self._cleanup = weakref.finalize(self, shutil.rmtree, self._root, True)
        return self._root

    def _sweep(self) -> None:
        now = self.clock()
        for box in [b for b in self._boxes.values()
                    if now - b.used > self.idle and not b.lock.locked()]:
            self.drop(box)

    def _make_room(self) -> bool:
        oldest = min((b for b in self._boxes.values() if not b.lock.locked()),
                     key=lambda b: b.used, default=None)
        if oldest is None or self.clock() - oldest.used < self.fresh:
            return False
        self.drop(oldest)
        return True


def sandbox_routes(sandboxes: Sandboxes) -> list[Route]:
    renderer = sandboxes.renderer

    def page(template: str, status: int = 200, block: str | None = None,
             **context: Any) -> HTMLResponse:
        html = (renderer.html_block(template, block, viewer=None, **context) if block
                else renderer.html(template, viewer=None, **context))
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def room(request: Request, box: Sandbox) -> Response:
        """The whole page, or only its room for htmx to swap in."""
        return page("web/sandbox.j2", block="room" if _htmx(request) else None, box=box,
                    token=sandboxes.token(box.id), personas=PERSONAS, chat=list(box.chat()),
                    now=box.now(), upload_mb=UPLOAD_BYTES // 2**20)

    def refused(request: Request) -> Response:
        response = page("web/refused.j2", 403)
        if _htmx(request):  # a page from before a restart: load it again
            response.headers["HX-Refresh"] = "true"
        return response

    def to_page(request: Request) -> Response:
        if _htmx(request):
            return Response(headers={"HX-Redirect": BASE})
        return RedirectResponse(BASE, status_code=303)

    async def posted(request: Request, limit: int = FORM_BYTES
                     ) -> tuple[str, FormData] | None:
        """The cookie's sandbox id and the form, when the form carries its token and is no
        bigger than `limit`."""
        sandbox_id, size = _cookie(request), _length(request)
        if sandbox_id is None or size is None or size > limit:
            return None
        form = await request.form(max_files=1 if limit > FORM_BYTES else 0, max_fields=20,
                                  max_part_size=FORM_BYTES)
        sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        return (sandbox_id, form) if sandboxes.token_ok(sandbox_id, sent) else None

    async def acting(request: Request, sandbox_id: str,
                     act: Callable[[Sandbox], Awaitable[None] | None]) -> Response:
        box = sandboxes.find(sandbox_id)
        if box is None:
            return to_page(request)
        async with box.lock, sandboxes.work:
            if sandboxes.find(sandbox_id) is not box:  # reset while this waited
                return to_page(request)
            done = act(box)
            if done is not None:
                await done
        return room(request, box) if _htmx(request) else to_page(request)

    # --- pages -----------------------------------------------------------------------------

    async def show(request: Request) -> Response:
        sandbox_id = _cookie(request)
        box = sandboxes.find(sandbox_id)
        if box is not None:
            return room(request, box)
        sandbox_id = sandbox_id or secrets.token_urlsafe(24)
        response = page("web/sandbox_start.j2", token=sandboxes.token(sandbox_id))
        response.set_cookie(COOKIE, sandbox_id, path=BASE, httponly=True, samesite="lax",
                            secure=sandboxes.secure)
        return response

    async def opened(request: Request, sandbox_id: str) -> Response:
        box = await sandboxes.open(sandbox_id, address(request))
        if isinstance(box, str):
            return page("web/sandbox_full.j2", 429 if box == "limited" else 503,
                        limited=box == "limited")
        return RedirectResponse(BASE, status_code=303)

    async def start(request: Request) -> Response:
        got = await posted(request)
        if got is None:
            return refused(request)
        return await opened(request, got[0])

    async def reset(request: Request) -> Response:
        got = await posted(request)
        if got is None:
            return refused(request)
        box = sandboxes.find(got[0])
        if box is not None:
            async with box.lock:
                sandboxes.drop(box)
        return await opened(request, got[0])

    async def file(request: Request) -> Response:
        box = sandboxes.find(_cookie(request))
        kept = box.files.get(request.path_params["number"]) if box else None
        if kept is None:
            return page("web/not_found.j2", 404)
        if kept.mime in IMAGES:
            return Response(kept.data, media_type=kept.mime,
                            headers={"Cache-Control": "private, no-store"})
        return download(kept.data, kept.name, kept.mime)

    # --- what the person does --------------------------------------------------------------

    async def choose(request: Request) -> Response:
        got = await posted(request)
        if got is None:
            return refused(request)
        sandbox_id, form = got
        return await acting(request, sandbox_id, lambda box: box.choose(
            _text(form, "persona"), _text(form, "mode")))

    async def say(request: Request) -> Response:
        got = await posted(request)
        if got is None:
            return refused(request)
        sandbox_id, form = got
        text = _text(form, "text").strip()
        return await acting(request, sandbox_id, lambda box: box.say(text) if text else None)

    async def press(request: Request) -> Response:
        got = await posted(request)
        if got is None:
            return refused(request)
        sandbox_id, form = got
        return await acting(request, sandbox_id, lambda box: box.press(_text(form, "choice")))

    async def upload(request: Request) -> Response:
        sandbox_id, size = _cookie(request), _length(request)
        if (sandbox_id is not None and size is not None and size > UPLOAD_LIMIT
                and sandboxes.token_ok(sandbox_id, request.headers.get(CSRF_HEADER))):
            # Not read at all: the engine says it is too big, as for a file on Telegram.
            return await acting(request, sandbox_id,
                                lambda box: box.upload(None, None, None, size))
        got = await posted(request, UPLOAD_LIMIT)
        if got is None:
            return refused(request)
        sandbox_id, form = got
        sent = form.get("file")
        if not isinstance(sent, UploadFile) or not sent.filename:
            return await acting(request, sandbox_id, lambda box: None)
        data = await sent.read()
        await form.close()
        return await acting(request, sandbox_id, lambda box: box.upload(
            sent.filename, sent.content_type, data, len(data)))

    async def forward(request: Request) -> Response:
        got = await posted(request)
        if got is None:
            return refused(request)
        sandbox_id, form = got
        step = _text(form, "step")
        return await acting(request, sandbox_id,
                            lambda box: box.fast_forward(step) if step in FORWARD else None)

    return [
        Route(BASE, show),
        Route(BASE + "/start", start, methods=["POST"]),
        Route(BASE + "/reset", reset, methods=["POST"]),
        Route(BASE + "/persona", choose, methods=["POST"]),
        Route(BASE + "/say", say, methods=["POST"]),
        Route(BASE + "/press", press, methods=["POST"]),
        Route(BASE + "/upload", upload, methods=["POST"]),
        Route(BASE + "/forward", forward, methods=["POST"]),
        Route(BASE + "/files/{number:id}", file),
    ]


def _cookie(request: Request) -> str | None:
    value = request.cookies.get(COOKIE, "")
    return value if SANDBOX_ID.match(value) else None


def _length(request: Request) -> int | None:
    """The declared size of the body; None without one (a stream is not read)."""
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
