"""A school's calendar: its settings with what they mean and the reminders coming, for
everyone of the school; the board saves them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from bot.web.pages import Ask
from core.dates import parse_span
from reminders.preview import ASSUMPTIONS, preview
from storage.models import School
from storage.plans import school_year_first, set_calendar
from storage.schools import school_calendar, school_tz

# The calendar settings the page edits, in the order it shows them.
CALENDAR_FIELDS = ("year_start", "semester1_end", "year_end", "rest_days", "quiet_hours",
                   "checkin_day", "send_time", "deadline_days", "nudge_days", "digest_day",
                   "digest_time", "alert_time", "escalate_days", "silent_after", "budget",
                   "late_quiet_days")
PREVIEW_DAYS = 30  # what the calendar page shows coming


def calendar_page(ask: Ask) -> Response:
    session, school = ask.session, ask.school
    now = ask.console.clock.now()
    end = now + timedelta(days=PREVIEW_DAYS)
    coming = [preview(session, school, now, end, assume) for assume in ASSUMPTIONS]
    cal = school_calendar(school)
    return ask.page("web/calendar.j2", school=school, values=_calendar_values(cal),
                    saved=ask.query.get("saved"), coming=coming,
                    **_words(ask, cal, _first_year(session, school, now)))


def calendar_save(ask: Ask) -> Response:
    session, school, form, console = ask.session, ask.school, ask.form, ask.console
    values = {name: str(form.get(name) or "").strip() or None for name in CALENDAR_FIELDS}
    first = _first_year(session, school, console.clock.now())
    try:
        values["holidays"] = _holidays(str(form.get("holidays") or ""), first,
                                       console.renderer.words("range.joining"))
        cal = school_calendar(school).changed(**values)
    except ValueError as exc:
        cal = school_calendar(school)
        typed = {k: v or "" for k, v in values.items() if k != "holidays"}
        return ask.page("web/calendar.j2", 400, school=school,
                        values={**_calendar_values(cal), **typed,
                                "holidays": str(form.get("holidays") or "")},
                        saved=None, problem=str(exc), coming=[], **_words(ask, cal, first))
    moved = set_calendar(session, school, cal, console.clock.now(), "web", ask.viewer.staff_id)
    return RedirectResponse(f"{ask.base}/calendar?saved={moved}", status_code=303)


def _words(ask: Ask, cal, first_year: int) -> dict:
    renderer = ask.console.renderer
    return {"fields": CALENDAR_FIELDS,
            "names": renderer.pairs("web/calendar_fields.j2"),
            "summary": renderer.text("calendar_summary.j2", cal=cal, first_year=first_year)}


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
