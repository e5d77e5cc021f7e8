"""The `caitien` command: every command in one table, in the order `caitien --help` lists
them. A line names the command's path, its help, its function and its arguments;
`school=True` gives it --school CODE. A new command is a function in its area's module
(bot/*_cli.py) and one line here; bot/command_line.py builds the parser and runs it."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from bot import (
    calendar_cli,
    district_cli,
    evidence_cli,
    plan_cli,
    records_cli,
    report_cli,
    service_cli,
    staff_cli,
    year_cli,
)
from bot.command_line import Command, arg, execute, parser_of

CHANNEL = arg("--channel", default="telegram", choices=["telegram", "zalo"])
WHO = arg("who", help="phone or full name")

COMMANDS = (
    Command(("demo",), "run the whole product locally, no token needed", service_cli.demo, (
        arg("--channel", choices=("both", "zalo"), default="both",
            help="a teacher on Telegram beside one on Zalo, or everyone on Zalo"),
        arg("--web", action="store_true",
            help="open the training sandbox in a browser instead (127.0.0.1)"),
        arg("--port", type=int, default=8000, help="the sandbox's port, with --web"))),
    Command(("run",), "run the bots (Telegram, Zalo) by long polling", service_cli.run,
            log_level=logging.INFO),
    Command(("serve",), "serve webhooks and health checks (ASGI)", service_cli.serve, (
        arg("--host", default="127.0.0.1"),
        arg("--port", type=int, default=8080)), log_level=logging.INFO),
    Command(("webhook",), "receive updates by webhook, or stop"),
    Command(("webhook", "set"), "register the webhook", service_cli.webhook, (
        arg("--url", required=True, help="the public HTTPS address of `caitien serve`"),
        CHANNEL)),
    Command(("webhook", "delete"), "go back to polling", service_cli.webhook, (CHANNEL,)),

    Command(("db",), "database maintenance"),
    Command(("db", "upgrade"), "apply migrations", records_cli.db_upgrade, (
        arg("--backup", type=Path, metavar="FILE",
            help="first write an archive of the database as it is"),)),
    Command(("backup",), "write one archive of every school (or one) with its evidence files",
            records_cli.backup, (
                arg("file", type=Path, help="the archive to write, e.g. caitien.zip"),
                arg("--school", help="only this school (to move it to another server)"))),
    Command(("restore",), "put an archive into the database DATABASE_URL names",
            records_cli.restore, (arg("file", type=Path),)),
    Command(("export",), "everything a school has, readable: plan, tasks, every update, "
                         "evidence list, staff, calendar, audit trail", records_cli.export, (
                arg("--format", choices=("xlsx", "json"), required=True),
                arg("--out", type=Path,
                    help="the file to write (default CODE-export-DAY.xlsx|json here)")),
            school=True),

    Command(("plan",), "the improvement plan"),
    Command(("plan", "template"), "write an empty plan spreadsheet", plan_cli.plan_template,
            (arg("file", type=Path),)),
    Command(("plan", "import"), "import the plan from a file", plan_cli.plan_import, (
        arg("file", type=Path),
        arg("--dry-run", action="store_true", help="write nothing"),
        arg("--json", action="store_true", help="print the parsed plan as JSON"),
        arg("--school-year", help="e.g. 2026-2027, when the file does not say"),
        arg("--other-school-year", action="store_true",
            help="import although the file names another school or year")), school=True),
    Command(("plan", "export"), "write the plan as a spreadsheet (.xlsx) to correct and import "
                                "again, or in the ministry's form (.docx) to sign",
            plan_cli.plan_export, (
                arg("file", type=Path, nargs="?", help="the same as --out"),
                arg("--out", type=Path, metavar="FILE",
                    help="where to write (default: a name from the school and year)"),
                arg("--format", choices=plan_cli.EXPORT_FORMATS,
                    help="xlsx (the default) or docx: the 57/2026 Biểu 2, or the nine-column "
                         "table for a plan under the 2018 circulars"),
                arg("--from", dest="source", type=Path, metavar="DOCUMENT",
                    help="the plan as read from this document, not the stored one"),
                arg("--school-year",
                    help="with --from: e.g. 2026-2027, when the document does not say")),
            school=True),

    Command(("staff",), "the staff list"),
    Command(("staff", "import"), "import the staff list", staff_cli.staff_import,
            (arg("file", type=Path),), school=True),
    Command(("staff", "pause"), "no reminders to someone on leave", staff_cli.staff_pause, (
        WHO, arg("--until", required=True, help="last day of the leave, YYYY-MM-DD")),
            school=True),
    Command(("staff", "resume"), "reminders again, before the leave ends",
            staff_cli.staff_resume, (WHO,), school=True),
    Command(("staff", "forget"),
            "erase a person's personal data; the plan's history stays, unnamed",
            records_cli.staff_forget, (
                arg("phone"),
                arg("--school", help="the school they left (when the phone is in several)"),
                arg("--yes", action="store_true", help="erase (without it: show what)"))),
    Command(("staff", "data"), "everything held about one person, as JSON",
            records_cli.staff_data, (
                arg("phone"),
                arg("--out", type=Path, help="the file to write (default: print it)"))),

    Command(("reminders",), "scheduled reminders"),
    Command(("reminders", "preview"), "what would be sent, when and to whom",
            calendar_cli.reminders_preview, (
                arg("--from", dest="start", required=True, help="YYYY-MM-DD"),
                arg("--to", dest="end", required=True, help="YYYY-MM-DD (not included)"),
                arg("--assume", choices=("answers", "silent", "both"), default="both",
                    help="everyone answers the day a message arrives, nobody answers, "
                         "or both one after the other (default)"),
                arg("--json", action="store_true", help="one JSON object a line")),
            school=True),

    Command(("report",), "the implementation report, Word or Excel", report_cli.report, (
        arg("--period", default="year",
            help="hk1, year or FROM:TO with dates YYYY-MM-DD (default year)"),
        arg("--format", choices=("docx", "xlsx"), help="default: from the file name of --out"),
        arg("--out", type=Path, required=True, help="the file to write"),
        arg("--monitoring", action="store_true", help="the monitoring team's report (.docx)")),
            school=True),
    Command(("digest",), "the principal's weekly digest, as of a day", report_cli.digest, (
        arg("--as-of", help="YYYY-MM-DD (default today)"),
        arg("--chart", type=Path,
            help="where to write the chart (default digest-DAY.png here)")), school=True),

    Command(("evidence",), "the evidence list and the evidence box"),
    Command(("evidence", "list"), "Danh mục minh chứng, on screen or as a file",
            evidence_cli.list_command,
            (arg("--out", type=Path, help="FILE.xlsx or FILE.docx (default: print)"),),
            school=True),
    Command(("evidence", "box"), "every evidence file in a .zip, by code",
            evidence_cli.box_command,
            (arg("--out", type=Path, required=True, help="FILE.zip"),), school=True),

    Command(("calendar",), "the school calendar"),
    Command(("calendar", "show"), "print the school calendar", calendar_cli.calendar_show,
            school=True),
    Command(("calendar", "set"), "change the school calendar", calendar_cli.calendar_set, (
        *(arg(f"--{option.replace('_', '-')}", dest=option, help=meaning)
          for option, meaning in calendar_cli.CALENDAR_OPTIONS.items()),
        arg("--holiday", action="append", default=[],
            help="a day off as people write it: 'Tết từ 4/2 đến 14/2', '20/11', "
                 "'2027-02-04 2027-02-14 Tết'; repeatable, added to the school's own (a Tết "
                 "break replaces the default one)"),
        arg("--clear-holidays", action="store_true",
            help="forget the school's own days off (public holidays stay)")), school=True),

    Command(("school",), "the schools of this deployment"),
    Command(("school", "bot"), "the school's own Telegram bot (default: the deployment's bot), "
                               "its Zalo bots (a pool: 50 people a bot on Zalo's Basic plan); "
                               "alone, lists them", district_cli.school_bot, (
                arg("--telegram-token", help="the token @BotFather gave the school's bot"),
                arg("--zalo-token",
                    help="one more Zalo bot for the school (Zalo Bot Manager's token)"),
                arg("--remove", action="store_true",
                    help="back to the deployment's default bot")), school=True),
    Command(("school", "add"),
            "create a school, or name an existing one and attach it to a district",
            district_cli.school_add, (
                arg("code", help="the school's code"),
                arg("--name", help="its full name, e.g. Trường THCS Hoà Bình"),
                arg("--district", help="the code of its district (Phòng GD&ĐT)"))),

    Command(("district",), "districts (Phòng GD&ĐT) and their accounts"),
    Command(("district", "add"), "create a district", district_cli.district_add, (
        arg("code", help="a short code, e.g. q1"),
        arg("--name", required=True, help='e.g. "Phòng GD&ĐT Quận 1"'))),
    Command(("district", "member"),
            "an account that sees every school of the district on the web",
            district_cli.district_member, (
                arg("code", help="the district's code"),
                arg("--name", required=True, help="the person's full name"),
                arg("--phone", required=True, help="their phone number"))),
    Command(("district", "list"), "the districts, their schools and accounts",
            district_cli.district_list),

    Command(("web",), "the web console"),
    Command(("web", "link"), "print a one-time sign-in link (needs CAITIEN_PUBLIC_URL)",
            district_cli.web_link, (
                arg("--phone", required=True,
                    help="a staff member's or a district account's phone"),
                arg("--school", help="the staff member of this school (when the phone is in "
                                     "several schools or is a district account)"))),

    Command(("year",), "close the school year and open the next"),
    Command(("year", "close"), "keep the year's report and make next year's draft plan",
            year_cli.year_close, (arg("--dry-run", action="store_true", help="write nothing"),),
            school=True),
    Command(("year", "draft"),
            "write next year's draft plan (.xlsx), or replace it with an edited one",
            year_cli.year_draft, (
                arg("--out", type=Path, help="the file to write"),
                arg("--from", dest="source", type=Path, metavar="FILE",
                    help="an edited copy of the draft to keep instead")), school=True),
    Command(("year", "open"), "confirm next year's draft: it becomes the school's plan",
            year_cli.year_open,
            (arg("--file", type=Path, help="an edited copy of the draft to confirm"),),
            school=True),

    Command(("invite",), "personal links for staff to link Telegram", staff_cli.invite, (
        arg("--json", action="store_true"),
        arg("--days", type=int, default=30, help="days a link stays valid"),
        arg("--staff", action="append", default=[],
            help="only this person (phone or full name); repeatable"),
        arg("--all", action="store_true",
            help="also staff who already linked (their old link stops working)")), school=True),
)


def parser() -> argparse.ArgumentParser:
    return parser_of(COMMANDS, prog="caitien", description=(
        "Quality-improvement plan assistant for Vietnamese schools (Telegram)."))


def main(argv: list[str] | None = None) -> int:
    return execute(parser(), argv)
