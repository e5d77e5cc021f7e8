"""A school's audit trail: who did what and when, filtered, and the same as a file."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from starlette.responses import Response

from bot.web.console import XLSX, NotFound, download
from bot.web.pages import Ask
from reports.audit_export import audit_csv, audit_xlsx
from storage.audit import KINDS, trail
from storage.staff_repo import active_staff

AUDIT_PAGE = 200


def audit_page(ask: Ask) -> Response:
    renderer = ask.console.renderer
    entries = trail(ask.session, ask.school.id, limit=AUDIT_PAGE + 1, **_filters(ask))
    return ask.page("web/audit.j2", school=ask.school, entries=entries[:AUDIT_PAGE],
                    more=len(entries) > AUDIT_PAGE, kinds=KINDS,
                    people=active_staff(ask.session, ask.school.id), query=ask.query,
                    export=ask.request.url.query, words=renderer.pairs("web/audit_words.j2"),
                    fields=renderer.pairs("web/calendar_fields.j2"))


def audit_export(ask: Ask) -> Response:
    ext = ask.params["ext"]
    if ext not in ("xlsx", "csv"):
        raise NotFound
    school, renderer = ask.school, ask.console.renderer
    entries = trail(ask.session, school.id, **_filters(ask))
    name = renderer.text("web/audit_file_name.j2", school=school)
    if ext == "csv":
        return download(audit_csv(entries, school.timezone, renderer), f"{name}.csv",
                        "text/csv; charset=utf-8")
    return download(audit_xlsx(entries, school.timezone, renderer), f"{name}.xlsx", XLSX)


def _filters(ask: Ask) -> dict:
    query = ask.query
    kind = query.get("kind")
    person = query.get("person", "")
    tz = ZoneInfo(ask.school.timezone)

    def moment(name: str, plus: int = 0):
        try:
            day = date.fromisoformat(query.get(name, ""))
        except ValueError:
            return None
        return datetime.combine(day + timedelta(days=plus), time(0), tzinfo=tz)
    return dict(kinds={kind} if kind in KINDS else None,
                actor_id=int(person) if person.isdigit() else None,
                since=moment("from"), until=moment("to", 1))

