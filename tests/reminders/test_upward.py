"""Upward: the overdue ladder, the weekly digest and the silence alert, through a stretch of
THCS Phú Hữu's 2023-2024 (tests/phuhuu.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from readers.plan_files import read_plan
from storage.models import OutboxMessage, OverdueAlert, School, Staff, Task
from storage.plans import save_plan
from storage.schools import pick_school
from storage.updates import record_update
from tests.phuhuu import TABLE_PLAN, TZ, local


def ladder(sessions) -> list[tuple[str, int, str]]:
    """(day told, rung, given name) of every alert, in order."""
    with sessions() as session:
        names = {s.id: s.name.split()[-1] for s in session.scalars(select(Staff))}
        rows = session.execute(
            select(OverdueAlert, OutboxMessage.due_at)
            .join(OutboxMessage, OutboxMessage.id == OverdueAlert.outbox_id)
            .order_by(OverdueAlert.id)).all()
        return [(due.astimezone(TZ).date().isoformat(), a.step, names[a.staff_id])
                for a, due in rows]


def messages_to(sessions, name: str) -> list[OutboxMessage]:
    with sessions() as session:
        staff_id = session.scalar(select(Staff.id).where(Staff.name == name))
        return session.scalars(select(OutboxMessage).where(OutboxMessage.staff_id == staff_id)
                               .order_by(OutboxMessage.due_at)).all()


def late_answer(sessions, clock, who: str, reason: str):
    def answer():
        with sessions.begin() as session:
            task = session.scalar(select(Task).where(Task.timeline == "Tháng 7 năm 2023"))
            author = session.scalar(select(Staff).where(Staff.name == who))
            record_update(session, task, author.id, "late", "Đã sửa 3 phòng.", reason, [],
                          clock)
    return answer


async def test_the_overdue_ladder_climbs_once_and_nobody_chases_their_own_task(
        sessions, phuhuu, run_until):
    # 3.3 ("Tháng 7 năm 2023") is due 31/07 and never done. Its owners: Tốt (HT), Hoa (PHT),
    # Đức (TTCM of his own tổ, so no leader above him) and Kim (Tổ Văn phòng, no TTCM).
    # August is the summer break: the owners hear it on the first school day.
    await run_until(local(2023, 12, 1))
    steps = ladder(sessions)
    assert sorted(steps) == [("2023-09-05", 0, "Hoa"), ("2023-09-05", 0, "Kim"),
                             ("2023-09-05", 0, "Tốt"), ("2023-09-05", 0, "Đức"),
                             ("2023-09-11", 2, "Sát")]
    # The principal owns it: she is not asked to chase it (step 3 has nobody left), and
    # nobody hears about it twice, though it stays late for four months.
    to_sat = next(m for m in messages_to(sessions, "Phan Văn Sát") if "đôn đốc" in
                  m.body["text"])
    assert "[3.3]" in to_sat.body["text"] and to_sat.body["buttons"] == []
    owners_first = [m for m in messages_to(sessions, "Võ Thị Kim") if "quá hạn" in
                    m.body["text"]]
    assert owners_first[0].due_at.astimezone(TZ) == local(2023, 9, 5, 7, 30)


async def test_an_owners_reason_quiets_the_ladder_until_the_date_they_gave(
        sessions, phuhuu, run_until, year_clock):
    answer = late_answer(sessions, year_clock, "Võ Thị Kim",
                         "Chờ kinh phí, dự kiến xong 20/09/2023.")
    await run_until(local(2023, 10, 1), on={local(2023, 9, 5, 9): answer})
    assert [s for s in ladder(sessions) if s[1] > 0] == [("2023-09-25", 2, "Sát")]
    # 21/09 is the day after the date given; the monitoring team hears on its next Monday.


async def test_a_done_task_leaves_the_ladder(sessions, phuhuu, run_until, year_clock):
    def done():
        with sessions.begin() as session:
            task = session.scalar(select(Task).where(Task.timeline == "Tháng 7 năm 2023"))
            record_update(session, task, task.owners[0].staff_id, "done", "Xong.", None, [],
                          year_clock)

    await run_until(local(2023, 10, 1), on={local(2023, 9, 6, 9): done})
    assert {step for _, step, _ in ladder(sessions)} == {0}


async def test_the_weekly_digest_reaches_the_board_and_its_group_on_school_days(
        sessions, phuhuu, run_until):
    with sessions.begin() as session:
        school = session.get(School, phuhuu.id)
        school.board_channel, school.board_chat_id = "test", "-100777"
    await run_until(local(2023, 9, 20))
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    digests = [r for r in rows if any(i["kind"] == "digest" for i in r.items)]
    days = sorted({r.due_at.astimezone(TZ).date() for r in digests})
    # Monday 4/9 is still the summer break: the first digest comes on Tuesday.
    assert days == [date(2023, 9, 5), date(2023, 9, 11), date(2023, 9, 18)]
    assert sorted({r.chat_id for r in digests}) == ["-100777", "9001", "9002"]
    assert len(digests) == 3 * 3  # three weeks, three chats, one message each
    assert all(r.body.get("photo") for r in digests)  # the chart goes with the text


async def test_each_schools_board_group_gets_its_own_digest(sessions, phuhuu, run_until,
                                                            year_clock):
    """Two schools' groups in one deployment: the second's digest is not taken for the
    first's (outbox keys are unique across the deployment)."""
    with sessions.begin() as session:
        school = session.get(School, phuhuu.id)
        school.board_channel, school.board_chat_id = "test", "-100777"
        other = pick_school(session, "khac", year_clock, create=True)
        save_plan(session, other, read_plan(TABLE_PLAN), year_clock)
        other.board_channel, other.board_chat_id = "test", "-100888"
    await run_until(local(2023, 9, 6))
    with sessions() as session:
        groups = session.execute(select(OutboxMessage.chat_id, OutboxMessage.kind)
                                 .where(OutboxMessage.staff_id.is_(None))).all()
    assert sorted(groups) == [("-100777", "digest"), ("-100888", "digest")]


async def test_the_monitoring_team_hears_who_stays_silent_once(sessions, phuhuu, run_until):
    await run_until(local(2023, 12, 15))
    silent = [m for m in messages_to(sessions, "Phan Văn Sát") if "Chưa trả lời" in
              m.body["text"]]
    # Nobody answered the check-ins of 25/09 and 25/10: the Monday after, once; not again
    # for the same people while they stay silent.
    assert [m.due_at.astimezone(TZ).date() for m in silent] == [date(2023, 10, 30)]
    text = silent[0].body["text"]
    assert "Nguyễn Văn Tốt" in text and "2 lần nhắc" in text
    assert "Phan Văn Sát" not in text  # not told about himself
