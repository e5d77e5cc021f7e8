"""The evidence list in the console: the list as the ministry's columns lay it out, its
Excel and Word files, the evidence box (.zip), and the board's edits of an item — its name,
number and date, issuer, note, withdrawal, and the other criteria it serves.

Those who read the reports (the board, the monitoring team, the district) see the list
and download it; only the board changes it. The box is written to a temporary file on
disk, a chunk at a time, sent from there and deleted once sent."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

import bot.url_ids  # noqa: F401  (the {name:id} path parameter)
from bot.web.console import Console, NotFound, download, download_file
from bot.web.school_pages import DOCX, XLSX
from reports.evidence_box import write_box
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import evidence_list
from reports.report_data import evidence_with_codes
from storage.audit import EVIDENCE_EDIT, record
from storage.evidence_items import (
    ListEntry,
    attach,
    detach,
    edit_entry,
    other_criteria,
    plan_criteria,
    too_long,
)
from storage.models import Evidence, Plan, School, Task


def evidence_routes(console: Console) -> list[Route]:

    page = console.school_page

    def the_list(session: Session, viewer, school_id: int):
        school = console.school(session, viewer, school_id)
        if not viewer.scope.reports:
            raise NotFound
        today = console.clock.now().astimezone(ZoneInfo(school.timezone)).date()
        try:
            return school, evidence_list(session, school, today, console.renderer)
        except LookupError:
            return school, None

    def the_item(session: Session, viewer, school_id: int, evidence_id: int) -> Evidence:
        console.school(session, viewer, school_id)
        item = session.get(Evidence, evidence_id)
        if not viewer.scope.board or item is None or item.school_id != school_id:
            raise NotFound
        return item

    @page
    async def list_page(request, viewer, school_id):
        school, data = await console.read(the_list, viewer, school_id)
        return console.page("web/evidence_list.j2", viewer=viewer, school=school, data=data,
                            saved=request.query_params.get("saved"))

    @page
    async def list_file(request, viewer, school_id):
        ext = request.path_params["ext"]
        if ext not in ("xlsx", "docx", "zip"):
            raise NotFound
        school, data = await console.read(the_list, viewer, school_id)
        if data is None:
            raise NotFound
        name = console.renderer.text("reports/evidence_list_file_name.j2",
                                     school_code=school.code, school_year=data.school_year)
        if ext == "xlsx":
            return download(evidence_list_xlsx(data, console.renderer), f"{name}.xlsx", XLSX)
        if ext == "docx":
            return download(evidence_list_docx(data, console.renderer), f"{name}.docx", DOCX)
        return await _box(data, school)

    async def _box(data, school: School) -> Response:
        handle, path = tempfile.mkstemp(suffix=".zip")
        os.close(handle)
        target = Path(path)
        try:
            await console.read(lambda _: write_box(data, console.app.engine.evidence,
                                                   console.renderer, target))
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        name = console.renderer.text("reports/evidence_box_file_name.j2",
                                     school_code=school.code, school_year=data.school_year)
        return download_file(target, f"{name}.zip", "application/zip",
                             BackgroundTask(target.unlink, missing_ok=True))

    @page
    async def item_page(request, viewer, school_id):
        def read(session: Session):
            item = the_item(session, viewer, school_id, request.path_params["evidence"])
            school = session.get(School, school_id)
            _, data = the_list(session, viewer, school_id)
            line = next((i for _, _, i in (data.rows() if data else [])
                         if i.evidence_id == item.id), None)
            return (school, item, line, other_criteria(session, item),
                    plan_criteria(session, school_id))
        school, item, line, others, criteria = await console.read(read)
        return console.page("web/evidence_item.j2", viewer=viewer, school=school, item=item,
                            line=line, others=others, criteria=criteria,
                            problem=request.query_params.get("problem"))

    @page
    async def item_save(request, viewer, school_id):
        form = await console.form(request, viewer)
        if form is None:
            return console.refused(viewer)
        evidence_id = request.path_params["evidence"]
        back = f"/web/s/{school_id}/evidence-list/{evidence_id}"
        action = str(form.get("action") or "save")
        try:
            entry = ListEntry(*(str(form.get(k) or "")
                                for k in ("title", "issued_ref")),
                              _day(str(form.get("issued_on") or "")),
                              str(form.get("issuer") or ""), str(form.get("note") or ""),
                              form.get("withdrawn") == "1")
        except ValueError:
            return RedirectResponse(f"{back}?problem=bad_date", status_code=303)

        def write(session: Session) -> str | None:
            item = the_item(session, viewer, school_id, evidence_id)
            criterion = str(form.get("criterion") or "")
            if action == "attach":
                if not attach(session, item, criterion, viewer.staff_id, console.clock):
                    return "bad_criterion"
                _audit(session, item, attached=criterion)
                return None
            if action == "detach":
                if detach(session, item, criterion):
                    _audit(session, item, detached=criterion)
                return None
            if too_long(entry):
                return "too_long"
            changes = edit_entry(session, item, entry, console.clock)
            if changes:
                _audit(session, item, changes=changes)
            return None

        def _audit(session: Session, item: Evidence, **details: object) -> None:
            record(session, EVIDENCE_EDIT, school_id, console.clock.now(), "web",
                   actor_id=viewer.staff_id, subject=item.title or item.file_name,
                   evidence_id=item.id, code=_code_of(session, item), **details)
        problem = await console.write(write)
        if problem:
            return RedirectResponse(f"{back}?problem={problem}", status_code=303)
        return RedirectResponse(f"/web/s/{school_id}/evidence-list?saved={evidence_id}"
                                f"#e{evidence_id}", status_code=303)

    base = "/web/s/{school:id}/evidence-list"
    return [
        Route(base, list_page),
        Route(base + ".{ext}", list_file),
        Route(base + "/{evidence:id}", item_page),
        Route(base + "/{evidence:id}", item_save, methods=["POST"]),
    ]


def _code_of(session: Session, item: Evidence) -> str:
    """The item's code as the list shows it (numbered within its plan)."""
    plan = session.get(Plan, session.get(Task, item.task_id).plan_id)
    return next(code for e, code in evidence_with_codes(session, item.school_id,
                                                         plan.framework, plan.id)
                if e.id == item.id)


def _day(text: str) -> date | None:
    """The date field of the form (an <input type=date>: YYYY-MM-DD); empty is none."""
    return date.fromisoformat(text) if text.strip() else None
