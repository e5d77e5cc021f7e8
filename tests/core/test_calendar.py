"""The school calendar: when a message may arrive, and its settings as stored."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from core.calendar import SchoolCalendar
from tests.reminders.conftest import TZ

TET = SchoolCalendar().changed(holidays=[{"from": "2027-02-04", "to": "2027-02-12",
                                          "name": "Tết"}])


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize("moment, expected", [
    (at(2026, 11, 25, 8, 0), at(2026, 11, 25, 8, 0)),     # a Wednesday morning
    (at(2026, 11, 25, 21, 0), at(2026, 11, 26, 7, 0)),    # evening → next morning
    (at(2026, 11, 25, 5, 0), at(2026, 11, 25, 7, 0)),     # before dawn → 07:00
    (at(2026, 11, 29, 8, 0), at(2026, 11, 30, 8, 0)),     # Sunday → Monday
    (at(2026, 11, 28, 22, 0), at(2026, 11, 30, 7, 0)),    # Saturday night → Monday
    (at(2027, 2, 5, 8, 0), at(2027, 2, 13, 8, 0)),        # in Tết → the day after
])
def test_next_allowed(moment, expected):
    assert TET.next_allowed(moment) == expected


def test_previous_allowed_keeps_the_hour_or_takes_the_reminder_hour():
    assert TET.previous_allowed(at(2027, 2, 7, 9, 0)) == at(2027, 2, 3, 9, 0)
    assert TET.previous_allowed(at(2026, 11, 29, 22, 0)) == at(2026, 11, 28, 8, 0)


def test_settings_round_trip_and_bad_ones_are_named():
    cal = SchoolCalendar().changed(year_start="05/09", semester1_end="01-16",
                                   rest_days="sat,sun", quiet_hours="21:00-06:30",
                                   deadline_days="1,7,14,7", send_time="07:30")
    assert cal.rest_days == frozenset({5, 6}) and cal.deadline_days == (14, 7, 1)
    assert (cal.quiet_start, cal.quiet_end) == (time(21, 0), time(6, 30))
    assert SchoolCalendar.from_json(cal.to_json()) == cal
    assert cal.semester1_end_of(2026) == date(2027, 1, 16)
    for name, value in [("checkin_day", "31"), ("send_time", "22:00"), ("year_end", "31/02"),
                        ("rest_days", "someday"), ("deadline_days", "-1"),
                        ("holidays", [{"from": "2027-02-10", "to": "2027-02-01"}])]:
        with pytest.raises(ValueError) as caught:
            SchoolCalendar().changed(**{name: value})
        assert str(caught.value) == name


def test_a_calendar_with_no_allowed_day_says_so():
    every_day = SchoolCalendar().changed(rest_days="mon,tue,wed,thu,fri,sat,sun")
    with pytest.raises(ValueError):
        every_day.next_allowed(at(2026, 11, 25, 8, 0))
