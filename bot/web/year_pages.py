"""The school years in the console: the years closed, each with its kept report and its
plan's tasks (their answers and evidence one click away); for the board, closing the year
(a confirmation page first), next year's draft shown as an imported plan's preview, its
workbook to download, edit and send back, and the confirmation that opens the new year."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from bot.channels import TELEGRAM
from bot.web.console import XLSX, NotFound, download, download_file
from bot.web.pages import Ask
from core.errors import InputError
from core.text import file_name
from readers.next_year import next_school_year
from reports.plan_workbook import plan_workbook
from reports.year_end import KEPT_KINDS, close_year, closing, kept_file, read_draft
from storage.access import sees_task
from storage.models import Criterion, Plan, School, SchoolYear, Task
from storage.plans import plan_gaps, resolve_owners
from storage.school_years import carried_history, open_next_year, past_years, waiting_year
from storage.staff_repo import active_staff

DRAFT_BYTES = TELEGRAM.max_file_bytes  # an edited draft: as big as a plan sent in chat


def years_page(ask: Ask) -> Response:
    session, school = ask.session, ask.school
    years = [(row, _year_tasks(session, ask.viewer.scope, row))
             for row in past_years(session, school.id)]
    return ask.page("web/years.j2", school=school, years=years,
                    waiting=waiting_year(session, school.id), done=ask.query.get("done"))


def close_page(ask: Ask) -> Response:
    """What closing does, before it is done: the confirmation step."""
    try:
        summary, problem = closing(ask.session, ask.school, ask.console.clock), None
    except InputError as error:
        summary, problem = None, _words(ask, error)
    text = summary and ask.console.renderer.text("year/closing.j2", c=summary, done=False)
    return ask.page("web/year_close.j2", 400 if problem else 200, school=ask.school,
                    c=summary, summary=text, problem=problem)


def close(ask: Ask) -> Response:
    console = ask.console
    try:
        close_year(ask.session, ask.school, console.clock, console.app.engine.evidence,
                   console.renderer, "web", ask.viewer.staff_id)
    except InputError as error:
        return ask.page("web/year_problem.j2", 400, problem=_words(ask, error),
                        back=f"{ask.base}/years")
    return _back(ask, "/draft")


def draft_page(ask: Ask) -> Response:
    row = _waiting(ask.session, ask.school.id)
    preview, carried = _preview(ask, row)
    return ask.page("web/year_draft.j2", school=ask.school, row=row,
                    next_year=next_school_year(row.school_year), preview=preview,
                    carried=carried)


def _preview(ask: Ask, row: SchoolYear) -> tuple[str, str]:
    """The draft as an imported plan is previewed, and the tasks it carries on."""
    session, school, renderer = ask.session, ask.school, ask.console.renderer
    draft = read_draft(row.draft, row.draft_name, row, school)
    staff = active_staff(session, school.id)
    owners = resolve_owners(draft, staff)
    carried = carried_history(session, session.get(Plan, row.plan_id), draft)
    return (renderer.text("chat/plan_preview.j2", draft=draft, owners=owners,
                          names={m.id: m.name for m in staff},
                          gaps=plan_gaps(draft, owners), mismatch=None, confirm=None,
                          changes=None, has_plan=False,
                          warnings=[renderer.text(f"warnings/{w.key}.j2", **w.params)
                                    for w in draft.warnings]),
            renderer.text("year/carried.j2", carried=carried, limit=200))


def draft_file(ask: Ask) -> Response:
    row = _waiting(ask.session, ask.school.id)
    return download(row.draft, row.draft_name, XLSX)


async def draft_upload(ask: Ask) -> Response:
    """The principal's edited copy takes the draft's place once it reads as a plan; a file
    that does not leaves the draft as it was and says why. Staged: the copy is read outside
    any transaction, in a process of its own (no lock is held while it reads)."""
    if ask.too_big:
        return ask.refused()
    upload = ask.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return ask.page("web/form_problem.j2", 400, problem="no_file",
                        back=f"{ask.base}/years/draft")
    data = await upload.read(DRAFT_BYTES + 1)
    name = file_name(upload.filename) or "ke-hoach.xlsx"
    console, school = ask.console, ask.school
    row = await console.read(_waiting, school.id)
    if len(data) > DRAFT_BYTES:
        problem = console.renderer.text("errors/file_too_big.j2",
                                        limit_mb=DRAFT_BYTES // (1024 * 1024))
    else:
        try:
            draft = await asyncio.to_thread(read_draft, data, name, row, school)
        except InputError as error:
            problem = _words(ask, error)
        else:
            problem = None
            workbook = plan_workbook(draft, console.renderer)

            def write(session: Session) -> None:
                now = _waiting(session, school.id)
                now.draft, now.draft_name = workbook, name
            await console.write(write)
    if problem is not None:
        return ask.page("web/year_problem.j2", 400, problem=problem,
                        back=f"{ask.base}/years/draft")
    return _back(ask, "/draft")


async def open_year(ask: Ask) -> Response:
    """Staged as the draft's upload: the draft is read before the write, outside it."""
    console, school = ask.console, ask.school
    row = await console.read(_waiting, school.id)
    draft = await asyncio.to_thread(read_draft, row.draft, row.draft_name, row, school)

    def write(session: Session) -> bool:
        now = _waiting(session, school.id)
        if now.id != row.id or now.draft != row.draft:
            return False  # replaced meanwhile: the new draft is shown, to confirm again
        open_next_year(session, session.get(School, school.id), now, draft, console.clock,
                       "web", ask.viewer.staff_id)
        return True
    if not await console.write(write):
        return _back(ask, "/draft")
    return _back(ask, "?done=opened")


def kept(ask: Ask) -> Response:
    row = ask.session.get(SchoolYear, ask.params["year"])
    kind = ask.params["kind"]
    if row is None or row.school_id != ask.school.id or kind not in KEPT_KINDS:
        raise NotFound
    try:
        entry, path = kept_file(ask.console.app.engine.evidence, row, kind)
    except InputError as error:
        return ask.page("web/year_problem.j2", 410, problem=_words(ask, error),
                        back=f"{ask.base}/years")
    return download_file(path, entry["name"], entry["mime_type"])


def _back(ask: Ask, where: str = "") -> RedirectResponse:
    return RedirectResponse(f"{ask.base}/years{where}", status_code=303)


def _words(ask: Ask, error: InputError) -> str:
    return ask.console.renderer.text(f"errors/{error.key}.j2", **error.params)


def _waiting(session: Session, school_id: int) -> SchoolYear:
    row = waiting_year(session, school_id)
    if row is None:
        raise NotFound
    return row


def _year_tasks(session: Session, scope, row: SchoolYear) -> list[tuple[str, Task]]:
    """The closed year's tasks the viewer may see, in plan order, with their criterion."""
    rows = session.execute(select(Criterion.code, Task).join(Criterion,
                           Criterion.id == Task.criterion_id)
                           .where(Task.plan_id == row.plan_id)
                           .order_by(Criterion.position, Task.position, Task.id)).all()
    return [(code, task) for code, task in rows if sees_task(session, scope, task)]
