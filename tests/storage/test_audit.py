"""The audit trail: every change is recorded by the one function that makes it, with who,
when and through what; the trail reads it back with answers and corrections, and the
database refuses to rewrite it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from core.calendar import SchoolCalendar
from storage import audit
from storage.linking import issue_invites
from storage.models import School, Staff, Task
from storage.plans import save_plan, set_calendar
from storage.staff_repo import set_pause
from storage.updates import record_update
from tests.storage.test_plans import new_school, write_plan

HT, TRANG = "0901234501", "0901234503"


def staff(session, phone) -> Staff:
    return session.scalar(select(Staff).where(Staff.phone_norm == phone))


def test_a_plan_import_and_each_task_it_rewords_are_recorded(sessions, clock, tmp_path):
    school = new_school(sessions, clock)
    with sessions.begin() as s:
        save_plan(s, s.merge(school), write_plan(tmp_path / "1.csv", [
            ["2.2", "Tổ chức 4 buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "TTCM"],
            ["2.2", "Dự giờ đồng nghiệp", "GVBM"]]), clock, source_name="1.csv")
        first = s.scalar(select(Task.id).where(Task.text.like("Tổ chức 4%")))
    clock.advance(days=1)
    with sessions.begin() as s:
        ht = staff(s, HT)
        save_plan(s, s.merge(school), write_plan(tmp_path / "2.csv", [
            ["2.2", "Tổ chức 6 buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "TTCM"],
            ["2.2", "Bồi dưỡng chuyển đổi số cho giáo viên", "PHT"]]), clock,
            source_name="2.csv", via="telegram", actor_id=ht.id)
        entries = audit.trail(s, school.id, kinds={audit.PLAN_IMPORT, audit.PLAN_ADJUST})
    second, adjust, initial = sorted(entries, key=lambda e: (e.at, e.kind), reverse=True)
    assert (adjust.kind, adjust.actor, adjust.via, adjust.at) == (
        audit.PLAN_ADJUST, "Nguyễn Thị Minh Hạnh", "telegram", clock.now())
    assert adjust.subject == "Tổ chức 6 buổi sinh hoạt chuyên môn theo nghiên cứu bài học"
    assert adjust.details == {
        "task_id": first, "before": "Tổ chức 4 buổi sinh hoạt chuyên môn theo nghiên cứu bài học"}
    assert (second.kind, second.actor, second.via, second.subject) == (
        audit.PLAN_IMPORT, "Nguyễn Thị Minh Hạnh", "telegram", "2.csv")
    assert second.details == {"criteria": 1, "tasks": 2, "added": 1, "kept": 0,
                              "adjusted": 1, "closed": 1}
    assert (initial.kind, initial.actor, initial.via, initial.subject) == (
        audit.PLAN_IMPORT, None, "cli", "1.csv")
    assert initial.at == clock.now() - timedelta(days=1)


def test_a_calendar_change_records_the_settings_that_changed(sessions, school, clock):
    with sessions.begin() as s:
        ht = staff(s, HT)
        changed = SchoolCalendar().changed(send_time="07:30", holidays=[
            {"from": "2027-02-01", "to": "2027-02-12", "name": "Tết"}])
        moved = set_calendar(s, s.get(School, school.id), changed, clock.now(), "zalo", ht.id)
        assert moved == 0  # no timeline of the example plan falls in Tết or on 07:30
        (entry,) = audit.trail(s, school.id, kinds={audit.CALENDAR})
    assert (entry.actor, entry.via, entry.at) == ("Nguyễn Thị Minh Hạnh", "zalo", clock.now())
    assert entry.details == {
        "send_time": ["08:00", "07:30"],
        "holidays": [[], [{"from": "2027-02-01", "to": "2027-02-12", "name": "Tết"}]]}
    with sessions() as s:
        assert s.get(School, school.id).calendar == changed.to_json()


def test_pausing_and_resuming_are_recorded(sessions, school, clock):
    with sessions.begin() as s:
        trang = staff(s, TRANG)
        set_pause(s, trang, date(2027, 1, 15), clock.now(), "cli")
        assert trang.paused_until == date(2027, 1, 15)
    clock.advance(days=3)
    with sessions.begin() as s:
        trang, ht = staff(s, TRANG), staff(s, HT)
        set_pause(s, trang, None, clock.now(), "telegram", ht.id)
        assert trang.paused_until is None
        resumed, paused = audit.trail(s, school.id, kinds={audit.PAUSE})
    assert (paused.actor, paused.via, paused.subject, paused.details) == (
        None, "cli", "Lê Thị Thu Trang", {"staff_id": trang.id, "until": "2027-01-15"})
    assert (resumed.actor, resumed.via, resumed.at, resumed.details) == (
        "Nguyễn Thị Minh Hạnh", "telegram", clock.now(), {"staff_id": trang.id, "until": None})


def test_each_invitation_is_recorded_and_a_new_code_says_it_replaced_one(sessions, school,
                                                                       clock):
    with sessions.begin() as s:
        issue_invites(s, school, clock)
    clock.advance(hours=1)
    with sessions.begin() as s:
        trang, ht = staff(s, TRANG), staff(s, HT)
        issue_invites(s, school, clock, only=[trang], via="web", actor_id=ht.id)
        entries = audit.trail(s, school.id, kinds={audit.INVITATION})
    assert len(entries) == 9
    again, *first = entries
    assert (again.actor, again.via, again.subject, again.at, again.details) == (
        "Nguyễn Thị Minh Hạnh", "web", "Lê Thị Thu Trang", clock.now(),
        {"staff_id": trang.id, "reissued": True})
    assert {(e.actor, e.via, e.details["reissued"]) for e in first} == {(None, "cli", False)}
    assert "Lê Thị Thu Trang" in {e.subject for e in first}


def test_the_trail_filters_by_kind_actor_and_dates_newest_first_with_answers(
        sessions, school, clock):
    start = clock.now()  # the example school's plan was imported then, from the CLI
    with sessions.begin() as s:
        trang, ht = staff(s, TRANG), staff(s, HT)
        task = s.scalar(select(Task).order_by(Task.id).limit(1))
        clock.advance(days=1)
        set_pause(s, trang, date(2027, 1, 15), clock.now(), "telegram", ht.id)
        clock.advance(days=1)
        answer = record_update(s, task, trang.id, "late", "Một phần", "Thiếu kinh phí", [],
                               clock)
        clock.advance(days=1)
        record_update(s, task, trang.id, "in_progress", "Một phần", None, [], clock,
                      corrects_id=answer.id)
        clock.advance(days=1)
        set_calendar(s, s.get(School, school.id), SchoolCalendar().changed(send_time="07:30"),
                     clock.now(), "telegram", ht.id)
        whole = audit.trail(s, school.id)
        assert [e.kind for e in whole] == [audit.CALENDAR, audit.CORRECTION, audit.ANSWER,
                                           audit.PAUSE, audit.PLAN_IMPORT]
        assert [e.at for e in whole] == [start + timedelta(days=n) for n in (4, 3, 2, 1, 0)]
        _, correction, first = whole[:3]
        assert (first.actor, first.subject, first.details) == (
            "Lê Thị Thu Trang", task.text,
            {"status": "late", "task_id": task.id, "done": "Một phần",
             "reason": "Thiếu kinh phí"})
        assert (correction.actor, correction.details["status"]) == (
            "Lê Thị Thu Trang", "in_progress")

        def kinds(**filters):
            return [e.kind for e in audit.trail(s, school.id, **filters)]

        assert kinds(kinds={audit.ANSWER}) == [audit.ANSWER]
        assert kinds(kinds={audit.CORRECTION, audit.PAUSE}) == [audit.CORRECTION, audit.PAUSE]
        assert kinds(actor_id=ht.id) == [audit.CALENDAR, audit.PAUSE]
        assert kinds(actor_id=trang.id) == [audit.CORRECTION, audit.ANSWER]
        assert kinds(since=start + timedelta(days=1), until=start + timedelta(days=3)) == [
            audit.ANSWER, audit.PAUSE]
        assert kinds(limit=2) == [audit.CALENDAR, audit.CORRECTION]
        assert audit.trail(s, school.id + 1) == []


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET kind = 'x'",
                                       "DELETE FROM audit_events"])
def test_the_database_refuses_to_rewrite_the_trail(sessions, school, statement):
    with sessions.begin() as s:
        assert audit.trail(s, school.id, kinds={audit.PLAN_IMPORT})
    with pytest.raises(Exception, match="append-only"):
        with sessions.begin() as s:
            s.execute(text(statement))
    with sessions() as s:
        (entry,) = audit.trail(s, school.id, kinds={audit.PLAN_IMPORT})
        assert entry.kind == audit.PLAN_IMPORT


async def test_a_pause_and_a_calendar_change_in_chat_are_on_the_trail(school, chat_as, sessions,
                                                                      clock, channel):
    ht = chat_as(HT)
    await ht.send("/tamdung")
    await ht.send("Lê Thị Thu Trang")
    assert "đến hết ngày 15/01/2027" in await ht.send("15/01/2027")
    clock.advance(minutes=1)
    await ht.send("/lich")
    await ht.press("⏰ Ngày giờ nhắc")
    assert "ngày 20, lúc 07:30" in await ht.send("20 7:30")
    with sessions() as s:
        calendar, pause = audit.trail(s, school.id, kinds={audit.PAUSE, audit.CALENDAR})
        trang = staff(s, TRANG)
    assert (pause.actor, pause.via, pause.subject, pause.details) == (
        "Nguyễn Thị Minh Hạnh", channel, "Lê Thị Thu Trang",
        {"staff_id": trang.id, "until": "2027-01-15"})
    assert (calendar.actor, calendar.via, calendar.details) == (
        "Nguyễn Thị Minh Hạnh", channel,
        {"checkin_day": [25, 20], "send_time": ["08:00", "07:30"]})


def test_names_are_read_within_the_entry_s_school(sessions, school, clock):
    """An entry naming an id that is another school's person (or nobody's) shows no name,
    and that person's data does not gain it."""
    from storage.personal_data import person_data
    from storage.schools import pick_school
    from storage.staff_repo import import_staff
    from readers.staff_sheet import StaffRow

    with sessions.begin() as s:
        other = pick_school(s, "other", clock, create=True)
        import_staff(s, other, [StaffRow(2, "Hoàng Văn Tân", "0987654301", "0987654301",
                                         ["HT"])])
        stranger = s.scalar(select(Staff).where(Staff.school_id == other.id))
        ht = staff(s, HT)
        audit.record(s, audit.PAUSE, school.id, clock.now(), "cli", actor_id=stranger.id,
                     staff_id=stranger.id, until=None)
        audit.record(s, audit.INVITATION, school.id, clock.now(), "cli", actor_id=ht.id,
                     staff_id=99_999, reissued=False)
    with sessions() as s:
        entries = audit.trail(s, school.id, {audit.PAUSE, audit.INVITATION})
        assert [(e.kind, e.actor, e.subject) for e in entries] == [
            (audit.INVITATION, "Nguyễn Thị Minh Hạnh", None), (audit.PAUSE, None, None)]
        assert person_data(s, [s.get(Staff, stranger.id)])["audit"] == []
