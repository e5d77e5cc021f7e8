"""/lich: the school calendar. Everyone may look; the board (HT, PHT) changes it here —
add or remove a holiday, move the year's key dates, the day and hour of the monthly
check-in — and reminders follow at once (they are computed from it)."""

from __future__ import annotations

import re

from core.messages import Button
from handlers.turn import Turn
from handlers.typed import date_range
from core.calendar import SchoolCalendar, parse_day, parse_month_day
from storage.conversations import save_step
from storage.models import School
from storage.plans import set_calendar
from storage.schools import school_calendar
from storage.staff_repo import is_board

FLOW = "calendar"
BUTTONS = "cal:"  # the buttons of this dialogue
_DATES = re.compile(r"\d{1,2}/\d{1,2}")
_CHECKIN = re.compile(r"^\s*(\d{1,2})\D+(\d{1,2})(?::|h|g)?(\d{2})?\s*$", re.IGNORECASE)


def show(turn: Turn) -> None:
    school = _school(turn, board=False)
    board = _school(turn, board=True) is not None
    buttons = []
    if board:
        buttons = [[turn.button("button.cal_holiday", "cal:holiday")],
                   [turn.button("button.cal_dates", "cal:dates"),
                    turn.button("button.cal_checkin", "cal:checkin")]]
        if school_calendar(school).holidays:
            buttons.append([turn.button("button.cal_remove", "cal:remove")])
    turn.say("chat/calendar.j2", buttons, cal=school_calendar(school), board=board)


def button(turn: Turn) -> None:
    """A button of the calendar message: what to change."""
    school = _school(turn, board=True)
    if school is None:
        turn.say("chat/board_only.j2")
        return
    action = (turn.msg.choice or "").removeprefix("cal:")
    if action.startswith("drop:"):
        _remove_holiday(turn, school, action.removeprefix("drop:"))
    elif action == "remove":
        holidays = school_calendar(school).holidays
        buttons = [[Button(turn.renderer.text("chat/calendar_holiday_button.j2", holiday=h),
                           f"cal:drop:{i}")] for i, h in enumerate(holidays)]
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
    try:
        if step == "holiday":
            changed = _with_holiday(cal, date_range(text, turn.renderer))
        else:
            changed = {"dates": _with_dates, "checkin": _with_checkin}[step](cal, text)
    except ValueError:
        turn.say(f"chat/calendar_retry_{step}.j2")
        return
    _save(turn, school, changed)


def cancel(turn: Turn) -> None:
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/calendar_cancelled.j2")


def _with_holiday(cal: SchoolCalendar, match: re.Match | None) -> SchoolCalendar:
    if not match:
        raise ValueError("holiday")
    start = parse_day(match.group(1))
    end = parse_day(match.group(2)) if match.group(2) else start
    holidays = cal.to_json()["holidays"] + [{"from": start.isoformat(), "to": end.isoformat(),
                                             "name": match.group(3).strip(" .,-")}]
    return cal.changed(holidays=holidays)


def _with_dates(cal: SchoolCalendar, text: str) -> SchoolCalendar:
    found = _DATES.findall(text)
    if len(found) != 3:
        raise ValueError(text)
    for part in found:
        parse_month_day(part)
    return cal.changed(year_start=found[0], semester1_end=found[1], year_end=found[2])


def _with_checkin(cal: SchoolCalendar, text: str) -> SchoolCalendar:
    match = _CHECKIN.match(text)
    if not match:
        raise ValueError(text)
    return cal.changed(checkin_day=match.group(1),
                       send_time=f"{match.group(2)}:{match.group(3) or '00'}")


def _remove_holiday(turn: Turn, school: School, index: str) -> None:
    cal = school_calendar(school)
    holidays = cal.to_json()["holidays"]
    if not index.isdigit() or int(index) >= len(holidays):
        turn.say("chat/stale_button.j2")
        return
    holidays.pop(int(index))
    _save(turn, school, cal.changed(holidays=holidays))


def _save(turn: Turn, school: School, cal: SchoolCalendar) -> None:
    moved = set_calendar(turn.session, school, cal, turn.clock.now(), turn.msg.channel,
                         turn.staff_in(school.id).id)
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/calendar_saved.j2", cal=cal, moved=moved)


def _school(turn: Turn, board: bool) -> School | None:
    members = [m for m in turn.staff if is_board(m)] if board else turn.staff
    return turn.session.get(School, members[0].school_id) if members else None
