"""`caitien plan template|import|export`: an empty plan spreadsheet to fill in, a plan file
imported (or only previewed), and the stored plan written back as a spreadsheet or in the
ministry's form."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.command_line import Context
from core.calendar import SchoolCalendar
from core.errors import InputError
from readers.isolated import read_plan_isolated
from readers.plan_draft import PlanDraft
from readers.plan_files import read_plan
from reports.plan_form import document_plan_form, plan_form_docx, stored_plan_form
from reports.plan_template import write_plan_template
from reports.plan_workbook import plan_workbook, stored_plan
from storage.db import writing
from storage.models import School
from storage.plans import plan_gaps, plan_mismatch, resolve_owners, save_plan
from storage.schools import school_calendar, school_tz
from storage.staff_repo import active_staff
from templates.render import Renderer

EXPORT_FORMATS = ("xlsx", "docx")


def plan_template(ctx: Context) -> int:
    write_plan_template(ctx.args.file, ctx.renderer)
    ctx.say("cli/plan_template.j2", file=ctx.args.file)
    return 0


def plan_import(ctx: Context) -> int:
    args = ctx.args
    if args.dry_run and args.json:  # what the file says, the database untouched
        _print_json(read_plan_isolated(args.file, args.school_year), ctx.renderer)
        return 0
    app = ctx.app
    with app.sessions() as session:
        school = _existing_school(ctx, session)
        cal = school_calendar(school) if school is not None else SchoolCalendar()
    # Read once, against the school's own calendar, while no transaction is open.
    draft = read_plan_isolated(args.file, args.school_year, cal)
    with app.sessions() as session:
        school = _existing_school(ctx, session)
        mismatch = plan_mismatch(session, school, draft, app.clock.now().astimezone(
            school_tz(school)).date()) if school else None
        if args.dry_run:
            staff = active_staff(session, school.id) if school else []
            owners = resolve_owners(draft, staff)
            ctx.say("cli/plan_preview.j2", draft=draft, owners=owners,
                    gaps=plan_gaps(draft, owners) if staff else None, mismatch=mismatch)
            return 0
    if mismatch is not None and mismatch.any and not args.other_school_year:
        # As in chat, where it takes «đúng, nhập vào …»: another school's or year's plan
        # replaces nothing without being asked for.
        print(ctx.renderer.text("cli/plan_mismatch_refused.j2", mismatch=mismatch),
              file=sys.stderr)
        return 1
    with writing(app.sessions) as session:
        report = save_plan(session, ctx.school(session, create=True), draft, app.clock,
                           source_name=args.file.name, via="cli")
    if args.json:
        _print_json(draft, ctx.renderer)
    else:
        ctx.say("cli/plan_imported.j2", draft=draft, report=report)
    return 0


def _print_json(draft: PlanDraft, renderer: Renderer) -> None:
    plan = draft.to_json(lambda w: renderer.text(f"warnings/{w.key}.j2", **w.params))
    print(json.dumps(plan, ensure_ascii=False, indent=2))


def _existing_school(ctx: Context, session: Session) -> School | None:
    """The school --school names, or None when there is none yet (the import makes it)."""
    try:
        return ctx.school(session)
    except InputError:
        return None


def plan_export(ctx: Context) -> int:
    """The plan in the spreadsheet's columns, to correct and import again, or in the
    ministry's form, to sign: as read from a document (--from), to check what was
    understood, or as stored."""
    args = ctx.args
    out = args.out or args.file
    kind = args.format or ("docx" if out and out.suffix.lower() == ".docx" else "xlsx")
    if out is not None and out.suffix.lower() != f".{kind}":
        raise InputError("plan_export_format", name=out.name, kind=kind)
    if args.source is not None:
        draft = read_plan(args.source, args.school_year)
        code = ""
        form = document_plan_form(draft, datetime.now(ZoneInfo(ctx.settings.timezone)).date())
    else:
        app = ctx.app
        with app.sessions() as session:
            school = ctx.school(session)
            code = school.code
            draft = stored_plan(session, school)
            form = stored_plan_form(session, school, app.clock.now().astimezone(
                school_tz(school)).date()) if kind == "docx" else None
        if draft is None:
            raise InputError("plan_none")
    if out is None:
        name = ctx.renderer.text("reports/plan_form_file_name.j2", code=code,
                                 school_year=draft.school_year)
        out = Path(f"{name}.{kind}")
    if kind == "docx":
        out.write_bytes(plan_form_docx(form, ctx.renderer))
        ctx.say("cli/plan_form_exported.j2", file=out, draft=draft)
    else:
        out.write_bytes(plan_workbook(draft, ctx.renderer))
        ctx.say("cli/plan_exported.j2", file=out, draft=draft)
    return 0
