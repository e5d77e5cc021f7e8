"""A school's plan: its tasks as the viewer may see them, the plan in the ministry's form,
a task's page, and the evidence handed in on it (uploaded, and each file shown)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from bot.channels import TELEGRAM
from bot.web.console import DOCX, NotFound, Viewer, download
from bot.web.pages import Ask
from core.text import file_name
from reports.plan_form import plan_form_docx, stored_plan_form
from reports.plan_view import STATUSES, Filters, evidence_file, plan_view, task_detail
from reports.report_data import evidence_with_codes
from storage.audit import EVIDENCE, record
from storage.evidence_store import EVIDENCE_TYPES, evidence_type
from storage.models import Plan, Task, TaskOwner
from storage.updates import attach_evidence

# An evidence file handed in on a task's page: as big as one sent in chat may be.
UPLOAD_BYTES = TELEGRAM.max_file_bytes


def plan_page(ask: Ask) -> Response:
    query = ask.query
    person = query.get("person", "")
    filters = Filters(status=query.get("status") if query.get("status") in STATUSES else None,
                      group=query.get("group") or None,
                      person=int(person) if person.isdigit() else None,
                      overdue=query.get("overdue") == "1")
    view = plan_view(ask.session, ask.school.id, ask.viewer.scope, filters, ask.today)
    return ask.page("web/plan.j2", school=ask.school, view=view, filters=filters,
                    statuses=STATUSES)


def plan_form_file(ask: Ask) -> Response:
    """The whole plan in the ministry's form, for those who see the school's reports."""
    school, renderer = ask.school, ask.console.renderer
    form = stored_plan_form(ask.session, school, ask.today)
    if form is None:
        return RedirectResponse(f"{ask.base}/plan", status_code=303)
    name = renderer.text("reports/plan_form_file_name.j2", code=school.code,
                         school_year=form.draft.school_year)
    return download(plan_form_docx(form, renderer), f"{name}.docx", DOCX)


def task_page(ask: Ask) -> Response:
    detail = _task(ask)
    added = ask.query.get("added", "")
    return ask.page("web/task.j2", school=ask.school, detail=detail,
                    may_attach=may_attach(ask.session, ask.viewer, detail.row.task),
                    limit_mb=UPLOAD_BYTES // (1024 * 1024), accept=",".join(EVIDENCE_TYPES),
                    added=int(added) if added.isdigit() else None)


def evidence_upload(ask: Ask) -> Response:
    """The task's owner, or the board, hands in an evidence file: the same limits and the
    same codes as a file sent in chat."""
    back = f"{ask.base}/tasks/{ask.params['task']}"

    def problem(reason: str, status: int = 400, **context) -> Response:
        return ask.page("web/form_problem.j2", status, problem=reason, back=back,
                        limit_mb=UPLOAD_BYTES // (1024 * 1024), **context)
    if ask.too_big:
        return problem("too_big", 413)  # refused unread
    upload = ask.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return problem("no_file")
    data = upload.file.read(UPLOAD_BYTES + 1)
    name = file_name(upload.filename) or "tep"
    if len(data) > UPLOAD_BYTES:
        return problem("too_big", 413)
    found = evidence_type(name, data[:16])
    if found is None:
        return problem("wrong_type", 415, name=name)
    kind, mime_type = found
    session, viewer, school, console = ask.session, ask.viewer, ask.school, ask.console
    task = _task(ask).row.task
    if not may_attach(session, viewer, task):
        return problem("not_yours", 403)
    store, now = console.app.engine.evidence, console.clock.now()
    stored = store.save(school.code, task.criterion.code, kind, data, name, mime_type, now)
    try:
        item = attach_evidence(session, task, viewer.staff_id, stored.to_dict(),
                               console.clock)
        plan = session.get(Plan, task.plan_id)
        code = next(c for e, c in evidence_with_codes(
            session, school.id, plan.framework if plan else None, task.plan_id)
            if e.id == item.id)
        record(session, EVIDENCE, school.id, now, "web", actor_id=viewer.staff_id,
               subject=task.text, task_id=task.id, evidence_id=item.id, code=code, file=name)
        session.flush()
    except Exception:
        store.discard(stored.path)
        raise
    return RedirectResponse(f"{back}?added={item.id}#gallery", status_code=303)


def evidence_page(ask: Ask) -> Response:
    item = evidence_file(ask.session, ask.viewer.scope, ask.params["evidence"])
    if item is None or item.school_id != ask.school.id:
        raise NotFound
    path = ask.console.app.engine.evidence.file_of(item.path)
    if path is None:
        raise NotFound
    # Photos are shown in the page; anything else is only ever downloaded.
    inline = item.kind == "photo" and ask.query.get("view") == "1"
    return FileResponse(path, media_type=item.mime_type if inline else None,
                        filename=None if inline else (item.file_name or path.name),
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"Cache-Control": "private, no-store"})


def _task(ask: Ask):
    """The task of the URL as the viewer may see it, of this school."""
    detail = task_detail(ask.session, ask.viewer.scope, ask.params["task"], ask.today)
    if detail is None or detail.row.task.school_id != ask.school.id:
        raise NotFound
    return detail


def may_attach(session: Session, viewer: Viewer, task: Task) -> bool:
    """Evidence is handed in by the task's owners, or by the board."""
    if viewer.scope.board:
        return True
    return viewer.staff_id is not None and session.scalar(select(TaskOwner.id).where(
        TaskOwner.task_id == task.id, TaskOwner.staff_id == viewer.staff_id).limit(1)) is not None
