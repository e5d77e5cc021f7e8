"""Timeline phrases → schedules. Each row: text, school year, expected JSON."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readers.timelines import SchoolCalendar, parse_timeline


def S(kind, every=None, start=None, due=None):
    return {"kind": kind, "every": every, "start": start, "due": due}


CASES = [
    # recurring
    ("Hàng tháng", "2023-2024", S("recurring", "month", "2023-09-05", "2024-05-31")),
    ("Hằng tuần", "2023-2024", S("recurring", "week", "2023-09-05", "2024-05-31")),
    ("Hàng tuần", None, S("recurring", "week")),
    ("Hàng tháng (tuần cuối tháng)", "2026-2027", S("recurring", "month", "2026-09-05",
                                                     "2027-05-31")),
    ("Hàng năm", "2023-2024", S("recurring", "year", "2023-09-05", "2024-05-31")),
    ("Thường xuyên", "2023-2024", S("recurring", "month", "2023-09-05", "2024-05-31")),
    ("Hàng tháng, hàng năm", "2023-2024", S("recurring", "month", "2023-09-05", "2024-05-31")),
    ("Hằng quý", "2026-2027", S("recurring", "quarter", "2026-09-05", "2027-05-31")),
    ("Mỗi quý một lần", None, S("recurring", "quarter")),
    ("Hằng tuần, hằng quý", None, S("recurring", "week")),
    ("Cuối mỗi học kỳ", "2023-2024", S("recurring", "semester", "2023-09-05", "2024-05-31")),
    # deadlines
    ("Tháng 7 năm 2023", None, S("deadline", due="2023-07-31")),
    ("Tháng 9/2023", None, S("deadline", due="2023-09-30")),
    ("Tháng 12/2026", None, S("deadline", due="2026-12-31")),
    ("Tháng 2/2024", None, S("deadline", due="2024-02-29")),
    ("Năm 2023", None, S("deadline", due="2023-12-31")),
    ("Quý I năm 2027", None, S("deadline", due="2027-03-31")),
    ("Quý IV/2026", None, S("deadline", due="2026-12-31")),
    ("Quý 2/2027", None, S("deadline", due="2027-06-30")),
    ("Năm 2022", "2021-2022", S("deadline", due="2022-12-31")),
    # a rule («quy định») after «mọi» is no quarter
    ("Thực hiện mọi quy định hằng tháng", None, S("recurring", "month")),
    ("Cuối học kỳ I", "2023-2024", S("deadline", due="2024-01-15")),
    ("Học kỳ I", "2026-2027", S("deadline", due="2027-01-15")),
    ("Học kỳ II", "2026-2027", S("deadline", due="2027-05-31")),
    ("Cuối năm học", "2023-2024", S("deadline", due="2024-05-31")),
    ("Năm học 2023-2024", None, S("deadline", due="2024-05-31")),
    ("Năm học 2024 – 2025 có đủ nhà vệ sinh cho HS", None, S("deadline", due="2025-05-31")),
    ("Năm học 2023 -2024", None, S("deadline", due="2024-05-31")),
    ("Đầu tháng 8", "2023-2024", S("deadline", due="2023-08-10")),
    ("Tháng 10", "2026-2027", S("deadline", due="2026-10-31")),
    ("Tháng 3", "2026-2027", S("deadline", due="2027-03-31")),
    ("30/11/2026", None, S("deadline", due="2026-11-30")),
    ("Trước ngày 15/10/2026", None, S("deadline", due="2026-10-15")),
    # periods
    ("Tháng 10/2026 - Tháng 3/2027", None, S("period", start="2026-10-01", due="2027-03-31")),
    ("Tháng 9/2023 - tháng 5/2024", None, S("period", start="2023-09-01", due="2024-05-31")),
    ("Từ 15/10/2026 đến 30/11/2026", None, S("period", start="2026-10-15", due="2026-11-30")),
    ("Tháng 9 - tháng 12/2023", None, S("period", start="2023-09-01", due="2023-12-31")),
    ("Tháng 10 – Tháng 3/2027", None, S("period", start="2026-10-01", due="2027-03-31")),
    # unknown: said so, never guessed
    ("Cuối học kỳ I", None, S("unknown")),
    ("Khi có kinh phí", "2023-2024", S("unknown")),
    ("", None, S("unknown")),
    ("Tháng 13/2023", None, S("unknown")),
    ("Quý I", None, S("unknown")),
]


@pytest.mark.parametrize("text, school_year, expected", CASES)
def test_timeline_phrases(text, school_year, expected):
    assert parse_timeline(text, school_year).to_json() == expected


def test_the_calendar_is_configurable():
    cal = SchoolCalendar(year_start=(8, 20), semester1_end=(12, 31), year_end=(5, 25))
    assert parse_timeline("Cuối học kỳ I", "2026-2027", cal).to_json()["due"] == "2026-12-31"
    assert parse_timeline("Hàng tháng", "2026-2027", cal).to_json()["start"] == "2026-08-20"


@settings(max_examples=500, deadline=None)
@given(st.text(), st.one_of(st.none(), st.sampled_from(["2023-2024", "2026-2027", "x"])))
def test_never_raises_on_arbitrary_text(text, school_year):
    assert parse_timeline(text, school_year).kind in ("recurring", "deadline", "period",
                                                       "unknown")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Tháng", "tháng", "12", "2023", "/", "-", "–", "Quý", "I",
                                 "năm", "học", "kỳ", "Từ", "đến", "31", "0", "Hàng",
                                 "Cuối", " "]), max_size=12))
def test_never_raises_on_timeline_like_words(words):
    schedule = parse_timeline(" ".join(words), "2023-2024")
    if schedule.start and schedule.due:
        assert schedule.start <= schedule.due
