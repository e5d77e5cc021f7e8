"""`caitien year`: close the school year (its report kept, next year's draft made), write
or replace the draft, and open the next year with it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import App, build_app
from bot.config import Settings
from core.errors import InputError
from readers.next_year import next_school_year
from reports.plan_workbook import plan_workbook
from reports.year_end import close_year, closing, read_draft
from storage.db import writing
from storage.plans import plan_gaps, resolve_owners
from storage.school_years import open_next_year, waiting_year
from storage.staff_repo import active_staff
from storage.schools import pick_school


def add_year_commands(commands) -> None:
    year = commands.add_parser("year", help="close the school year and open the next")
    year_commands = year.add_subparsers(dest="year_command", required=True)
    close = year_commands.add_parser(
        "close", help="keep the year's report and make next year's draft plan")
    close.add_argument("--dry-run", action="store_true", help="write nothing")
    draft = year_commands.add_parser(
        "draft", help="write next year's draft plan (.xlsx), or replace it with an edited one")
    draft.add_argument("--out", type=Path, help="the file to write")
    draft.add_argument("--from", dest="source", type=Path, metavar="FILE",
                       help="an edited copy of the draft to keep instead")
    opening = year_commands.add_parser(
        "open", help="confirm next year's draft: it becomes the school's plan")
    opening.add_argument("--file", type=Path, help="an edited copy of the draft to confirm")
    for command in (close, draft, opening):
        command.add_argument("--school", help="school code (needed when there are several)")


def year_command(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    if args.year_command == "close":
        return _close(args, app)
    if args.year_command == "draft":
        return _draft(args, app)
    return _open(args, app)


def _close(args: argparse.Namespace, app: App) -> int:
    if args.dry_run:
        with app.sessions() as session:
            school = pick_school(session, args.school, app.clock)
            summary = closing(session, school, app.clock)
            _say(app, "year/closing.j2", c=summary, done=False)
            _preview(app, session, school, summary.draft)
        return 0
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        row, summary = close_year(session, school, app.clock, app.engine.evidence,
                                  app.renderer, "cli")
        _say(app, "year/closing.j2", c=summary, done=True, row=row)
        _preview(app, session, school, summary.draft)
    return 0


def _preview(app: App, session, school, draft) -> None:
    """The draft as `plan import --dry-run` shows a plan: owners matched, gaps."""
    staff = active_staff(session, school.id)
    owners = resolve_owners(draft, staff)
    _say(app, "cli/plan_preview.j2", draft=draft, owners=owners,
         gaps=plan_gaps(draft, owners) if staff else None, mismatch=None)


def _draft(args: argparse.Namespace, app: App) -> int:
    if (args.out is None) == (args.source is None):
        raise InputError("year_draft_which")
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        row = _waiting(session, school)
        year = next_school_year(row.school_year)
        if args.out is not None:
            args.out.write_bytes(row.draft)
        else:  # read first: a file that is no plan replaces nothing
            draft = read_draft(args.source.read_bytes(), args.source.name, row, school)
            row.draft, row.draft_name = plan_workbook(draft, app.renderer), args.source.name
    _say(app, "cli/year_draft.j2", file=args.out or args.source, year=year,
         replaced=args.source is not None)
    return 0


def _open(args: argparse.Namespace, app: App) -> int:
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        row = _waiting(session, school)
        content, name = ((args.file.read_bytes(), args.file.name) if args.file
                         else (row.draft, row.draft_name))
        draft = read_draft(content, name, row, school)
        report = open_next_year(session, school, row, draft, app.clock, "cli")
        _say(app, "cli/year_opened.j2", year=draft.school_year, report=report)
    return 0


def _waiting(session, school):
    row = waiting_year(session, school.id)
    if row is None:
        raise InputError("year_none_waiting")
    return row


def _say(app: App, template: str, **context: object) -> None:
    print(app.renderer.text(template, **context))
