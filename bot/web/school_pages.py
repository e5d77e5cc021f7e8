"""A school's pages: dashboard, plan, task, evidence, staff, reports, calendar, audit trail.
Every one resolves the viewer, then the school from the URL against the viewer's scope
(another school's, or another person's object, is 404), then reads in a worker thread."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

import bot.url_ids  # noqa: F401  (the {name:id} path parameter)
from bot.channels import TELEGRAM
from bot.web.console import FORM_BYTES, Console, NotFound, Viewer, download
from core.dates import parse_day, parse_span
from core.text import file_name
from reports.audit_export import audit_csv, audit_xlsx
from reports.dashboard_data import dashboard
from reports.invitation_sheet import Card, invitation_docx, invitation_pdf
from reports.plan_form import plan_form_docx, stored_plan_form
from reports.plan_view import STATUSES, Filters, evidence_file, plan_view, task_detail
from reports.report_data import evidence_with_codes, period_of, report_data
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from reports.staff_view import StaffRow, staff_rows
from storage.access import visible_staff
from storage.audit import EVIDENCE, KINDS, record, trail
from storage.evidence_store import EVIDENCE_TYPES, evidence_type
from storage.linking import issue_invites
from storage.models import Plan, School, Staff, Task, TaskOwner
from storage.updates import attach_evidence
from reminders.preview import ASSUMPTIONS, preview
from storage.plans import current_plan, school_year_first, set_calendar
from storage.school_bots import PoolBot, pool_nearly_full, spread
from storage.schools import school_calendar, school_tz
from storage.personal_data import forget
from storage.staff_repo import active_staff, mark_left, set_pause

InvitationNames = Callable[[Session, int], tuple[str | None, list[PoolBot]]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AUDIT_PAGE = 200
# The calendar settings the page edits, in the order it shows them.
CALENDAR_FIELDS = ("year_start", "semester1_end", "year_end", "rest_days", "quiet_hours",
                   "checkin_day", "send_time", "deadline_days", "nudge_days", "digest_day",
                   "digest_time", "alert_time", "escalate_days", "silent_after", "budget",
                   "late_quiet_days")
PREVIEW_DAYS = 30  # what the calendar page shows coming
# An evidence file handed in on a task's page: as big as one sent in chat may be.
UPLOAD_BYTES = TELEGRAM.max_file_bytes


def school_routes(console: Console, invitation_names: InvitationNames) -> list[Route]:
    """`invitation_names(session, school_id)` gives the Telegram bot's username (None
    without one) and the school's pool of Zalo bots, for the invitation cards."""

    page = console.school_page

    def today(school: School) -> date:
        return console.clock.now().astimezone(ZoneInfo(school.timezone)).date()

    # --- dashboard -----------------------------------------------------------------------

    @page
    async def dashboard_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            return dashboard(session, school, viewer.scope, console.clock.now(),
                             console.app.engine.budgets())
        board = await console.read(read)
        return console.page("web/dashboard.j2", viewer=viewer, school=board.school, d=board)

    # --- plan ------------------------------------------------------------------------------

    @page
    async def plan_page(request, viewer, school_id):
        query = request.query_params
        person = query.get("person", "")
        filters = Filters(status=query.get("status") if query.get("status") in STATUSES
                          else None,
                          group=query.get("group") or None,
                          person=int(person) if person.isdigit() else None,
                          overdue=query.get("overdue") == "1")

        def read(session: Session):
            school = console.school(session, viewer, school_id)
            return school, plan_view(session, school.id, viewer.scope, filters, today(school))
        school, view = await console.read(read)
        return console.page("web/plan.j2", viewer=viewer, school=school, view=view,
                            filters=filters, statuses=STATUSES)

    @page
    async def plan_form_file(request, viewer, school_id):
        """The whole plan in the ministry's form, for those who see the school's reports."""
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.reports:
                raise NotFound
            form = stored_plan_form(session, school, today(school))
            if form is None:
                return school, None, None
            name = console.renderer.text("reports/plan_form_file_name.j2", code=school.code,
                                         school_year=form.draft.school_year)
            return school, name, plan_form_docx(form, console.renderer)
        school, name, data = await console.read(read)
        if data is None:
            return RedirectResponse(f"/web/s/{school_id}/plan", status_code=303)
        return download(data, f"{name}.docx", DOCX)

    @page
    async def task_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            detail = task_detail(session, viewer.scope, request.path_params["task"],
                                 today(school))
            if detail is None or detail.row.task.school_id != school.id:
                raise NotFound
            return school, detail, may_attach(session, viewer, detail.row.task)
        school, detail, attach = await console.read(read)
        added = request.query_params.get("added", "")
        return console.page("web/task.j2", viewer=viewer, school=school, detail=detail,
                            may_attach=attach, limit_mb=UPLOAD_BYTES // (1024 * 1024),
                            accept=",".join(EVIDENCE_TYPES),
                            added=int(added) if added.isdigit() else None)

    @page
    async def evidence_upload(request, viewer, school_id):
        """The task's owner, or the board, hands in an evidence file: the same limits and
        the same codes as a file sent in chat."""
        task_id = request.path_params["task"]
        back = f"/web/s/{school_id}/tasks/{task_id}"

        def problem(reason: str, status: int = 400, **context) -> Response:
            return console.page("web/form_problem.j2", status, viewer=viewer, problem=reason,
                                back=back, limit_mb=UPLOAD_BYTES // (1024 * 1024), **context)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > UPLOAD_BYTES + FORM_BYTES:
            return problem("too_big", 413)  # refused unread
        form = await console.form(request, viewer, UPLOAD_BYTES + FORM_BYTES)
        if form is None:
            return console.refused(viewer)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return problem("no_file")
        data = await upload.read(UPLOAD_BYTES + 1)
        name = file_name(upload.filename) or "tep"
        if len(data) > UPLOAD_BYTES:
            return problem("too_big", 413)
        found = evidence_type(name, data[:16])
        if found is None:
            return problem("wrong_type", 415, name=name)
        kind, mime_type = found
        store = console.app.engine.evidence

        def write(session: Session):
            school = console.school(session, viewer, school_id)
            detail = task_detail(session, viewer.scope, task_id, today(school))
            if detail is None or detail.row.task.school_id != school.id:
                raise NotFound
            task = detail.row.task
            if not may_attach(session, viewer, task):
                return None
            now = console.clock.now()
            stored = store.save(school.code, task.criterion.code, kind, data, name,
                                mime_type, now)
            try:
                item = attach_evidence(session, task, viewer.staff_id, stored.to_dict(),
                                       console.clock)
                plan = session.get(Plan, task.plan_id)
                code = next(c for e, c in evidence_with_codes(
                    session, school.id, plan.framework if plan else None, task.plan_id)
                    if e.id == item.id)
                record(session, EVIDENCE, school.id, now, "web", actor_id=viewer.staff_id,
                       subject=task.text, task_id=task.id, evidence_id=item.id, code=code,
                       file=name)
                session.flush()
            except Exception:
                store.discard(stored.path)
                raise
            return item.id
        added = await console.write(write)
        if added is None:
            return problem("not_yours", 403)
        return RedirectResponse(f"{back}?added={added}#gallery", status_code=303)

    @page
    async def evidence_page(request, viewer, school_id):
        def read(session: Session):
            console.school(session, viewer, school_id)
            item = evidence_file(session, viewer.scope, request.path_params["evidence"])
            if item is None or item.school_id != school_id:
                raise NotFound
            return item
        item = await console.read(read)
        path = console.app.engine.evidence.file_of(item.path)
        if path is None:
            raise NotFound
        # Photos are shown in the page; anything else is only ever downloaded.
        inline = item.kind == "photo" and request.query_params.get("view") == "1"
        return FileResponse(path, media_type=item.mime_type if inline else None,
                            filename=None if inline else (item.file_name or path.name),
                            content_disposition_type="inline" if inline else "attachment",
                            headers={"Cache-Control": "private, no-store"})

    # --- staff -----------------------------------------------------------------------------

    @page
    async def staff_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            if viewer.scope.kind == "own":
                raise NotFound
            # Only people the board marked as having left may be erased: never someone
            # still working at the school.
            departed = (session.scalars(select(Staff).where(
                Staff.school_id == school.id, Staff.forgotten_at.is_(None),
                Staff.left_on.is_not(None), Staff.active.is_(False),
                Staff.id != viewer.staff_id).order_by(Staff.left_on.desc(), Staff.name)).all()
                if viewer.scope.board else [])
            # Taken off the staff list by an import, not yet marked as having left.
            unlisted = (session.scalars(select(Staff).where(
                Staff.school_id == school.id, Staff.forgotten_at.is_(None),
                Staff.left_on.is_(None), Staff.active.is_(False)).order_by(Staff.name)).all()
                if viewer.scope.board else [])
            # The board sees the school's Zalo bots filling up, before anyone is turned away.
            pool = invitation_names(session, school.id)[1] if viewer.scope.board else []
            return (school, _staff_rows(session, viewer, school, console.clock.now()), departed,
                    unlisted, pool)
        school, rows, departed, unlisted, pool = await console.read(read)
        return console.page("web/staff.j2", viewer=viewer, school=school, rows=rows,
                            departed=departed, unlisted=unlisted, today=today(school),
                            pool=pool, pool_warning=pool_nearly_full(pool))

    async def staff_change(request, viewer, school_id, change) -> Response:
        """A board member's form on the staff page: `change(session, school, form)` makes
        it, or names the problem to show."""
        form = await console.form(request, viewer)
        if form is None:
            return console.refused(viewer)

        def write(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.board:
                raise NotFound
            return change(session, school, form)
        problem = await console.write(write)
        if problem:
            return console.page("web/form_problem.j2", 400, viewer=viewer, problem=problem,
                                back=f"/web/s/{school_id}/staff")
        return RedirectResponse(f"/web/s/{school_id}/staff", status_code=303)

    @page
    async def staff_forget(request, viewer, school_id):
        """The board erases the personal data of someone who left (the record stays)."""
        def change(session: Session, school: School, form) -> str | None:
            chosen = str(form.get("staff") or "")
            member = session.get(Staff, int(chosen)) if chosen.isdigit() else None
            if (member is None or member.school_id != school.id or member.active
                    or member.left_on is None or member.forgotten_at is not None
                    or member.id == viewer.staff_id):
                return "nobody_chosen"
            if not same_name(str(form.get("name") or ""), member.name):
                return "wrong_name"
            forget(session, member, console.renderer.text("forgotten_name.j2", id=member.id),
                   console.clock.now(), "web", viewer.staff_id)
            return None
        return await staff_change(request, viewer, school_id, change)

    @page
    async def staff_left(request, viewer, school_id):
        """The board marks someone as having left, on a day up to today: the first step
        before their personal data may be erased."""
        def change(session: Session, school: School, form) -> str | None:
            member = session.get(Staff, request.path_params["staff"])
            if (member is None or member.school_id != school.id or member.left_on is not None
                    or member.forgotten_at is not None):
                raise NotFound  # someone still listed, or taken off the list by an import
            if member.id == viewer.staff_id:
                return "not_oneself"
            try:
                day = parse_day(str(form.get("on") or ""))
            except ValueError:
                return "bad_left_date"
            if day > today(school):
                return "bad_left_date"
            mark_left(session, member, day, console.clock.now(), "web", viewer.staff_id)
            return None
        return await staff_change(request, viewer, school_id, change)

    @page
    async def staff_pause(request, viewer, school_id):
        def change(session: Session, school: School, form) -> str | None:
            member = _member(session, school, request.path_params["staff"])
            until = None
            if form.get("action") == "pause":
                try:
                    until = parse_day(str(form.get("until") or ""))
                except ValueError:
                    return "bad_date"
                if until < today(school):
                    return "bad_date"
            set_pause(session, member, until, console.clock.now(), "web", viewer.staff_id)
            return None
        return await staff_change(request, viewer, school_id, change)

    @page
    async def invitations(request, viewer, school_id):
        """Issues new codes (the old ones stop working) and answers with the sheet to
        print: codes are stored hashed, so printing is issuing."""
        form = await console.form(request, viewer)
        if form is None:
            return console.refused(viewer)
        wanted = {int(v) for v in form.getlist("staff") if str(v).isdigit()}
        kind = "pdf" if form.get("format") == "pdf" else "docx"

        def write(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.board:
                raise NotFound
            username, pool = invitation_names(session, school.id)
            members = [m for m in active_staff(session, school.id) if m.id in wanted]
            issued = issue_invites(session, school, console.clock, only=members, via="web",
                                   actor_id=viewer.staff_id)
            cards = [Card(i.staff.name, i.staff.group, i.code,
                          f"https://t.me/{username}?start={i.code}" if username else None,
                          zalo) for i, zalo in zip(issued, spread(pool, len(issued)))]
            return school, cards
        school, cards = await console.write(write)
        if not cards:
            return console.page("web/form_problem.j2", 400, viewer=viewer,
                                problem="nobody_chosen", back=f"/web/s/{school_id}/staff")
        expires = (console.clock.now() + timedelta(days=30)).astimezone(
            ZoneInfo(school.timezone)).strftime("%d/%m/%Y")
        name = console.renderer.text("web/invitation_file_name.j2", school=school)
        build = invitation_pdf if kind == "pdf" else invitation_docx
        content = build(school.name or school.code, cards, expires, console.renderer)
        return download(content, f"{name}.{kind}",
                        "application/pdf" if kind == "pdf" else DOCX)

    # --- reports ---------------------------------------------------------------------------

    @page
    async def reports_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.reports:
                raise NotFound
            return school, current_plan(session, school.id)
        school, plan = await console.read(read)
        return console.page("web/reports.j2", viewer=viewer, school=school, plan=plan,
                            problem=request.query_params.get("problem"))

    @page
    async def report_file(request, viewer, school_id):
        kind, ext = request.path_params["kind"], request.path_params["ext"]
        if (kind, ext) not in (("report", "docx"), ("report", "xlsx"), ("monitoring", "docx")):
            raise NotFound
        key = request.query_params.get("period", "hk1")
        if key == "range":
            key = f"{request.query_params.get('from', '')}:{request.query_params.get('to', '')}"

        def read(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.reports:
                raise NotFound
            if current_plan(session, school.id) is None:
                return school, None, None
            try:
                period = period_of(session, school, key)
            except ValueError:
                return school, None, None
            return school, period, report_data(session, school, period, today(school),
                                               console.app.settings.public_url)
        school, period, data = await console.read(read)
        if data is None:
            problem = "no_plan" if period is None and key in ("hk1", "year") else "bad_period"
            return RedirectResponse(f"/web/s/{school_id}/reports?problem={problem}",
                                    status_code=303)
        renderer = console.renderer
        if kind == "monitoring":
            name = renderer.text("reports/monitoring_file_name.j2", school=school, period=period)
            return download(monitoring_docx(data, renderer), f"{name}.docx", DOCX)
        name = renderer.text("reports/file_name.j2", school=school, period=period)
        if ext == "xlsx":
            return download(report_xlsx(data, renderer), f"{name}.xlsx", XLSX)
        return download(report_docx(data, renderer), f"{name}.docx", DOCX)

    # --- calendar --------------------------------------------------------------------------

    @page
    async def calendar_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            now = console.clock.now()
            end = now + timedelta(days=PREVIEW_DAYS)
            coming = [preview(session, school, now, end, assume) for assume in ASSUMPTIONS]
            return school, school_calendar(school), _first_year(session, school, now), coming
        school, cal, first, coming = await console.read(read)
        return console.page("web/calendar.j2", viewer=viewer, school=school,
                            values=_calendar_values(cal), saved=request.query_params.get("saved"),
                            coming=coming, **calendar_words(cal, first))

    @page
    async def calendar_save(request, viewer, school_id):
        form = await console.form(request, viewer)
        if form is None:
            return console.refused(viewer)
        values = {name: str(form.get(name) or "").strip() or None for name in CALENDAR_FIELDS}

        def write(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.board:
                raise NotFound
            first = _first_year(session, school, console.clock.now())
            try:
                values["holidays"] = _holidays(str(form.get("holidays") or ""), first,
                                               console.renderer.words("range.joining"))
                cal = school_calendar(school).changed(**values)
            except ValueError as exc:
                return school, None, str(exc), first
            moved = set_calendar(session, school, cal, console.clock.now(), "web",
                                 viewer.staff_id)
            return school, moved, None, first
        school, moved, problem, first = await console.write(write)
        if problem is not None:
            cal = school_calendar(school)
            typed = {k: v or "" for k, v in values.items() if k != "holidays"}
            return console.page("web/calendar.j2", 400, viewer=viewer, school=school,
                                values={**_calendar_values(cal), **typed,
                                        "holidays": str(form.get("holidays") or "")},
                                saved=None, problem=problem, coming=[],
                                **calendar_words(cal, first))
        return RedirectResponse(f"/web/s/{school_id}/calendar?saved={moved}", status_code=303)

    def calendar_words(cal, first_year: int) -> dict:
        return {"fields": CALENDAR_FIELDS,
                "names": console.renderer.pairs("web/calendar_fields.j2"),
                "summary": console.renderer.text("calendar_summary.j2", cal=cal,
                                                 first_year=first_year)}

    # --- audit trail -----------------------------------------------------------------------

    def audit_filters(request: Request, school: School):
        query = request.query_params
        kind = query.get("kind")
        person = query.get("person", "")
        tz = ZoneInfo(school.timezone)

        def moment(name: str, plus: int = 0):
            try:
                day = date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None
            return datetime.combine(day + timedelta(days=plus), time(0), tzinfo=tz)
        return dict(kinds={kind} if kind in KINDS else None,
                    actor_id=int(person) if person.isdigit() else None,
                    since=moment("from"), until=moment("to", 1))

    @page
    async def audit_page(request, viewer, school_id):
        def read(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.reports:
                raise NotFound
            entries = trail(session, school.id, limit=AUDIT_PAGE + 1,
                            **audit_filters(request, school))
            return school, entries, active_staff(session, school.id)
        school, entries, people = await console.read(read)
        return console.page("web/audit.j2", viewer=viewer, school=school,
                            entries=entries[:AUDIT_PAGE], more=len(entries) > AUDIT_PAGE,
                            kinds=KINDS, people=people, query=request.query_params,
                            export=request.url.query,
                            words=console.renderer.pairs("web/audit_words.j2"),
                            fields=console.renderer.pairs("web/calendar_fields.j2"))

    @page
    async def audit_export(request, viewer, school_id):
        ext = request.path_params["ext"]
        if ext not in ("xlsx", "csv"):
            raise NotFound

        def read(session: Session):
            school = console.school(session, viewer, school_id)
            if not viewer.scope.reports:
                raise NotFound
            return school, trail(session, school.id, **audit_filters(request, school))
        school, entries = await console.read(read)
        name = console.renderer.text("web/audit_file_name.j2", school=school)
        if ext == "csv":
            return download(audit_csv(entries, school.timezone, console.renderer),
                            f"{name}.csv", "text/csv; charset=utf-8")
        return download(audit_xlsx(entries, school.timezone, console.renderer),
                        f"{name}.xlsx", XLSX)

    base = "/web/s/{school:id}"
    return [
        Route(base + "/", dashboard_page),
        Route(base + "/plan", plan_page),
        Route(base + "/plan.docx", plan_form_file),
        Route(base + "/tasks/{task:id}", task_page),
        Route(base + "/tasks/{task:id}/evidence", evidence_upload, methods=["POST"]),
        Route(base + "/evidence/{evidence:id}", evidence_page),
        Route(base + "/staff", staff_page),
        Route(base + "/staff/{staff:id}/pause", staff_pause, methods=["POST"]),
        Route(base + "/staff/{staff:id}/left", staff_left, methods=["POST"]),
        Route(base + "/staff/forget", staff_forget, methods=["POST"]),
        Route(base + "/invitations", invitations, methods=["POST"]),
        Route(base + "/reports", reports_page),
        Route(base + "/reports/{kind}.{ext}", report_file),
        Route(base + "/calendar", calendar_page),
        Route(base + "/calendar", calendar_save, methods=["POST"]),
        Route(base + "/audit", audit_page),
        Route(base + "/audit.{ext}", audit_export),
    ]


def may_attach(session: Session, viewer: Viewer, task: Task) -> bool:
    """Evidence is handed in by the task's owners, or by the board."""
    if viewer.scope.board:
        return True
    return viewer.staff_id is not None and session.scalar(select(TaskOwner.id).where(
        TaskOwner.task_id == task.id, TaskOwner.staff_id == viewer.staff_id).limit(1)) is not None


def _member(session: Session, school: School, staff_id: int) -> Staff:
    member = session.get(Staff, staff_id)
    if member is None or member.school_id != school.id or not member.active:
        raise NotFound
    return member


def _staff_rows(session: Session, viewer: Viewer, school: School, now: datetime
                ) -> list[StaffRow]:
    people = visible_staff(session, viewer.scope, school.id)
    return staff_rows(session, school.id, people, now)


def same_name(typed: str, name: str) -> bool:
    """The name typed to confirm an erasure is the person's: the same words with the same
    marks, whatever the capitals, spacing or keyboard's Unicode form."""
    def plain(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return bool(typed.strip()) and plain(typed) == plain(name)


def _calendar_values(cal) -> dict[str, str]:
    stored = cal.to_json()
    values = {name: ", ".join(map(str, stored[name])) if isinstance(stored[name], list)
              else str(stored[name]) for name in CALENDAR_FIELDS}
    values["holidays"] = "\n".join(
        f"{h.start:%d/%m/%Y}{f' - {h.end:%d/%m/%Y}' if h.end != h.start else ''} {h.name}".strip()
        for h in cal.holidays)
    return values


def _holidays(text: str, first_year: int, joining: list[str]) -> list[dict]:
    """The school's own days off, one a line, as people write them («Tết từ 4/2 đến 14/2»,
    «25/01/2027 - 07/02/2027 Tết», «2027-01-25 2027-02-07 Tết Nguyên đán»)."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            span = parse_span(line, first_year, joining)
        except ValueError as exc:
            raise ValueError("holidays") from exc
        found.append({"from": span.start.isoformat(), "to": span.end.isoformat(),
                      "name": span.name})
    return found


def _first_year(session: Session, school: School, now: datetime) -> int:
    return school_year_first(session, school, now.astimezone(school_tz(school)).date())
