"""Next year's timelines: dated ones a year on, recurring ones as written."""

import pytest

from core.calendar import SchoolCalendar
from readers.next_year import next_school_year, shift_timeline
from readers.timelines import parse_timeline


@pytest.mark.parametrize("written, moved", [
    ("Tháng 9/2026", "Tháng 9/2027"),
    ("Tháng 10/2026 - Tháng 3/2027", "Tháng 10/2027 - Tháng 3/2028"),
    ("Từ 15/9/2026 đến 30/11/2026", "Từ 15/9/2027 đến 30/11/2027"),
    ("Năm học 2026-2027", "Năm học 2027-2028"),
    ("Quý I năm 2027", "Quý I năm 2028"),
    ("Cuối học kỳ I", "Cuối học kỳ I"),  # read on the new year's calendar as it is
    ("Tháng 12", "Tháng 12"),
])
def test_a_dated_timeline_moves_one_year_on(written, moved):
    assert shift_timeline(written, recurring=False) == moved


def test_a_recurring_timeline_stays_and_an_empty_one_is_empty():
    assert shift_timeline("Hàng tháng (từ 9/2026)", recurring=True) == "Hàng tháng (từ 9/2026)"
    assert shift_timeline(None, recurring=False) is None


def test_moved_timelines_fall_on_the_new_years_frame():
    cal = SchoolCalendar()
    for text in ("Tháng 11/2026", "Cuối học kỳ I", "Năm học 2026-2027"):
        before = parse_timeline(text, "2026-2027", cal)
        after = parse_timeline(shift_timeline(text, False), "2027-2028", cal)
        assert after.due.year == before.due.year + 1, text


def test_the_year_after_a_plan_of_several_years_is_the_one_after_its_first():
    assert next_school_year("2026-2027") == "2027-2028"
    assert next_school_year("2021-2026") == "2022-2023"
    with pytest.raises(ValueError):
        next_school_year("năm nay")
