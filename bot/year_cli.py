"""`caitien year`: close the school year (its report kept, next year's draft made), write
or replace the draft, and open the next year with it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.command_line import Context
from core.errors import InputError
from readers.next_year import next_school_year
from readers.plan_draft import PlanDraft
from reports.plan_workbook import plan_workbook
from reports.year_end import close_year, closing, read_draft
from storage.db import writing
from storage.plans import plan_gaps, resolve_owners
from storage.school_years import open_next_year, waiting_year
from storage.models import School, SchoolYear
from storage.staff_repo import active_staff


def year_close(ctx: Context) -> int:
    app = ctx.app
    if ctx.args.dry_run:
        with app.sessions() as session:
            school = ctx.school(session)
            summary = closing(session, school, app.clock)
            ctx.say("year/closing.j2", c=summary, done=False)
            _preview(ctx, session, school, summary.draft)
        return 0
    with writing(app.sessions) as session:
        school = ctx.school(session)
        row, summary = close_year(session, school, app.clock, app.engine.evidence,
                                  ctx.renderer, "cli")
        ctx.say("year/closing.j2", c=summary, done=True, row=row)
        _preview(ctx, session, school, summary.draft)
    return 0


def _preview(ctx: Context, session: Session, school: School, draft: PlanDraft) -> None:
    """The draft as `plan import --dry-run` shows a plan: owners matched, gaps."""
    staff = active_staff(session, school.id)
    owners = resolve_owners(draft, staff)
    ctx.say("cli/plan_preview.j2", draft=draft, owners=owners,
            gaps=plan_gaps(draft, owners) if staff else None, mismatch=None)


def year_draft(ctx: Context) -> int:
    args, app = ctx.args, ctx.app
    if (args.out is None) == (args.source is None):
        raise InputError("year_draft_which")
    with app.sessions() as session:
        school = ctx.school(session)
        row = _waiting(session, school)
    year = next_school_year(row.school_year)
    if args.out is not None:
        args.out.write_bytes(row.draft)
    else:
        # Read first, while no transaction is open: a file that is no plan replaces nothing.
        draft = read_draft(args.source.read_bytes(), args.source.name, row, school)
        workbook = plan_workbook(draft, ctx.renderer)
        with writing(app.sessions) as session:
            now = _waiting(session, ctx.school(session))
            now.draft, now.draft_name = workbook, args.source.name
    ctx.say("cli/year_draft.j2", file=args.out or args.source, year=year,
            replaced=args.source is not None)
    return 0


def year_open(ctx: Context) -> int:
    args, app = ctx.args, ctx.app
    with app.sessions() as session:
        school = ctx.school(session)
        row = _waiting(session, school)
    content, name = ((args.file.read_bytes(), args.file.name) if args.file
                     else (row.draft, row.draft_name))
    # Read before the write, in a process of its own: no lock is held while it reads.
    draft = read_draft(content, name, row, school)
    with writing(app.sessions) as session:
        school = ctx.school(session)
        now = _waiting(session, school)
        if now.id != row.id or now.draft != row.draft:
            raise InputError("year_draft_replaced", school_year=next_school_year(row.school_year))
        report = open_next_year(session, school, now, draft, app.clock, "cli")
    ctx.say("cli/year_opened.j2", year=draft.school_year, report=report)
    return 0


def _waiting(session: Session, school: School) -> SchoolYear:
    row = waiting_year(session, school.id)
    if row is None:
        raise InputError("year_none_waiting")
    return row
