"""/baocao: the implementation report for the board and the monitoring team — which period
(the first semester, the whole year, or dates typed in), then the Word and Excel files.

Once the board has closed the year and until next year's plan is confirmed, «the whole
year» is the closed year's report as it was kept that day (the very file the evaluators
get, unchanged by answers given since), with an Excel file of the same figures, and the
reply says so: a principal asking in June wants the year she has just closed, not a copy
that quietly differs from the signed one."""

from __future__ import annotations

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
from reports.report_data import Period, period_of, report_data
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from reports.year_end import kept_file, rebuilt_report
from storage.access import may, scope_of
from storage.models import SchoolYear
from storage.school_years import waiting_year
from storage.staff_repo import is_monitor

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
    save_step(turn.conversation, None, None, {}, turn.clock)
    closed = waiting_year(turn.session, school.id) if period.key == "year" else None
    if closed is not None:
        _send_kept(turn, school, closed)
        return
    today = turn.clock.now().date()
    data = report_data(turn.session, school, period, today, turn.public_url)
    name = turn.renderer.text("reports/file_name.j2", school=school, period=period)
    caption = turn.renderer.text("chat/report_ready.j2", data=data, period=turn.renderer.text(
        "reports/period_names.j2", period=period))
    turn.replies.append(Reply(caption, document=(f"{name}.docx",
                                                 report_docx(data, turn.renderer))))
    _send_rest(turn, school, period, data, name)


def _send_kept(turn: Turn, school: School, row: SchoolYear) -> None:
    """The closed year's kept report, its Excel built again to the same figures."""
    try:
        entry, path = kept_file(turn.evidence, row, "report")
    except InputError as error:
        turn.say(f"errors/{error.key}.j2", **error.params)
        return
    data = rebuilt_report(turn.session, school, row)
    period = Period("year", row.period_start, row.period_end)
    closed_at = row.closed_at.astimezone(school_tz(school))
    turn.replies.append(Reply(turn.renderer.text("chat/report_kept.j2", data=data,
                                                 row=row, closed_at=closed_at,
                                                 next_year=next_school_year(row.school_year)),
                              document=(entry["name"], path.read_bytes())))
    name = entry["name"].rsplit(".", 1)[0]
    _send_rest(turn, school, period, data, name)


def _send_rest(turn: Turn, school: School, period: Period, data, name: str) -> None:
    turn.replies.append(Reply(turn.renderer.text("chat/report_excel.j2"),
                              document=(f"{name}.xlsx", report_xlsx(data, turn.renderer))))
    if any(is_monitor(m) for m in turn.staff if m.school_id == school.id):
        monitoring = turn.renderer.text("reports/monitoring_file_name.j2", school=school,
                                        period=period)
        turn.replies.append(Reply(turn.renderer.text("chat/report_monitoring.j2"), document=(
            f"{monitoring}.docx", monitoring_docx(data, turn.renderer))))


DIALOGUE = Dialogue(
    flow=FLOW,
    commands=("baocao",),
    words="command.baocao",
    begin=begin,
    cancel=cancel,
    steps=(Step("period", prompt, answer, frozenset({TEXT, CHOICE}), (PERIOD,)),
           Step("range", prompt, answer, frozenset({TEXT, CHOICE}), (PERIOD,))),
)
