"""Every page of a school is declared with the scope it needs, in the one route list: walked
here, each refuses someone signed out (401) and another school's principal (404), so a new
page cannot forget its scope. And a page is one database session, not one per step."""

from __future__ import annotations

import re

from sqlalchemy import event

from bot.web.console import Console
from bot.web.routes import web_routes
from bot.web.sandbox import Sandboxes
from tests.bot.web.conftest import PRINCIPAL, school_id
from tests.bot.web.test_forget import csrf_of

OTHER_PRINCIPAL = "0907000001"
# What a path's other parameters are filled with: ids that exist or not, it does not matter,
# the school is refused first.
FILLED = {"kind": "report", "ext": "xlsx"}


def school_pages(app) -> list[tuple[str, str, object]]:
    """(method, path, route) of every route under a school's URL, from the one list."""
    routes = web_routes(Console(app), Sandboxes(app.renderer), lambda session, school: (None, []))
    return [(method, route.path, route) for route in routes
            if getattr(route, "path", "").startswith("/web/s/")
            for method in sorted(route.methods - {"HEAD"})]


def url(path: str, school: int) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        return str(school) if name == "school" else FILLED.get(name, "1")
    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, path)


async def test_every_school_page_states_its_scope_and_refuses_strangers(web_app, sign_in):
    pages = school_pages(web_app)
    assert len(pages) > 20
    undeclared = [path for _, path, route in pages if not hasattr(route, "scope_needed")]
    assert undeclared == []

    demo = school_id(web_app)
    nobody = await sign_in(None)
    other = await sign_in(OTHER_PRINCIPAL)
    token = csrf_of(await other.get(f"/web/s/{school_id(web_app, 'khac')}/calendar"))
    for method, path, _ in pages:
        target = url(path, demo)
        signed_out = await nobody.request(method, target, data={"csrf": "x"}
                                          if method == "POST" else None)
        assert signed_out.status_code == 401, (method, target, signed_out.status_code)
        stranger = await other.request(method, target, data={"csrf": token}
                                       if method == "POST" else None)
        assert stranger.status_code == 404, (method, target, stranger.status_code)
        assert "Nguyễn" not in stranger.text


async def test_a_page_is_one_database_session(web_app, sign_in):
    principal = await sign_in(PRINCIPAL)
    base = f"/web/s/{school_id(web_app)}"
    checked_out: list[int] = []
    count = lambda *_: checked_out.append(1)  # noqa: E731
    event.listen(web_app.db, "checkout", count)
    try:
        for page in ("/", "/plan", "/staff", "/reports", "/calendar", "/audit",
                     "/evidence-list", "/years"):
            checked_out.clear()
            answer = await principal.get(base + page)
            assert answer.status_code == 200 and len(checked_out) == 1, (page, checked_out)
        token = csrf_of(await principal.get(base + "/calendar"))
        checked_out.clear()
        saved = await principal.post(base + "/calendar", data={"csrf": token})
        assert saved.status_code in (303, 400) and len(checked_out) == 1
        checked_out.clear()
        district = await sign_in("0909000001")
        checked_out.clear()
        assert (await district.get("/web/district")).status_code == 200
        assert len(checked_out) == 1
    finally:
        event.remove(web_app.db, "checkout", count)
