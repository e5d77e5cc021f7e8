"""The `caitien` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import evidence_cli, logs, records_cli
from bot.year_cli import add_year_commands, year_command
from bot.app import App, build_app
from bot.config import Settings
from templates.render import Renderer
from core.calendar import SchoolCalendar
from core.dates import parse_day, parse_span
from reminders.preview import ASSUMPTIONS, preview
from reports.charts import progress_chart
from storage.db import writing
from reports.digest_data import digest_data
from core.errors import InputError
from storage.linking import issue_invites
from storage.models import Staff
from core.phones import normalize_phone
from readers.isolated import read_plan_isolated
from readers.plan_files import read_plan
from storage.plans import (
    current_plan,
    plan_gaps,
    plan_mismatch,
    resolve_owners,
    save_plan,
    school_year_first,
    set_calendar,
)
from reports.report_data import period_of, report_data
from reports.plan_form import document_plan_form, plan_form_docx, stored_plan_form
from reports.plan_template import write_plan_template
from reports.plan_workbook import plan_workbook, stored_plan
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from storage.schools import pick_school, school_calendar, school_tz
from storage.school_bots import bot_of_school, pool_of_school, spread
from storage.settings import setting
from storage.staff_repo import active_staff, import_staff, set_pause
from readers.staff_sheet import parse_staff_sheet
from core.text import fold_words


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="caitien", description=(
        "Quality-improvement plan assistant for Vietnamese schools (Telegram)."))
    commands = root.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the whole product locally, no token needed")
    demo.add_argument("--channel", choices=("both", "zalo"), default="both",
                      help="a teacher on Telegram beside one on Zalo, or everyone on Zalo")
    demo.add_argument("--web", action="store_true",
                      help="open the training sandbox in a browser instead (127.0.0.1)")
    demo.add_argument("--port", type=int, default=8000, help="the sandbox's port, with --web")
    commands.add_parser("run", help="run the bots (Telegram, Zalo) by long polling")
    serve = commands.add_parser("serve", help="serve webhooks and health checks (ASGI)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    webhook = commands.add_parser("webhook", help="receive updates by webhook, or stop")
    webhook_commands = webhook.add_subparsers(dest="webhook_command", required=True)
    webhook_set = webhook_commands.add_parser("set", help="register the webhook")
    webhook_set.add_argument("--url", required=True,
                             help="the public HTTPS address of `caitien serve`")
    webhook_set.add_argument("--channel", default="telegram", choices=["telegram", "zalo"])
    webhook_delete = webhook_commands.add_parser("delete", help="go back to polling")
    webhook_delete.add_argument("--channel", default="telegram", choices=["telegram", "zalo"])

    db = commands.add_parser("db", help="database maintenance")
    db_upgrade = db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply migrations")
    db_upgrade.add_argument("--backup", type=Path, metavar="FILE",
                            help="first write an archive of the database as it is")
    records_cli.add_commands(commands)

    plan = commands.add_parser("plan", help="the improvement plan")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True)
    template = plan_commands.add_parser("template", help="write an empty plan spreadsheet")
    template.add_argument("file", type=Path)
    plan_import = plan_commands.add_parser("import", help="import the plan from a file")
    plan_import.add_argument("file", type=Path)
    plan_import.add_argument("--dry-run", action="store_true", help="write nothing")
    plan_import.add_argument("--json", action="store_true", help="print the parsed plan as JSON")
    plan_import.add_argument("--school-year", help="e.g. 2026-2027, when the file does not say")
    plan_import.add_argument("--other-school-year", action="store_true",
                             help="import although the file names another school or year")
    _school_option(plan_import)
    plan_export = plan_commands.add_parser(
        "export", help="write the plan as a spreadsheet (.xlsx) to correct and import again, "
        "or in the ministry's form (.docx) to sign")
    plan_export.add_argument("file", type=Path, nargs="?", help="the same as --out")
    plan_export.add_argument("--out", type=Path, metavar="FILE",
                             help="where to write (default: a name from the school and year)")
    plan_export.add_argument("--format", choices=EXPORT_FORMATS,
                             help="xlsx (the default) or docx: the 57/2026 Biểu 2, or the "
                             "nine-column table for a plan under the 2018 circulars")
    plan_export.add_argument("--from", dest="source", type=Path, metavar="DOCUMENT",
                             help="the plan as read from this document, not the stored one")
    plan_export.add_argument("--school-year",
                             help="with --from: e.g. 2026-2027, when the document does not say")
    _school_option(plan_export)

    staff = commands.add_parser("staff", help="the staff list")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    staff_import = staff_commands.add_parser("import", help="import the staff list")
    staff_import.add_argument("file", type=Path)
    _school_option(staff_import)
    pause = staff_commands.add_parser("pause", help="no reminders to someone on leave")
    pause.add_argument("who", help="phone or full name")
    pause.add_argument("--until", required=True, help="last day of the leave, YYYY-MM-DD")
    _school_option(pause)
    resume = staff_commands.add_parser("resume", help="reminders again, before the leave ends")
    resume.add_argument("who", help="phone or full name")
    _school_option(resume)
    records_cli.add_staff_commands(staff_commands)

    reminders = commands.add_parser("reminders", help="scheduled reminders")
    preview = reminders.add_subparsers(dest="reminders_command", required=True).add_parser(
        "preview", help="what would be sent, when and to whom")
    preview.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
    preview.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (not included)")
    preview.add_argument("--assume", choices=("answers", "silent", "both"), default="both",
                         help="everyone answers the day a message arrives, nobody answers, "
                              "or both one after the other (default)")
    preview.add_argument("--json", action="store_true", help="one JSON object a line")
    _school_option(preview)

    report = commands.add_parser("report", help="the implementation report, Word or Excel")
    report.add_argument("--period", default="year",
                        help="hk1, year or FROM:TO with dates YYYY-MM-DD (default year)")
    report.add_argument("--format", choices=("docx", "xlsx"),
                        help="default: from the file name of --out")
    report.add_argument("--out", type=Path, required=True, help="the file to write")
    report.add_argument("--monitoring", action="store_true",
                        help="the monitoring team's report (.docx)")
    _school_option(report)

    digest = commands.add_parser("digest", help="the principal's weekly digest, as of a day")
    digest.add_argument("--as-of", help="YYYY-MM-DD (default today)")
    digest.add_argument("--chart", type=Path,
                        help="where to write the chart (default digest-DAY.png here)")
    _school_option(digest)

    evidence_cli.add_parser(commands)

    calendar = commands.add_parser("calendar", help="the school calendar")
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    _school_option(calendar_commands.add_parser("show", help="print the school calendar"))
    change = calendar_commands.add_parser("set", help="change the school calendar")
    for option, meaning in CALENDAR_OPTIONS.items():
        change.add_argument(f"--{option.replace('_', '-')}", dest=option, help=meaning)
    change.add_argument("--holiday", action="append", default=[],
                        help="a day off as people write it: 'Tết từ 4/2 đến 14/2', "
                             "'20/11', '2027-02-04 2027-02-14 Tết'; repeatable, added to "
                             "the school's own (a Tết break replaces the default one)")
    change.add_argument("--clear-holidays", action="store_true",
                        help="forget the school's own days off (public holidays stay)")
    _school_option(change)

    school = commands.add_parser("school", help="the schools of this deployment")
    school_commands = school.add_subparsers(dest="school_command", required=True)
    school_bot = school_commands.add_parser(
        "bot", help="the school's own Telegram bot (default: the deployment's bot), its Zalo "
                    "bots (a pool: 50 people a bot on Zalo's Basic plan); alone, lists them")
    school_bot.add_argument("--telegram-token", help="the token @BotFather gave the school's bot")
    school_bot.add_argument("--zalo-token",
                            help="one more Zalo bot for the school (Zalo Bot Manager's token)")
    school_bot.add_argument("--remove", action="store_true",
                            help="back to the deployment's default bot")
    _school_option(school_bot)
    school_add = school_commands.add_parser(
        "add", help="create a school, or name an existing one and attach it to a district")
    school_add.add_argument("code", help="the school's code")
    school_add.add_argument("--name", help="its full name, e.g. Trường THCS Hoà Bình")
    school_add.add_argument("--district", help="the code of its district (Phòng GD&ĐT)")

    district = commands.add_parser("district", help="districts (Phòng GD&ĐT) and their accounts")
    district_commands = district.add_subparsers(dest="district_command", required=True)
    district_add = district_commands.add_parser("add", help="create a district")
    district_add.add_argument("code", help="a short code, e.g. q1")
    district_add.add_argument("--name", required=True, help='e.g. "Phòng GD&ĐT Quận 1"')
    district_member = district_commands.add_parser(
        "member", help="an account that sees every school of the district on the web")
    district_member.add_argument("code", help="the district's code")
    district_member.add_argument("--name", required=True, help="the person's full name")
    district_member.add_argument("--phone", required=True, help="their phone number")
    district_commands.add_parser("list", help="the districts, their schools and accounts")

    web = commands.add_parser("web", help="the web console")
    web_link = web.add_subparsers(dest="web_command", required=True).add_parser(
        "link", help="print a one-time sign-in link (needs CAITIEN_PUBLIC_URL)")
    web_link.add_argument("--phone", required=True,
                          help="a staff member's or a district account's phone")
    web_link.add_argument("--school", help="the staff member of this school (when the phone "
                                           "is in several schools or is a district account)")

    add_year_commands(commands)
    invite = commands.add_parser("invite", help="personal links for staff to link Telegram")
    invite.add_argument("--json", action="store_true")
    invite.add_argument("--days", type=int, default=30, help="days a link stays valid")
    invite.add_argument("--staff", action="append", default=[],
                        help="only this person (phone or full name); repeatable")
    invite.add_argument("--all", action="store_true",
                        help="also staff who already linked (their old link stops working)")
    _school_option(invite)
    return root


EXPORT_FORMATS = ("xlsx", "docx")
CALENDAR_OPTIONS = {
    "year_start": "first day of the school year, MM-DD (default 09-05)",
    "semester1_end": "last day of the first semester, MM-DD (default 01-15)",
    "year_end": "last day of the school year, MM-DD (default 05-31)",
    "rest_days": "days with no reminders, e.g. sun or sat,sun",
    "quiet_hours": "no reminders between, e.g. 20:00-07:00",
    "checkin_day": "day of the month for the monthly check-in (1-28, default 25)",
    "send_time": "hour reminders go out, e.g. 08:00",
    "deadline_days": "days before a deadline to remind, e.g. 14,7,1",
    "nudge_days": "days before an unanswered check-in is followed up (0: never)",
    "review_days": "days before the end of a term to ask for the review",
    "grace_hours": "how long a weekly digest is still worth sending after the bot was down",
    "digest_day": "day of the board's weekly digest, e.g. mon",
    "digest_time": "hour of the weekly digest, e.g. 07:00",
    "alert_time": "hour of the daily look for overdue tasks, e.g. 07:30",
    "escalate_days": "days between the steps of an overdue alert (owner, group leader, "
                     "monitoring team, principal)",
    "silent_after": "unanswered check-ins in a row before the monitoring team is told",
    "budget": "scheduled messages one person receives in a month at most (default 6)",
    "late_quiet_days": "days an owner's reason for a late task quiets its alerts (default 14)",
    "public_holidays": "on|off: Vietnam's public holidays and Tết break (default on)",
}


def _school_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--school", help="school code (needed when there are several)")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except InputError as error:  # a setting the operator must change first
        own = os.environ.get("CAITIEN_TEMPLATES_DIR")
        print(Renderer(Path(own) if own else None).text(f"errors/{error.key}.j2",
                                                         **error.params), file=sys.stderr)
        return 2
    logs.set_up(logging.INFO if args.command in ("run", "serve") else logging.WARNING,
                [settings.telegram_token or "", settings.zalo_token or ""])
    try:
        return _dispatch(args, settings)
    except InputError as error:
        print(Renderer(settings.templates_dir).text(f"errors/{error.key}.j2", **error.params),
              file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "demo":
        from bot.demo.run import run_demo, run_web_demo

        return run_web_demo(args.port) if args.web else run_demo(args.channel)
    if args.command == "run":
        from bot.run import run

        return run(settings)
    if args.command == "serve":
        from bot.server import serve

        return serve(settings, args.host, args.port)
    if args.command == "webhook" and args.channel == "zalo":
        from bot.zalo.webhook_cli import webhook_command

        return webhook_command(args, settings)
    if args.command == "webhook":
        from bot.telegram.webhook_cli import webhook_command

        return webhook_command(args, settings)
    if args.command == "db":
        return records_cli.db_upgrade_command(args, settings)
    if args.command == "backup":
        return records_cli.backup_command(args, settings)
    if args.command == "restore":
        return records_cli.restore_command(args, settings)
    if args.command == "export":
        return records_cli.export_command(args, settings)
    if args.command == "plan" and args.plan_command == "template":
        app = build_app(settings, migrate=False)
        write_plan_template(args.file, app.renderer)
        _say(app, "cli/plan_template.j2", file=args.file)
        return 0
    if args.command == "plan" and args.plan_command == "export":
        return plan_export(args, settings)
    if args.command == "plan":
        return plan_import(args, settings)
    if args.command == "staff" and args.staff_command == "import":
        return staff_import(args, settings)
    if args.command == "staff" and args.staff_command == "forget":
        return records_cli.staff_forget(args, settings)
    if args.command == "staff" and args.staff_command == "data":
        return records_cli.staff_data(args, settings)
    if args.command == "staff":
        return staff_pause(args, settings)
    if args.command == "reminders":
        return reminders_preview(args, settings)
    if args.command == "calendar":
        return calendar_command(args, settings)
    if args.command == "report":
        return report_command(args, settings)
    if args.command == "digest":
        return digest_command(args, settings)
    if args.command == "evidence":
        return evidence_cli.evidence_command(args, settings)
    if args.command == "invite":
        return invite(args, settings)
    if args.command == "year":
        return year_command(args, settings)
    if args.command == "school" and args.school_command == "add":
        from bot.district_cli import school_add

        return school_add(args, settings)
    if args.command == "district":
        from bot.district_cli import district_command

        return district_command(args, settings)
    if args.command == "web":
        from bot.district_cli import web_link

        return web_link(args, settings)
    if args.command == "school":
        from bot.telegram.school_bot_cli import school_bot_command
        from bot.zalo.pool_cli import add_zalo_bot, show_zalo_pool

        if args.zalo_token:
            return add_zalo_bot(args.school, args.zalo_token, settings)
        code = school_bot_command(args, settings)
        if not (args.telegram_token or args.remove):
            show_zalo_pool(args.school, settings)
        return code
    raise AssertionError(args.command)


def _say(app: App, template: str, **context: object) -> None:
    print(app.renderer.text(template, **context))


def plan_import(args: argparse.Namespace, settings: Settings) -> int:
    draft = read_plan_isolated(args.file, args.school_year)
    renderer = Renderer(settings.templates_dir)
    if args.dry_run and args.json:
        _print_json(draft, renderer)
        return 0
    app = build_app(settings)
    with app.sessions() as session:
        school = _existing_school(session, args.school, app)
        if school is not None and school.calendar:
            draft = read_plan_isolated(args.file, args.school_year, school_calendar(school))
        mismatch = plan_mismatch(session, school, draft, app.clock.now().astimezone(
            school_tz(school)).date()) if school else None
        if args.dry_run:
            staff = active_staff(session, school.id) if school else []
            owners = resolve_owners(draft, staff)
            _say(app, "cli/plan_preview.j2", draft=draft, owners=owners,
                 gaps=plan_gaps(draft, owners) if staff else None, mismatch=mismatch)
            return 0
        if mismatch is not None and mismatch.any and not args.other_school_year:
            # As in chat, where it takes «đúng, nhập vào …»: another school's or year's
            # plan replaces nothing without being asked for.
            print(app.renderer.text("cli/plan_mismatch_refused.j2", mismatch=mismatch),
                  file=sys.stderr)
            return 1
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock, create=True,
                             timezone=settings.timezone)
        report = save_plan(session, school, draft, app.clock, source_name=args.file.name,
                           via="cli")
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


def plan_export(args: argparse.Namespace, settings: Settings) -> int:
    """The plan in the spreadsheet's columns, to correct and import again, or in the
    ministry's form, to sign: as read from a document (--from), to check what was
    understood, or as stored."""
    out = args.out or args.file
    kind = args.format or ("docx" if out and out.suffix.lower() == ".docx" else "xlsx")
    if out is not None and out.suffix.lower() != f".{kind}":
        raise InputError("plan_export_format", name=out.name, kind=kind)
    if args.source is not None:
        draft = read_plan(args.source, args.school_year)
        renderer = Renderer(settings.templates_dir)
        code = ""
        form = document_plan_form(draft, datetime.now(ZoneInfo(settings.timezone)).date())
    else:
        app = build_app(settings)
        renderer = app.renderer
        with app.sessions() as session:
            school = pick_school(session, args.school, app.clock)
            code = school.code
            draft = stored_plan(session, school)
            form = stored_plan_form(session, school, app.clock.now().astimezone(
                ZoneInfo(school.timezone)).date()) if kind == "docx" else None
        if draft is None:
            raise InputError("plan_none")
    if out is None:
        name = renderer.text("reports/plan_form_file_name.j2", code=code,
                             school_year=draft.school_year)
        out = Path(f"{name}.{kind}")
    if kind == "docx":
        out.write_bytes(plan_form_docx(form, renderer))
        print(renderer.text("cli/plan_form_exported.j2", file=out, draft=draft))
    else:
        out.write_bytes(plan_workbook(draft, renderer))
        print(renderer.text("cli/plan_exported.j2", file=out, draft=draft))
    return 0


def staff_import(args: argparse.Namespace, settings: Settings) -> int:
    rows = parse_staff_sheet(args.file)
    app = build_app(settings)
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock, create=True,
                             timezone=settings.timezone)
        report = import_staff(session, school, rows)
    _say(app, "cli/staff_imported.j2", report=report, count=len(rows))
    return 0


def invite(args: argparse.Namespace, settings: Settings) -> int:
    """One code a person: the Telegram link carries it, and it is sent as it is to the Zalo
    bot. Either channel alone is enough."""
    app = build_app(settings)
    with app.sessions() as session:
        school_id = pick_school(session, args.school, app.clock).id
        own = bot_of_school(session, school_id, "telegram")
        username = own.username if own is not None else None
        pool = pool_of_school(session, school_id, "zalo", settings.zalo_users_per_bot,
                              default=bool(settings.zalo_token))
    username = username or telegram_username(app)
    if settings.zalo_token and pool and pool[0].key is None and pool[0].name is None:
        pool[0] = replace(pool[0], name=zalo_name(app))
    if username is None and not pool:
        raise InputError("no_bot_username")
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        only = _named_staff(session, school.id, args.staff) if args.staff else None
        issued = issue_invites(session, school, app.clock, days=args.days, only=only,
                               include_linked=args.all, via="cli")
        rows = [{"name": i.staff.name, "phone": i.staff.phone, "code": i.code,
                 "link": f"https://t.me/{username}?start={i.code}" if username else None,
                 **({"zalo": zalo} if pool else {})}
                for i, zalo in zip(issued, spread(pool, len(issued)))]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _say(app, "cli/invites.j2", rows=rows, days=args.days, zalo=bool(pool),
             zalo_name=pool[0].name if len(pool) == 1 else None, pooled=len(pool) > 1)
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


def telegram_username(app: App) -> str | None:
    """From TELEGRAM_BOT_USERNAME, else what the running bot last reported, else getMe;
    None when there is no Telegram bot."""
    from bot.telegram.connection import USERNAME_SETTING, fetch_username

    if app.settings.bot_username:
        return app.settings.bot_username
    with app.sessions() as session:
        stored = setting(session, USERNAME_SETTING)
        if stored is not None:
            return stored
    if app.settings.telegram_token:
        return asyncio.run(fetch_username(app.settings))
    return None


def zalo_name(app: App) -> str | None:
    """The Zalo bot's name, as the running bot last reported it, else getMe."""
    from bot.zalo.connection import NAME_SETTING, fetch_name

    with app.sessions() as session:
        stored = setting(session, NAME_SETTING)
        if stored is not None:
            return stored
    return asyncio.run(fetch_name(app.settings))


