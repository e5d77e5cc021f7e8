"""A school's page, declared once: `school_route(console, path, handler, scope=BOARD)`.

The route resolves the viewer from the session cookie (nobody signed in: the sign-in
sentence, 401), the school from the URL against the viewer's scope, and then whether the
viewer's scope is the one the page needs (another school's, or a page beyond their role:
404, whether it exists for others or not). A POST's form is read first, within its size
cap, and refused (403) without its CSRF token. All of that and the handler run in a worker
thread in ONE database session: a reading one for GET, a writing one for POST.

A handler is `handler(ask) -> Response`. An `async` handler is a page that must read a file
outside any transaction (a plan workbook is parsed in a process of its own): it gets the
viewer and school resolved, no session, and opens its own with `console.read`/`write`."""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass
from datetime import date
from typing import Any, Awaitable, Callable, Union
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

import bot.url_ids  # noqa: F401  (the {name:id} path parameter)
from bot.web.console import FORM_BYTES, Console, NotFound, Viewer
from bot.web.guard import COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_ok, unsign
from storage.access import OWN, Scope
from storage.db import writing
from storage.models import School

SCHOOL = "/web/s/{school:id}"

# What a page asks of the viewer's scope, beyond being of the school.
Need = Callable[[Scope], bool]
MEMBER: Need = lambda scope: True  # noqa: E731  anyone of the school
TEAM: Need = lambda scope: scope.kind != OWN  # noqa: E731  a group leader or wider
REPORTS: Need = lambda scope: scope.reports  # noqa: E731  the whole school's reports
BOARD: Need = lambda scope: scope.board  # noqa: E731  changes the school's settings


@dataclass
class Ask:
    """One request to a school's page, its viewer and school resolved."""
    console: Console
    request: Request
    viewer: Viewer
    school: School
    session: Session | None
    form: FormData | None = None
    too_big: bool = False  # an upload route's body declared over its cap, left unread

    @property
    def params(self) -> dict[str, Any]:
        return self.request.path_params

    @property
    def query(self):
        return self.request.query_params

    @property
    def today(self) -> date:
        return self.console.clock.now().astimezone(ZoneInfo(self.school.timezone)).date()

    @property
    def base(self) -> str:
        return f"/web/s/{self.school.id}"

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.console.page(template, status, viewer=self.viewer, **context)

    def refused(self) -> HTMLResponse:
        return self.console.refused(self.viewer)


Handler = Union[Callable[[Ask], Response], Callable[[Ask], Awaitable[Response]]]


def school_route(console: Console, path: str, handler: Handler, *, scope: Need = MEMBER,
                 methods: tuple[str, ...] = ("GET",), upload: int | None = None) -> Route:
    """`path` under the school's URL; `upload` raises a POST's cap to a file that big and
    lets the handler word a body declared bigger (`ask.too_big`)."""
    posted = "POST" in methods
    limit = (upload or 0) + FORM_BYTES
    staged = inspect.iscoroutinefunction(handler)

    async def endpoint(request: Request) -> Response:
        token = unsign(console.key, request.cookies.get(COOKIE))
        if token is None:
            return console.signed_out(request)
        form, too_big = None, False
        if posted:
            form, too_big = await _form(console, request, token, limit, upload is not None)

        def run() -> Response | Ask:
            try:
                with (writing(console.sessions) if posted and not staged
                      else console.sessions()) as session:
                    return answer(session)
            except _Answered as answered:  # raised out of the block: nothing is written
                return answered.response

        def answer(session: Session) -> Response | Ask:
            viewer = console.viewer_of(session, token)
            if viewer is None:
                return console.signed_out(request)
            if posted and form is None and not too_big:
                return console.refused(viewer)
            try:
                school = console.school(session, viewer, request.path_params["school"])
                if not scope(viewer.scope):
                    raise NotFound
                ask = Ask(console, request, viewer, school, None if staged else session,
                          form, too_big)
                return ask if staged else handler(ask)
            except NotFound as exc:
                raise _Answered(console.not_found(viewer)) from exc

        found = await asyncio.to_thread(run)
        if not isinstance(found, Ask):
            return found
        try:
            return await handler(found)
        except NotFound:
            return console.not_found(found.viewer)

    named = getattr(handler, "func", handler)  # a handler given its helpers by partial
    endpoint.__name__ = endpoint.__qualname__ = named.__name__
    endpoint.__doc__ = named.__doc__
    route = Route(SCHOOL + path, endpoint, methods=list(methods))
    route.scope_needed = scope  # for the test that walks every route
    return route


async def _form(console: Console, request: Request, token: str, limit: int, upload: bool
                ) -> tuple[FormData | None, bool]:
    """The posted form when it carries the session's CSRF token and is not too big (None
    otherwise), and whether an upload route's body was declared too big to read."""
    declared = request.headers.get("content-length", "")
    if upload and declared.isdigit() and int(declared) > limit:
        return None, True
    if int(declared or limit + 1) > limit:
        return None, False
    form = await request.form(max_files=1 if limit > FORM_BYTES else 0,
                              max_fields=200, max_part_size=limit)
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_ok(console.key, token, sent if isinstance(sent, str) else None):
        return None, False
    return form, False


class _Answered(Exception):
    """A page that is not there for this viewer, answered once the transaction is undone."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response
