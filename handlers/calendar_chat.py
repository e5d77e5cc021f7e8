"""/lich: the school calendar. Everyone may look; the board (HT, PHT) changes it here —
add or remove a holiday, move the year's key dates, the day and hour of the monthly
check-in — and reminders follow at once (they are computed from it)."""

from __future__ import annotations

import re

from core.calendar import SchoolCalendar
from core.dates import find_days, parse_span
from core.messages import Button
from handlers.dialogue import Callback, Dialogue, Step
from handlers.turn import Turn
from storage.conversations import save_step
from storage.models import School
from storage.plans import school_year_first, set_calendar
from storage.schools import school_calendar, school_tz
from storage.staff_repo import is_board

FLOW = "calendar"
CHANGE = Callback("cal", "what")  # holiday | dates | checkin | remove
DROP = Callback("cal", "what", "index:int")  # cal:drop:N, a holiday to remove
_CHECKIN = re.compile(r"^\s*(\d{1,2})\D+(\d{1,2})(?::|h|g)?(\d{2})?\s*$", re.IGNORECASE)


def show(turn: Turn) -> None:
    school = _school(turn, board=False)
    board = _school(turn, board=True) is not None
    buttons = []
    if board:
        buttons = [[turn.button("button.cal_holiday", CHANGE.pack("holiday"))],
                   [turn.button("button.cal_dates", CHANGE.pack("dates")),
                    turn.button("button.cal_checkin", CHANGE.pack("checkin"))]]
        if school_calendar(school).holidays:
            buttons.append([turn.button("button.cal_remove", CHANGE.pack("remove"))])
    turn.say("chat/calendar.j2", buttons, cal=school_calendar(school), board=board,
             first_year=_first_year(turn, school))


def button(turn: Turn) -> None:
    """A button of the calendar message: what to change."""
    school = _school(turn, board=True)
    if school is None:
        turn.say("chat/board_only.j2")
        return
    dropped = DROP.unpack(turn.msg.choice)
    action = (CHANGE.unpack(turn.msg.choice) or {}).get("what")
    if dropped is not None and dropped["what"] == "drop":
        _remove_holiday(turn, school, dropped["index"])
    elif action == "remove":
        holidays = school_calendar(school).holidays
        buttons = [[Button(turn.renderer.text("chat/calendar_holiday_button.j2", holiday=h),
                           DROP.pack("drop", i))] for i, h in enumerate(holidays)]
        turn.say("chat/calendar_pick_holiday.j2", buttons)
    elif action in ("holiday", "dates", "checkin"):
        save_step(turn.conversation, FLOW, action, {"school_id": school.id}, turn.clock)
        prompt(turn)
    else:
        turn.say("chat/stale_button.j2")


def prompt(turn: Turn) -> None:
    turn.say(f"chat/calendar_ask_{turn.conversation.step}.j2")


def answer(turn: Turn) -> None:
    """What the board member typed for the step they are at."""
    school = turn.session.get(School, turn.conversation.data["school_id"])
    cal = school_calendar(school)
    text = turn.msg.text or ""
    step = turn.conversation.step
    first = _first_year(turn, school)
    try:
        if step == "holiday":
            span = parse_span(text, first, turn.renderer.words("range.joining"))
            changed = cal.with_holiday(span.start, span.end, span.name)
        else:
            changed = {"dates": _with_dates, "checkin": _with_checkin}[step](cal, text, first)
    except ValueError:
        turn.say(f"chat/calendar_retry_{step}.j2")
        return
    _save(turn, school, changed)


def cancel(turn: Turn) -> None:
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/calendar_cancelled.j2")


def _with_dates(cal: SchoolCalendar, text: str, first_year: int) -> SchoolCalendar:
    found = find_days(text, first_year)
    if len(found) != 3:
        raise ValueError(text)
    start, semester1_end, end = (f"{f.day:%m-%d}" for f in found)
    return cal.changed(year_start=start, semester1_end=semester1_end, year_end=end)


def _with_checkin(cal: SchoolCalendar, text: str, _first_year: int) -> SchoolCalendar:
    match = _CHECKIN.match(text)
    if not match:
        raise ValueError(text)
    return cal.changed(checkin_day=match.group(1),
                       send_time=f"{match.group(2)}:{match.group(3) or '00'}")


def _remove_holiday(turn: Turn, school: School, index: int) -> None:
    cal = school_calendar(school)
    holidays = cal.to_json()["holidays"]
    if index >= len(holidays):
        turn.say("chat/stale_button.j2")
        return
    holidays.pop(index)
    _save(turn, school, cal.changed(holidays=holidays))


def _save(turn: Turn, school: School, cal: SchoolCalendar) -> None:
    moved = set_calendar(turn.session, school, cal, turn.clock.now(), turn.msg.channel,
                         turn.staff_in(school.id).id)
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/calendar_saved.j2", cal=cal, moved=moved, first_year=_first_year(turn, school))


def _first_year(turn: Turn, school: School) -> int:
    return school_year_first(turn.session, school,
                             turn.clock.now().astimezone(school_tz(school)).date())


def _school(turn: Turn, board: bool) -> School | None:
    members = [m for m in turn.staff if is_board(m)] if board else turn.staff
    return turn.session.get(School, members[0].school_id) if members else None


DIALOGUE = Dialogue(
    flow=FLOW,
    commands=("lich",),
    begin=show,
    cancel=cancel,
    steps=(Step("holiday", prompt, answer), Step("dates", prompt, answer),
           Step("checkin", prompt, answer)),
    buttons=(CHANGE, DROP),
    button=button,
)