def staff_pause(args: argparse.Namespace, settings: Settings) -> int:
    until = _day(args.until) if args.staff_command == "pause" else None
    app = build_app(settings)
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        (member,) = _named_staff(session, school.id, [args.who])
        set_pause(session, member, until, app.clock.now(), "cli")
        name = member.name
    _say(app, "cli/staff_paused.j2", name=name, until=until)
    return 0


def reminders_preview(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    with app.sessions() as session:
        school = pick_school(session, args.school, app.clock)
        tz = ZoneInfo(school.timezone)
        start = datetime.combine(_day(args.start), time(0), tzinfo=tz)
        end = datetime.combine(_day(args.end), time(0), tzinfo=tz)
        assumptions = ASSUMPTIONS if args.assume == "both" else (args.assume,)
        found = [preview(session, school, start, end, assume) for assume in assumptions]
    for result in found:
        if args.json:
            for line in result.lines:
                print(json.dumps({"assume": result.assume, **line}, ensure_ascii=False))
        else:
            _say(app, "cli/reminders_preview.j2", preview=result)
    return 0


def calendar_command(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        first = school_year_first(session, school,
                                  app.clock.now().astimezone(school_tz(school)).date())
        cal = school_calendar(school)
        moved = 0
        if args.calendar_command == "set":
            cal = _changed_calendar(cal, args, first, app.renderer.words("range.joining"))
            moved = set_calendar(session, school, cal, app.clock.now(), "cli")
    _say(app, "cli/calendar.j2", cal=cal, changed=args.calendar_command == "set",
         moved=moved, first_year=first)
    return 0


def _changed_calendar(cal: SchoolCalendar, args: argparse.Namespace, first_year: int,
                      joining: list[str]) -> SchoolCalendar:
    values = {name: getattr(args, name) for name in CALENDAR_OPTIONS}
    if args.clear_holidays:
        cal = cal.changed(holidays=[])
    for item in args.holiday:
        try:
            span = parse_span(item, first_year, joining)
        except ValueError as exc:
            raise InputError("calendar_bad", setting="holiday") from exc
        cal = cal.with_holiday(span.start, span.end, span.name)
    try:
        return cal.changed(**values)
    except ValueError as exc:
        raise InputError("calendar_bad", setting=str(exc)) from exc


def _day(text: str):
    try:
        return parse_day(text)
    except ValueError as exc:
        raise InputError("date_bad", text=text) from exc


def report_command(args: argparse.Namespace, settings: Settings) -> int:
    kind = args.format or args.out.suffix.lower().lstrip(".")
    if kind not in ("docx", "xlsx"):
        raise InputError("report_format", name=args.out.name)
    app = build_app(settings)
    with app.sessions() as session:
        school = pick_school(session, args.school, app.clock)
        if current_plan(session, school.id) is None:
            raise InputError("report_no_plan")
        try:
            period = period_of(session, school, args.period)
        except ValueError as exc:
            raise InputError("report_period", text=args.period) from exc
        today = app.clock.now().astimezone(ZoneInfo(school.timezone)).date()
        data = report_data(session, school, period, today, settings.public_url)
    write = report_docx if kind == "docx" else report_xlsx
    if args.monitoring:
        write = monitoring_docx
    args.out.write_bytes(write(data, app.renderer))
    _say(app, "cli/report_written.j2", file=args.out, data=data)
    return 0


def digest_command(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    with app.sessions() as session:
        school = pick_school(session, args.school, app.clock)
        tz = ZoneInfo(school.timezone)
        as_of = _day(args.as_of) if args.as_of else app.clock.now().astimezone(tz).date()
        digest = digest_data(session, school, as_of)
    if digest is None:
        raise InputError("report_no_plan")
    chart = args.chart or Path(f"digest-{as_of.isoformat()}.png")
    chart.write_bytes(progress_chart(digest, app.renderer))
    _say(app, "reports/digest.j2", digest=digest)
    _say(app, "cli/digest_chart.j2", file=chart)
    return 0
