"""The console's plumbing: who is asking (the session cookie), rendering a page for them,
forms with their CSRF token and size cap, and the sign-in and sign-out pages."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from bot.app import App
from bot.web.guard import COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_ok, csrf_token, sign, unsign
from storage.access import Scope, district_scope, scope_of
from storage.audit import SIGN_IN, SIGN_OUT, record
from storage.db import writing
from storage.models import DistrictMember, School, Staff
from storage.settings import lasting_setting
from storage.web_access import (
    SESSION_LIFETIME,
    end_session,
    failures_since,
    live_session,
    note_failure,
    open_sign_in,
    redeem_sign_in,
)

KEY_SETTING = "web.signing_key"
FORM_BYTES = 64 * 1024  # a console form is a few fields; anything bigger is refused unread
# Refused sign-in links per address before the next ones are refused unread.
SIGN_IN_FAILURES = 10
SIGN_IN_WINDOW = timedelta(minutes=15)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Viewer:
    name: str
    scope: Scope
    token: str  # the session's, which its CSRF token is made from
    csrf: str
    staff_id: int | None = None
    member_id: int | None = None
    school_id: int | None = None  # a school's staff: their school

    @property
    def home(self) -> str:
        return f"/web/s/{self.school_id}/" if self.school_id else "/web/district"


class NotFound(Exception):
    """The page does not exist for this viewer: 404, whether it exists for others or not."""


class Console:
    def __init__(self, app: App) -> None:
        self.app = app
        self.sessions = app.sessions
        self.renderer = app.renderer
        self.clock = app.clock
        self.secure = (app.settings.public_url or "").startswith("https://")
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        if self._key is None:
            with writing(self.sessions) as session:
                self._key = lasting_setting(session, KEY_SETTING,
                                            secrets.token_hex(32)).encode()
        return self._key

    # --- reading and writing off the event loop --------------------------------------------

    async def read(self, work: Callable[..., Any], *args: Any) -> Any:
        def run():
            with self.sessions() as session:
                return work(session, *args)
        return await asyncio.to_thread(run)

    async def write(self, work: Callable[..., Any], *args: Any) -> Any:
        def run():
            with writing(self.sessions) as session:
                return work(session, *args)
        return await asyncio.to_thread(run)

    # --- who is asking ---------------------------------------------------------------------

    async def viewer(self, request: Request) -> Viewer | None:
        token = unsign(self.key, request.cookies.get(COOKIE))
        if token is None:
            return None
        return await self.read(self.viewer_of, token)

    def viewer_of(self, session: Session, token: str) -> Viewer | None:
        """Who the session `token` is, in a session a page already has open."""
        found = live_session(session, token, self.clock.now())
        if found is None:
            return None
        csrf = csrf_token(self.key, token)
        if found.staff_id is not None:
            member = session.get(Staff, found.staff_id)
            if member is None or not member.active:
                return None
            return Viewer(member.name, scope_of(member), token, csrf, staff_id=member.id,
                          school_id=member.school_id)
        member = session.get(DistrictMember, found.member_id)
        if member is None or not member.active:
            return None
        return Viewer(member.name, district_scope(session, member), token, csrf,
                      member_id=member.id)

    def school(self, session: Session, viewer: Viewer, school_id: int) -> School:
        if school_id not in viewer.scope.school_ids:
            raise NotFound
        school = session.get(School, school_id)
        if school is None:
            raise NotFound
        return school

    # --- answers ---------------------------------------------------------------------------

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.renderer.html(template, **context), status_code=status,
                            headers={"Cache-Control": "no-store"})

    def not_found(self, viewer: Viewer | None) -> HTMLResponse:
        return self.page("web/not_found.j2", 404, viewer=viewer)

    def signed_out(self, request: Request) -> HTMLResponse:
        return self.page("web/signed_out.j2", 401, viewer=None, next=request.url.path)

    async def form(self, request: Request, viewer: Viewer,
                   limit: int = FORM_BYTES) -> FormData | None:
        """The posted form when it carries the viewer's CSRF token and is not too big;
        None otherwise (the caller answers 403)."""
        if int(request.headers.get("content-length") or limit + 1) > limit:
            return None
        form = await request.form(max_files=1 if limit > FORM_BYTES else 0,
                                  max_fields=200, max_part_size=limit)
        sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not csrf_ok(self.key, viewer.token, sent if isinstance(sent, str) else None):
            return None
        return form

    def refused(self, viewer: Viewer | None) -> HTMLResponse:
        return self.page("web/refused.j2", 403, viewer=viewer)

    # --- signing in and out ----------------------------------------------------------------

    async def sign_in_page(self, request: Request) -> Response:
        """GET shows a button and uses nothing: a messenger's link preview fetching the
        link must not spend it."""
        token = request.path_params["token"]
        state = await self.read(self._link_state, token, address(request))
        if state != "open":
            return self.page("web/sign_in_refused.j2", 429 if state == "limited" else 410,
                             viewer=None, limited=state == "limited")
        return self.page("web/sign_in.j2", viewer=None, token=token)

    def _link_state(self, session: Session, token: str, address: str) -> str:
        """A link that works always opens: only made-up or spent links count against the
        address they come from (so a guesser locks out nobody but themselves)."""
        now = self.clock.now()
        if open_sign_in(session, token, now):
            return "open"
        if failures_since(session, address, now - SIGN_IN_WINDOW) >= SIGN_IN_FAILURES:
            return "limited"
        return "gone"

    async def sign_in(self, request: Request) -> Response:
        if int(request.headers.get("content-length") or 0) > FORM_BYTES:
            return self.refused(None)
        token = request.path_params["token"]
        opened = await self.write(self._sign_in, token, address(request))
        if isinstance(opened, str):
            return self.page("web/sign_in_refused.j2", 429 if opened == "limited" else 410,
                             viewer=None, limited=opened == "limited")
        session_token, home = opened
        response = RedirectResponse(home, status_code=303)
        response.set_cookie(COOKIE, sign(self.key, session_token),
                            max_age=int(SESSION_LIFETIME.total_seconds()), path="/web",
                            httponly=True, samesite="lax", secure=self.secure)
        return response

    def _sign_in(self, session: Session, token: str, address: str):
        now = self.clock.now()
        opened = redeem_sign_in(session, token, now)
        if opened is None:
            if failures_since(session, address, now - SIGN_IN_WINDOW) >= SIGN_IN_FAILURES:
                return "limited"  # not counted further: a lock is not renewed by waiting
            note_failure(session, address, now)
            return "gone"
        session_token, row = opened
        school_id = session.get(Staff, row.staff_id).school_id if row.staff_id else None
        record(session, SIGN_IN, school_id, now, "web", actor_id=row.staff_id,
               member_id=row.member_id)
        return session_token, f"/web/s/{school_id}/" if school_id else "/web/district"

    async def sign_out(self, request: Request) -> Response:
        viewer = await self.viewer(request)
        if viewer is not None:
            if await self.form(request, viewer) is None:
                return self.refused(viewer)
            await self.write(self._sign_out, viewer)
        response = RedirectResponse("/web/signed-out", status_code=303)
        response.delete_cookie(COOKIE, path="/web")
        return response

    def _sign_out(self, session: Session, viewer: Viewer) -> None:
        now = self.clock.now()
        if end_session(session, viewer.token, now) is not None:
            record(session, SIGN_OUT, viewer.school_id, now, "web", actor_id=viewer.staff_id,
                   member_id=viewer.member_id)

    async def goodbye(self, request: Request) -> Response:
        return self.page("web/goodbye.j2", viewer=None)

    async def home(self, request: Request) -> Response:
        viewer = await self.viewer(request)
        if viewer is None:
            return self.signed_out(request)
        return RedirectResponse(viewer.home, status_code=303)


def address(request: Request) -> str:
    """Who is guessing links: the client's address as the server sees it — behind a proxy
    named in CAITIEN_TRUSTED_PROXIES, the one it forwards (bot/server.py); a forwarded
    header from anyone else is not believed."""
    return request.client.host if request.client else "unknown"


def download(content: bytes, name: str, mime_type: str) -> Response:
    return Response(content, media_type=mime_type, headers=_attachment(name))


def download_file(path: Path, name: str, mime_type: str,
                  background: BackgroundTask | None = None) -> Response:
    """A file on disk sent as it is read (a box of gigabytes is never held in memory)."""
    return FileResponse(path, media_type=mime_type, headers=_attachment(name),
                        background=background)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store"}
