"""The school years in the console: the years closed, each with its kept report and its
plan's tasks (their answers and evidence one click away); for the board, closing the year
(a confirmation page first), next year's draft shown as an imported plan's preview, its
workbook to download, edit and send back, and the confirmation that opens the new year."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse
from starlette.routing import Route

import bot.url_ids  # noqa: F401  (the {name:id} path parameter)
from bot.channels import TELEGRAM
from bot.web.console import FORM_BYTES, Console, NotFound, download, download_file
from core.errors import InputError
from core.text import file_name
from readers.next_year import next_school_year
from reports.plan_workbook import plan_workbook
from reports.year_end import KEPT_KINDS, close_year, closing, kept_file, read_draft
from storage.access import sees_task
from storage.models import Criterion, Plan, SchoolYear, Task
from storage.plans import plan_gaps, resolve_owners
from storage.school_years import carried_history, open_next_year, past_years, waiting_year
from storage.staff_repo import active_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DRAFT_BYTES = TELEGRAM.max_file_bytes  # an edited draft: as big as a plan sent in chat


def year_routes(console: Console) -> list[Route]:

    page = console.school_page

    def board_school(session: Session, viewer, school_id: int):
        """The school, for its board only: anyone else is told the page is not there."""
        school = console.school(session, viewer, school_id)
        if not viewer.scope.board:
            raise NotFound
        return school

    def back(school_id: int, where: str = "") -> RedirectResponse:
        return RedirectResponse(f"/web/s/{school_id}/years{where}", status_code=303)

    @page
    async def years_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            years = [(row, _year_tasks(session, viewer.scope, row))
                     for row in past_years(session, school.id)]
            return school, years, waiting_year(session, school.id)
        school, years, waiting = await console.read(read)
        return console.page("web/years.j2", viewer=viewer, school=school, years=years,
                            waiting=waiting, done=request.query_params.get("done"))

    @page
    async def close_page(request, viewer, school_id):
        """What closing does, before it is done: the confirmation step."""
        def read(session: Session):
            school = board_school(session, viewer, school_id)
            try:
                return school, closing(session, school, console.clock), None
            except InputError as error:
                return school, None, _words(error)
        school, summary, problem = await console.read(read)
        text = summary and console.renderer.text("year/closing.j2", c=summary, done=False)
        return console.page("web/year_close.j2", 400 if problem else 200, viewer=viewer,
                            school=school, c=summary, summary=text, problem=problem)

    @page
    async def close(request, viewer, school_id):
        form = await console.form(request, viewer)
        if form is None:
            return console.refused(viewer)
        store, renderer = console.app.engine.evidence, console.renderer

        def write(session: Session):
            school = board_school(session, viewer, school_id)
            try:
                close_year(session, school, console.clock, store, renderer, "web",
                           viewer.staff_id)
            except InputError as error:
                return _words(error)
            return None
        problem = await console.write(write)
        if problem is not None:
            return console.page("web/year_problem.j2", 400, viewer=viewer, problem=problem,
                                back=f"/web/s/{school_id}/years")
        return back(school_id, "/draft")

    @page
    async def draft_page(request, viewer, school_id):
        def read(session: Session):
            school = board_school(session, viewer, school_id)
            row = _waiting(session, school.id)
            return school, row, *_preview(session, school, row)
        school, row, preview, carried = await console.read(read)
        return console.page("web/year_draft.j2", viewer=viewer, school=school, row=row,
                            next_year=next_school_year(row.school_year), preview=preview,
                            carried=carried)

    def _preview(session: Session, school, row: SchoolYear) -> tuple[str, str]:
        """The draft as an imported plan is previewed, and the tasks it carries on."""
        draft = read_draft(row.draft, row.draft_name, row, school)
        staff = active_staff(session, school.id)
        owners = resolve_owners(draft, staff)
        renderer = console.renderer
        carried = carried_history(session, session.get(Plan, row.plan_id), draft)
        return (renderer.text("chat/plan_preview.j2", draft=draft, owners=owners,
                              names={m.id: m.name for m in staff},
                              gaps=plan_gaps(draft, owners), mismatch=None, confirm=None,
                              changes=None, has_plan=False,
                              warnings=[renderer.text(f"warnings/{w.key}.j2", **w.params)
                                        for w in draft.warnings]),
                renderer.text("year/carried.j2", carried=carried, limit=200))

    @page
    async def draft_file(request, viewer, school_id):
        def read(session: Session):
            row = _waiting(session, board_school(session, viewer, school_id).id)
            return row.draft, row.draft_name
        content, name = await console.read(read)
        return download(content, name, XLSX)

    @page
    async def draft_upload(request, viewer, school_id):
        """The principal's edited copy takes the draft's place once it reads as a plan; a
        file that does not leaves the draft as it was and says why."""
        form = await console.form(request, viewer, DRAFT_BYTES + FORM_BYTES)
        if form is None:
            return console.refused(viewer)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return console.page("web/form_problem.j2", 400, viewer=viewer, problem="no_file",
                                back=f"/web/s/{school_id}/years/draft")
        data = await upload.read(DRAFT_BYTES + 1)
        name = file_name(upload.filename) or "ke-hoach.xlsx"
        school, row = await console.read(waiting, viewer, school_id)
        if len(data) > DRAFT_BYTES:
            problem = console.renderer.text("errors/file_too_big.j2",
                                            limit_mb=DRAFT_BYTES // (1024 * 1024))
        else:
            problem = await _replace_draft(viewer, school_id, row, school, data, name)
        if problem is not None:
            return console.page("web/year_problem.j2", 400, viewer=viewer, problem=problem,
                                back=f"/web/s/{school_id}/years/draft")
        return back(school_id, "/draft")

    def waiting(session: Session, viewer, school_id: int):
        school = board_school(session, viewer, school_id)
        return school, _waiting(session, school.id)

    async def _replace_draft(viewer, school_id: int, row: SchoolYear, school, data: bytes,
                             name: str) -> str | None:
        """The edited copy read before the write, in a process of its own (no lock is held
        while it reads), then put in the draft's place; what is wrong with it, if it does
        not read."""
        try:
            draft = await asyncio.to_thread(read_draft, data, name, row, school)
        except InputError as error:
            return _words(error)
        workbook = plan_workbook(draft, console.renderer)

        def write(session: Session):
            _, now = waiting(session, viewer, school_id)
            now.draft, now.draft_name = workbook, name
        await console.write(write)
        return None

    @page
    async def open_year(request, viewer, school_id):
        form = await console.form(request, viewer)
        if form is None:
            return console.refused(viewer)
        school, row = await console.read(waiting, viewer, school_id)
        # Read before the write, in a process of its own: no lock is held while it reads.
        draft = await asyncio.to_thread(read_draft, row.draft, row.draft_name, row, school)

        def write(session: Session):
            school, now = waiting(session, viewer, school_id)
            if now.id != row.id or now.draft != row.draft:
                return False  # replaced meanwhile: the new draft is shown, to confirm again
            open_next_year(session, school, now, draft, console.clock, "web",
                           viewer.staff_id)
            return True
        if not await console.write(write):
            return back(school_id, "/draft")
        return back(school_id, "?done=opened")

    @page
    async def kept(request, viewer, school_id):
        store = console.app.engine.evidence

        def read(session: Session):
            school = console.school(session, viewer, school_id)
            row = session.get(SchoolYear, request.path_params["year"])
            kind = request.path_params["kind"]
            if row is None or row.school_id != school.id or not viewer.scope.reports \
                    or kind not in KEPT_KINDS:
                raise NotFound
            try:
                return kept_file(store, row, kind), None
            except InputError as error:
                return None, _words(error)
        found, problem = await console.read(read)
        if problem is not None:
            return console.page("web/year_problem.j2", 410, viewer=viewer, problem=problem,
                                back=f"/web/s/{school_id}/years")
        entry, path = found
        return download_file(path, entry["name"], entry["mime_type"])

    def _words(error: InputError) -> str:
        return console.renderer.text(f"errors/{error.key}.j2", **error.params)

    base = "/web/s/{school:id}/years"
    return [
        Route(base, years_page),
        Route(base + "/close", close_page),
        Route(base + "/close", close, methods=["POST"]),
        Route(base + "/draft", draft_page),
        Route(base + "/draft", draft_upload, methods=["POST"]),
        Route(base + "/draft.xlsx", draft_file),
        Route(base + "/open", open_year, methods=["POST"]),
        Route(base + "/{year:id}/{kind}", kept),
    ]


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
