"""/baocao: the implementation report for the board and the monitoring team — which period
(the first semester, the whole year, or dates typed in), then the Word and Excel files.

Once the board has closed the year and until next year's plan is confirmed, «the whole
year» is the closed year's report as it was kept that day (the very file the evaluators
get, unchanged by answers given since), with an Excel file of the same figures, and the
reply says so: a principal asking in June wants the year she has just closed, not a copy
that quietly differs from the signed one."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from core.errors import InputError
from core.messages import Reply
from handlers.dialogue import CHOICE, TEXT, Callback, Dialogue, Step
from handlers.turn import Turn
from core.dates import parse_span
from storage.conversations import save_step
from storage.models import School
from storage.plans import current_plan, school_year_first
from storage.schools import school_tz
from readers.next_year import next_school_year
from reports.apart import report_files
from reports.report_data import Period, ReportData, period_of, report_data
from reports.year_end import kept_file, rebuilt_report
from storage.evidence_store import EvidenceStore
from templates.render import Renderer
from storage.access import may, scope_of
from storage.models import SchoolYear
from storage.school_years import waiting_year
from storage.staff_repo import is_monitor

log = logging.getLogger(__name__)

FLOW = "report"
PERIOD = Callback("rp", "period")  # hk1 | year | range


def may_report(turn: Turn) -> School | None:
    """The school whose reports this person may read: board or monitoring team."""
    member = next((m for m in turn.staff if may(scope_of(m), "baocao")), None)
    return turn.session.get(School, member.school_id) if member else None


def begin(turn: Turn) -> None:
    school = may_report(turn)
    if school is None:
        turn.say("chat/report_refused.j2")
        return
    if current_plan(turn.session, school.id) is None:
        turn.say("chat/report_no_plan.j2")
        return
    save_step(turn.conversation, FLOW, "period", {"school_id": school.id}, turn.clock)
    prompt(turn)


def prompt(turn: Turn) -> None:
    if turn.conversation.step == "range":
        turn.say("chat/report_ask_range.j2")
        return
    turn.say("chat/report_ask_period.j2", [
        [turn.button("button.report_hk1", PERIOD.pack("hk1")),
         turn.button("button.report_year", PERIOD.pack("year"))],
        [turn.button("button.report_range", PERIOD.pack("range"))]])


def answer(turn: Turn) -> None:
    school = turn.session.get(School, turn.conversation.data["school_id"])
    choice = (PERIOD.unpack(turn.msg.choice) or {}).get("period")
    if turn.conversation.step == "range" and turn.msg.text:
        today = turn.clock.now().astimezone(school_tz(school)).date()
        try:
            span = parse_span(turn.msg.text, school_year_first(turn.session, school, today),
                              turn.renderer.words("range.joining"))
        except ValueError:
            turn.say("chat/report_retry_range.j2")
            return
        _send(turn, school, Period("range", span.start, span.end))
    elif choice in ("hk1", "year"):
        _send(turn, school, period_of(turn.session, school, choice))
    elif choice == "range":
        save_step(turn.conversation, FLOW, "range", turn.conversation.data, turn.clock)
        prompt(turn)
    else:
        prompt(turn)


def cancel(turn: Turn) -> None:
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/report_cancelled.j2")


def _send(turn: Turn, school: School, period: Period) -> None:
    """The files are built once the turn has committed (handlers/engine.py): read in a
    session of their own, rendered in another process (reports/apart.py), so a year's report
    holds neither the write lock nor the interpreter against other people's turns."""
    save_step(turn.conversation, None, None, {}, turn.clock)
    closed = waiting_year(turn.session, school.id) if period.key == "year" else None
    kept = None
    if closed is not None:
        try:
            entry, path = kept_file(turn.evidence, closed, "report")
        except InputError as error:
            turn.say(f"errors/{error.key}.j2", **error.params)
            return
        kept = _Kept(closed.id, entry["name"], str(path))
    monitoring = any(is_monitor(m) for m in turn.staff if m.school_id == school.id)
    turn.later.append(partial(_built, _Order(school.id, period, turn.clock.now().date(),
                                             turn.public_url, monitoring,
                                             turn.caps.documents_out, kept)))


@dataclass(frozen=True)
class _Kept:
    """The closed year's kept report, handed out as it was written."""
    year_id: int
    name: str
    path: str


@dataclass(frozen=True)
class _Order:
    """A report asked for in a committed turn: what to build."""
    school_id: int
    period: Period
    today: date
    public_url: str | None
    monitoring: bool  # the monitoring team's own file too
    files_out: bool  # the channel sends files; else the replies only name them
    kept: _Kept | None = None


async def _built(order: _Order, sessions: sessionmaker[Session], renderer: Renderer,
                 evidence: EvidenceStore) -> list[Reply]:
    """The report's replies with their files; one sentence if they could not be made (the
    turn itself is kept: asking again builds them again)."""
    try:
        data, lines, kept = await asyncio.to_thread(_read, order, sessions, renderer)
        if not order.files_out:  # nothing to build: the engine says where the files are
            return [Reply(caption, document=(name, b"")) for caption, name in lines]
        kinds = [*(["report"] if kept is None else []), "excel",
                 *(["monitoring"] if order.monitoring else [])]
        built = await report_files(data, renderer, kinds)
        files = built if kept is None else [kept, *built]
    except Exception:
        log.exception("the report for school %s could not be built", order.school_id)
        return [Reply(renderer.text("chat/report_failed.j2"))]
    return [Reply(caption, document=(name, content))
            for (caption, name), content in zip(lines, files, strict=True)]


def _read(order: _Order, sessions: sessionmaker[Session], renderer: Renderer
          ) -> tuple[ReportData, list[tuple[str, str]], bytes | None]:
    """The report's figures, and each file's caption and name, read without writing; with
    the kept report's bytes when it is the closed year's."""
    with sessions() as session:
        school = session.get(School, order.school_id)
        period, kept = order.period, None
        if order.kept is None:
            data = report_data(session, school, period, order.today, order.public_url)
            name = renderer.text("reports/file_name.j2", school=school, period=period)
            lines = [(renderer.text("chat/report_ready.j2", data=data, period=renderer.text(
                "reports/period_names.j2", period=period)), f"{name}.docx")]
        else:
            row = session.get(SchoolYear, order.kept.year_id)
            data = rebuilt_report(session, school, row)
            period = Period("year", row.period_start, row.period_end)
            closed_at = row.closed_at.astimezone(school_tz(school))
            name = order.kept.name.rsplit(".", 1)[0]
            lines = [(renderer.text("chat/report_kept.j2", data=data, row=row,
                                    closed_at=closed_at,
                                    next_year=next_school_year(row.school_year)),
                      order.kept.name)]
            kept = Path(order.kept.path).read_bytes()
        lines.append((renderer.text("chat/report_excel.j2"), f"{name}.xlsx"))
        if order.monitoring:
            monitoring = renderer.text("reports/monitoring_file_name.j2", school=school,
                                       period=period)
            lines.append((renderer.text("chat/report_monitoring.j2"), f"{monitoring}.docx"))
    return data, lines, kept


DIALOGUE = Dialogue(
    flow=FLOW,
    commands=("baocao",),
    words="command.baocao",
    begin=begin,
    cancel=cancel,
    steps=(Step("period", prompt, answer, frozenset({TEXT, CHOICE}), (PERIOD,)),
           Step("range", prompt, answer, frozenset({TEXT, CHOICE}), (PERIOD,))),
)
