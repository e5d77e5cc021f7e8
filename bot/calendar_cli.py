"""`caitien calendar show|set` and `caitien reminders preview`: the school calendar, which
decides when reminders go out, and what would be sent, when and to whom."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, time

from bot.command_line import Context, day
from core.calendar import SchoolCalendar
from core.dates import parse_span
from core.errors import InputError
from reminders.preview import ASSUMPTIONS, preview
from storage.db import writing
from storage.plans import school_year_first, set_calendar
from storage.schools import school_calendar, school_tz

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


def calendar_show(ctx: Context) -> int:
    return _calendar(ctx, changing=False)


def calendar_set(ctx: Context) -> int:
    return _calendar(ctx, changing=True)


def _calendar(ctx: Context, changing: bool) -> int:
    app = ctx.app
    with writing(app.sessions) as session:
        school = ctx.school(session)
        first = school_year_first(session, school,
                                  app.clock.now().astimezone(school_tz(school)).date())
        cal = school_calendar(school)
        moved = 0
        if changing:
            cal = _changed_calendar(cal, ctx.args, first, ctx.renderer.words("range.joining"))
            moved = set_calendar(session, school, cal, app.clock.now(), "cli")
    ctx.say("cli/calendar.j2", cal=cal, changed=changing, moved=moved, first_year=first)
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


def reminders_preview(ctx: Context) -> int:
    args = ctx.args
    with ctx.app.sessions() as session:
        school = ctx.school(session)
        tz = school_tz(school)
        start = datetime.combine(day(args.start), time(0), tzinfo=tz)
        end = datetime.combine(day(args.end), time(0), tzinfo=tz)
        assumptions = ASSUMPTIONS if args.assume == "both" else (args.assume,)
        found = [preview(session, school, start, end, assume) for assume in assumptions]
    for result in found:
        if args.json:
            for line in result.lines:
                print(json.dumps({"assume": result.assume, **line}, ensure_ascii=False))
        else:
            ctx.say("cli/reminders_preview.j2", preview=result)
    return 0
