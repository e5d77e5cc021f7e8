"""Every route of the web console, for `caitien serve` to mount: a new page is a handler in
its area's module, a template, and one line here. A school's page states here, once, the
scope it needs (bot/web/pages.py checks it before the handler runs)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web import (
    audit_pages,
    calendar_pages,
    dashboard_pages,
    evidence_pages,
    plan_pages,
    reports_pages,
    staff_pages,
    year_pages,
)
from bot.web.console import Console
from bot.web.district_pages import district_routes
from bot.web.pages import BOARD, MEMBER, REPORTS, TEAM, school_route
from bot.web.sandbox import Sandboxes, sandbox_routes
from bot.web.staff_pages import InvitationNames
from bot.web.year_pages import DRAFT_BYTES

STATIC = Path(__file__).parent / "static"
POST = ("POST",)


def web_routes(console: Console, sandboxes: Sandboxes,
               invitation_names: InvitationNames) -> list:
    page = partial(school_route, console)
    names = {"invitation_names": invitation_names}
    return [
        Route("/web", console.home),
        Route("/web/", console.home),
        Route("/web/login/{token}", console.sign_in_page),
        Route("/web/login/{token}", console.sign_in, methods=["POST"]),
        Route("/web/logout", console.sign_out, methods=["POST"]),
        Route("/web/signed-out", console.goodbye),
        Mount("/web/static", StaticFiles(directory=STATIC), name="static"),
        # a school's pages
        page("/", dashboard_pages.dashboard_page, scope=MEMBER),
        page("/plan", plan_pages.plan_page, scope=MEMBER),
        page("/plan.docx", plan_pages.plan_form_file, scope=REPORTS),
        page("/tasks/{task:id}", plan_pages.task_page, scope=MEMBER),
        page("/tasks/{task:id}/evidence", plan_pages.evidence_upload, scope=MEMBER,
             methods=POST, upload=plan_pages.UPLOAD_BYTES),
        page("/evidence/{evidence:id}", plan_pages.evidence_page, scope=MEMBER),
        page("/staff", partial(staff_pages.staff_page, **names), scope=TEAM),
        page("/staff/{staff:id}/pause", staff_pages.staff_pause, scope=BOARD, methods=POST),
        page("/staff/{staff:id}/left", staff_pages.staff_left, scope=BOARD, methods=POST),
        page("/staff/forget", staff_pages.staff_forget, scope=BOARD, methods=POST),
        page("/invitations", partial(staff_pages.invitations, **names), scope=BOARD,
             methods=POST),
        page("/reports", reports_pages.reports_page, scope=REPORTS),
        page("/reports/{kind}.{ext}", reports_pages.report_file, scope=REPORTS),
        page("/calendar", calendar_pages.calendar_page, scope=MEMBER),
        page("/calendar", calendar_pages.calendar_save, scope=BOARD, methods=POST),
        page("/audit", audit_pages.audit_page, scope=REPORTS),
        page("/audit.{ext}", audit_pages.audit_export, scope=REPORTS),
        page("/evidence-list", evidence_pages.list_page, scope=REPORTS),
        page("/evidence-list.{ext}", evidence_pages.list_file, scope=REPORTS),
        page("/evidence-list/{evidence:id}", evidence_pages.item_page, scope=BOARD),
        page("/evidence-list/{evidence:id}", evidence_pages.item_save, scope=BOARD,
             methods=POST),
        page("/years", year_pages.years_page, scope=MEMBER),
        page("/years/close", year_pages.close_page, scope=BOARD),
        page("/years/close", year_pages.close, scope=BOARD, methods=POST),
        page("/years/draft", year_pages.draft_page, scope=BOARD),
        page("/years/draft", year_pages.draft_upload, scope=BOARD, methods=POST,
             upload=DRAFT_BYTES),
        page("/years/draft.xlsx", year_pages.draft_file, scope=BOARD),
        page("/years/open", year_pages.open_year, scope=BOARD, methods=POST),
        page("/years/{year:id}/{kind}", year_pages.kept, scope=REPORTS),
        # the district's, and the sandbox open to all
        *district_routes(console),
        *sandbox_routes(sandboxes),
    ]
