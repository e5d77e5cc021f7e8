"""Every route of the web console, for `caitien serve` to mount."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.console import Console
from bot.web.district_pages import district_routes
from bot.web.evidence_pages import evidence_routes
from bot.web.sandbox import Sandboxes, sandbox_routes
from bot.web.school_pages import InvitationNames, school_routes
from bot.web.year_pages import year_routes

STATIC = Path(__file__).parent / "static"


def web_routes(console: Console, sandboxes: Sandboxes,
               invitation_names: InvitationNames) -> list:
    return [
        Route("/web", console.home),
        Route("/web/", console.home),
        Route("/web/login/{token}", console.sign_in_page),
        Route("/web/login/{token}", console.sign_in, methods=["POST"]),
        Route("/web/logout", console.sign_out, methods=["POST"]),
        Route("/web/signed-out", console.goodbye),
        Mount("/web/static", StaticFiles(directory=STATIC), name="static"),
        *school_routes(console, invitation_names),
        *evidence_routes(console),
        *year_routes(console),
        *district_routes(console),
        *sandbox_routes(sandboxes),
    ]
