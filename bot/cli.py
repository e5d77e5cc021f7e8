"""The `caitien` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.app import App, build_app
from bot.config import Settings
from handlers.render import Renderer
from storage.db import make_engine, upgrade
from storage.errors import InputError
from storage.linking import issue_invites
from storage.models import Setting, Staff
from storage.phones import normalize_phone
from storage.plan_files import read_plan
from storage.plan_sheet import write_plan_template
from storage.plans import resolve_owners, save_plan
from storage.schools import pick_school
from storage.staff_repo import active_staff, import_staff
from storage.staff_sheet import parse_staff_sheet
from storage.text import fold_words


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="caitien", description=(
        "Quality-improvement plan assistant for Vietnamese schools (Telegram)."))
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser("demo", help="run the whole product locally, no token needed")
    commands.add_parser("run", help="run the Telegram bot (long polling)")

    db = commands.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply migrations")

    plan = commands.add_parser("plan", help="the improvement plan")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True)
    template = plan_commands.add_parser("template", help="write an empty plan spreadsheet")
    template.add_argument("file", type=Path)
    plan_import = plan_commands.add_parser("import", help="import the plan from a file")
    plan_import.add_argument("file", type=Path)
    plan_import.add_argument("--dry-run", action="store_true", help="write nothing")
    plan_import.add_argument("--json", action="store_true", help="print the parsed plan as JSON")
    plan_import.add_argument("--school-year", help="e.g. 2026-2027, when the file does not say")
    _school_option(plan_import)

    staff = commands.add_parser("staff", help="the staff list")
    staff_import = staff.add_subparsers(dest="staff_command", required=True).add_parser(
        "import", help="import the staff list")
    staff_import.add_argument("file", type=Path)
    _school_option(staff_import)

    invite = commands.add_parser("invite", help="personal links for staff to link Telegram")
    invite.add_argument("--json", action="store_true")
    invite.add_argument("--days", type=int, default=30, help="days a link stays valid")
    invite.add_argument("--staff", action="append", default=[],
                        help="only this person (phone or full name); repeatable")
    invite.add_argument("--all", action="store_true",
                        help="also staff who already linked (their old link stops working)")
    _school_option(invite)
    return root


def _school_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--school", help="school code (needed when there are several)")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.command == "run" else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings.from_env()
    try:
        return _dispatch(args, settings)
    except InputError as error:
        print(Renderer(settings.templates_dir).text(f"errors/{error.key}.j2", **error.params),
              file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo":
        from bot.demo.run import run_demo

        return run_demo()
    if args.command == "run":
        from bot.telegram.polling import run_polling

        return run_polling(settings)
    if args.command == "db":
        upgrade(make_engine(settings.database_url))
        return 0
    if args.command == "plan" and args.plan_command == "template":
        write_plan_template(args.file)
        _say(build_app(settings, migrate=False), "cli/plan_template.j2", file=args.file)
        return 0
    if args.command == "plan":
        return plan_import(args, settings)
    if args.command == "staff":
        return staff_import(args, settings)
    if args.command == "invite":
        return invite(args, settings)
    raise AssertionError(args.command)


def _say(app: App, template: str, **context: object) -> None:
    print(app.renderer.text(template, **context))


def plan_import(args: argparse.Namespace, settings: Settings) -> int:
    draft = read_plan(args.file, args.school_year)
    renderer = Renderer(settings.templates_dir)
    if args.dry_run and args.json:
        _print_json(draft, renderer)
        return 0
    app = build_app(settings)
    if args.dry_run:
        with app.sessions() as session:
            school = _existing_school(session, args.school, app)
            staff = active_staff(session, school.id) if school else []
            _say(app, "cli/plan_preview.j2", draft=draft, owners=resolve_owners(draft, staff))
        return 0
    with app.sessions.begin() as session:
        school = pick_school(session, args.school, app.clock, create=True,
                             timezone=settings.timezone)
        report = save_plan(session, school, draft, app.clock, source_name=args.file.name)
    if args.json:
        _print_json(draft, renderer)
    else:
        _say(app, "cli/plan_imported.j2", draft=draft, report=report)
    return 0


def _print_json(draft, renderer: Renderer) -> None:
    plan = draft.to_json(lambda w: renderer.text(f"warnings/{w.key}.j2", **w.params))
    print(json.dumps(plan, ensure_ascii=False, indent=2))


def _existing_school(session, code, app: App):
    try:
        return pick_school(session, code, app.clock)
    except InputError:
        return None


def staff_import(args: argparse.Namespace, settings: Settings) -> int:
    rows = parse_staff_sheet(args.file)
    app = build_app(settings)
    with app.sessions.begin() as session:
        school = pick_school(session, args.school, app.clock, create=True,
                             timezone=settings.timezone)
        report = import_staff(session, school, rows)
    _say(app, "cli/staff_imported.j2", report=report, count=len(rows))
    return 0


def invite(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    username = bot_username(app)
    with app.sessions.begin() as session:
        school = pick_school(session, args.school, app.clock)
        only = _named_staff(session, school.id, args.staff) if args.staff else None
        issued = issue_invites(session, school, app.clock, days=args.days, only=only,
                               include_linked=args.all)
        rows = [{"name": i.staff.name, "phone": i.staff.phone, "code": i.code,
                 "link": f"https://t.me/{username}?start={i.code}"} for i in issued]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _say(app, "cli/invites.j2", rows=rows, days=args.days)
    return 0


def _named_staff(session, school_id: int, wanted: list[str]) -> list[Staff]:
    staff = active_staff(session, school_id)
    chosen = []
    for item in wanted:
        phone = normalize_phone(item)
        match = [m for m in staff if (phone and m.phone_norm == phone)
                 or fold_words(m.name) == fold_words(item)]
        if len(match) != 1:
            raise InputError("staff_not_found", who=item)
        chosen.append(match[0])
    return chosen


def bot_username(app: App) -> str:
    """From TELEGRAM_BOT_USERNAME, else what the running bot last reported, else getMe."""
    if app.settings.bot_username:
        return app.settings.bot_username
    with app.sessions() as session:
        stored = session.get(Setting, "telegram.bot_username")
        if stored is not None:
            return stored.value
    if app.settings.telegram_token:
        from bot.telegram.polling import fetch_username

        return asyncio.run(fetch_username(app.settings))
    raise InputError("no_bot_username")
