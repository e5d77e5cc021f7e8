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

from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.responses import RedirectResponse, Response

from bot.web.console import DOCX, XLSX, NotFound, download, download_file
from bot.web.pages import Ask
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
from storage.models import Evidence, Plan, Task


def list_page(ask: Ask) -> Response:
    return ask.page("web/evidence_list.j2", school=ask.school, data=_the_list(ask),
                    saved=ask.query.get("saved"))


def list_file(ask: Ask) -> Response:
    ext = ask.params["ext"]
    if ext not in ("xlsx", "docx", "zip"):
        raise NotFound
    data, school, renderer = _the_list(ask), ask.school, ask.console.renderer
    if data is None:
        raise NotFound
    name = renderer.text("reports/evidence_list_file_name.j2", school_code=school.code,
                         school_year=data.school_year)
    if ext == "xlsx":
        return download(evidence_list_xlsx(data, renderer), f"{name}.xlsx", XLSX)
    if ext == "docx":
        return download(evidence_list_docx(data, renderer), f"{name}.docx", DOCX)
    return _box(ask, data)


def _box(ask: Ask, data) -> Response:
    handle, path = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    target = Path(path)
    renderer = ask.console.renderer
    try:
        write_box(data, ask.console.app.engine.evidence, renderer, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    name = renderer.text("reports/evidence_box_file_name.j2", school_code=ask.school.code,
                         school_year=data.school_year)
    return download_file(target, f"{name}.zip", "application/zip",
                         BackgroundTask(target.unlink, missing_ok=True))


def item_page(ask: Ask) -> Response:
    session = ask.session
    item = _the_item(ask)
    data = _the_list(ask)
    line = next((i for _, _, i in (data.rows() if data else []) if i.evidence_id == item.id),
                None)
    return ask.page("web/evidence_item.j2", school=ask.school, item=item, line=line,
                    others=other_criteria(session, item),
                    criteria=plan_criteria(session, ask.school.id),
                    problem=ask.query.get("problem"))


def item_save(ask: Ask) -> Response:
    form, session, console = ask.form, ask.session, ask.console
    evidence_id = ask.params["evidence"]
    back = f"{ask.base}/evidence-list/{evidence_id}"
    action = str(form.get("action") or "save")
    try:
        entry = ListEntry(*(str(form.get(k) or "") for k in ("title", "issued_ref")),
                          _day(str(form.get("issued_on") or "")),
                          str(form.get("issuer") or ""), str(form.get("note") or ""),
                          form.get("withdrawn") == "1")
    except ValueError:
        return RedirectResponse(f"{back}?problem=bad_date", status_code=303)
    item = _the_item(ask)

    def audit(**details: object) -> None:
        record(session, EVIDENCE_EDIT, ask.school.id, console.clock.now(), "web",
               actor_id=ask.viewer.staff_id, subject=item.title or item.file_name,
               evidence_id=item.id, code=_code_of(session, item), **details)
    criterion = str(form.get("criterion") or "")
    problem = None
    if action == "attach":
        if attach(session, item, criterion, ask.viewer.staff_id, console.clock):
            audit(attached=criterion)
        else:
            problem = "bad_criterion"
    elif action == "detach":
        if detach(session, item, criterion):
            audit(detached=criterion)
    elif too_long(entry):
        problem = "too_long"
    else:
        changes = edit_entry(session, item, entry, console.clock)
        if changes:
            audit(changes=changes)
    if problem:
        return RedirectResponse(f"{back}?problem={problem}", status_code=303)
    return RedirectResponse(f"{ask.base}/evidence-list?saved={evidence_id}#e{evidence_id}",
                            status_code=303)


def _the_list(ask: Ask):
    """The list as the ministry lays it out; None before the school has a plan."""
    try:
        return evidence_list(ask.session, ask.school, ask.today, ask.console.renderer)
    except LookupError:
        return None


def _the_item(ask: Ask) -> Evidence:
    item = ask.session.get(Evidence, ask.params["evidence"])
    if item is None or item.school_id != ask.school.id:
        raise NotFound
    return item


def _code_of(session: Session, item: Evidence) -> str:
    """The item's code as the list shows it (numbered within its plan)."""
    plan = session.get(Plan, session.get(Task, item.task_id).plan_id)
    return next(code for e, code in evidence_with_codes(session, item.school_id,
                                                         plan.framework, plan.id)
                if e.id == item.id)


def _day(text: str) -> date | None:
    """The date field of the form (an <input type=date>: YYYY-MM-DD); empty is none."""
    return date.fromisoformat(text) if text.strip() else None
