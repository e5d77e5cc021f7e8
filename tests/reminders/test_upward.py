"""Upward: the overdue ladder and the weekly digest, through a stretch of the year."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from readers.plan_files import read_plan
from storage.models import OutboxMessage, OverdueAlert, School, Staff, Task
from storage.plans import save_plan
from storage.schools import pick_school
from tests.phuhuu import TABLE_PLAN, TZ, local


def ladder(sessions) -> list[tuple[str, int, int, str]]:
    with sessions() as session:
        names = {s.id: s.name.split()[-1] for s in session.scalars(select(Staff))}
        rows = session.execute(
            select(OverdueAlert, OutboxMessage.sent_at)
            .join(OutboxMessage, OutboxMessage.id == OverdueAlert.outbox_id)
            .order_by(OverdueAlert.id)).all()
        return [(sent.astimezone(TZ).date().isoformat(), a.step, a.week, names[a.staff_id])
                for a, sent in rows]


async def test_the_overdue_ladder_climbs_a_step_at_a_time_and_repeats_weekly(
        sessions, phuhuu, run_until):
    # 3.3 ("Tháng 7 năm 2023") is due 31/07 and never done. Its owners: Tốt (HT), Hoa (PHT),
    # Đức (TTCM of his own tổ, so no leader above him) and Kim (Tổ Văn phòng, no TTCM).
    await run_until(local(2023, 8, 25))
    steps = ladder(sessions)
    assert sorted({(day, step, week) for day, step, week, _ in steps}) == [
        ("2023-08-01", 0, 0), ("2023-08-07", 2, 0), ("2023-08-08", 0, 1),
        ("2023-08-10", 3, 0), ("2023-08-14", 2, 1), ("2023-08-15", 0, 2),
        ("2023-08-17", 3, 1), ("2023-08-21", 2, 2), ("2023-08-22", 0, 3),
        ("2023-08-24", 3, 2)]
    assert {name for _, step, _, name in steps if step == 0} == {"Tốt", "Hoa", "Đức", "Kim"}
    assert {name for _, step, _, name in steps if step == 2} == {"Sát"}  # the monitoring team
    assert {name for _, step, _, name in steps if step == 3} == {"Tốt"}  # the principal
    assert len(steps) == len(set(steps))
    with sessions() as session:
        said = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "overdue")
                               .order_by(OutboxMessage.id)).all()
        assert {m.status for m in said} == {"sent"}
        to_sat = next(m for m in said if m.staff_id == session.scalar(
            select(Staff.id).where(Staff.name == "Phan Văn Sát")))
        assert "cần thầy/cô đôn đốc" in to_sat.body["text"]
        assert "phụ trách: HT, PHT" not in to_sat.body["text"]
        assert to_sat.body["buttons"] == []


async def test_a_done_task_leaves_the_ladder(sessions, phuhuu, run_until, year_clock):
    def done():
        from storage.updates import record_update

        with sessions.begin() as session:
            task = session.scalar(select(Task).where(Task.timeline == "Tháng 7 năm 2023"))
            record_update(session, task, task.owners[0].staff_id, "done", "Xong.", None, [],
                          year_clock)

    await run_until(local(2023, 8, 25), on={local(2023, 8, 9, 9): done})
    assert max(day for day, *_ in ladder(sessions)) == "2023-08-08"


async def test_the_weekly_digest_reaches_the_board_and_its_group(sessions, phuhuu, run_until):
    with sessions.begin() as session:
        school = session.get(School, phuhuu.id)
        school.board_channel, school.board_chat_id = "test", "-100777"
    await run_until(local(2023, 9, 20))
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.kind, OutboxMessage.period,
                                      OutboxMessage.chat_id, OutboxMessage.due_at)
                               .where(OutboxMessage.kind.in_(("digest", "chart")))
                               .order_by(OutboxMessage.id)).all()
    weeks = sorted({(period, due.astimezone(TZ).date()) for _, period, _, due in rows})
    assert weeks == [("2023-W37", date(2023, 9, 11)), ("2023-W38", date(2023, 9, 18))]
    assert sorted({chat for _, _, chat, _ in rows}) == ["-100777", "9001", "9002"]
    assert len(rows) == 2 * 3 * 2  # two weeks, three chats, text and chart


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
    await run_until(local(2023, 9, 13))
    with sessions() as session:
        groups = session.execute(select(OutboxMessage.chat_id, OutboxMessage.kind)
                                 .where(OutboxMessage.staff_id.is_(None))).all()
    assert sorted(groups) == [("-100777", "chart"), ("-100777", "digest"),
                              ("-100888", "chart"), ("-100888", "digest")]


async def test_the_monitoring_team_hears_who_stays_silent(sessions, phuhuu, run_until):
    await run_until(local(2023, 11, 5))
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.period, OutboxMessage.body,
                                      OutboxMessage.staff_id)
                               .where(OutboxMessage.kind == "silent")
                               .order_by(OutboxMessage.id)).all()
        sat = session.scalar(select(Staff.id).where(Staff.name == "Phan Văn Sát"))
    # Nobody answered the check-ins of 25/09 and 25/10: from then on, once a week.
    assert [(period, staff) for period, _, staff in rows] == [("2023-W43", sat),
                                                              ("2023-W44", sat)]
    assert "Nguyễn Văn Tốt" in rows[0][1]["text"] and "2 lần nhắc" in rows[0][1]["text"]
