"""A whole school year of reminders on the table plan of ../shared/seeds, 2023-2024."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from reminders.preview import preview
from storage.models import OutboxMessage, School, Staff, Task
from storage.updates import record_update
from tests.reminders.conftest import TZ, local

YEAR_END = local(2024, 6, 1)


REMINDERS = ("monthly", "deadline", "term_review", "nudge")


def described(sessions) -> list[tuple]:
    """(local time, recipient, kind, criteria) of each reminder that went out, in the
    preview's order; each went out at its planned moment."""
    with sessions() as session:
        names = {s.id: s.name for s in session.scalars(select(Staff))}
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.kind.in_(REMINDERS))).all()
        assert all(r.sent_at == r.due_at for r in rows)
        rows = sorted(rows, key=lambda r: (r.due_at, r.staff_id, r.kind, r.period))
        return [(r.due_at.astimezone(TZ).isoformat(), names[r.staff_id], r.kind, r.criteria)
                for r in rows]


async def test_a_year_goes_as_previewed_within_the_calendar_each_key_once(
        sessions, phuhuu, recorder, run_until):
    with sessions() as session:
        planned = preview(session, session.get(School, phuhuu.id), local(2023, 7, 1),
                          YEAR_END).lines
    await run_until(YEAR_END)
    assert described(sessions) == [
        (p["at"], p["to"], p["kind"], p["criteria"]) for p in planned]
    # Nobody answers in this year: every check-in gets its one nudge.
    assert Counter(kind for *_, kind, _ in described(sessions)) == {
        "monthly": 54, "deadline": 15, "term_review": 12, "nudge": 66}

    moments = [s.at.astimezone(TZ) for s in recorder.sent]
    assert all(7 <= m.hour < 20 for m in moments)
    assert not [m for m in moments if m.weekday() == 6]
    assert not [m for m in moments if m.date().isoformat() == "2024-01-01"
                or "2024-02-08" <= m.date().isoformat() <= "2024-02-14"]
    with sessions() as session:
        keys = session.scalars(select(OutboxMessage.key)
                               .where(OutboxMessage.status == "sent")).all()
        assert len(keys) == len(set(keys)) == len(recorder.sent)  # one message a key

    toi = [(at[:10], kind, criteria) for at, name, kind, criteria
           in described(sessions) if name == "Nguyễn Văn Tốt"]
    months = [at[:7] for at, kind, _ in toi if kind == "monthly"]
    assert months == ["2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02",
                      "2024-03", "2024-04", "2024-05"]
    assert all("1.2" in criteria for _, kind, criteria in toi if kind == "monthly")
    # "Tháng 7 năm 2023" is due 31/07/2023: 14, 7 and 1 day before; 30/07 is a Sunday and
    # 31/07 would be the deadline itself, so the last one comes on Saturday 29/07.
    assert [(at, criteria) for at, kind, criteria in toi if kind == "deadline"
            and "3.3" in criteria] == [("2023-07-17", ["3.3"]), ("2023-07-24", ["3.3"]),
                                       ("2023-07-29", ["3.3"])]
    # Two weeks before học kỳ I ends (15/01; 01/01 is a holiday) and before 31/05.
    assert [at for at, kind, _ in toi if kind == "term_review"] == ["2024-01-02",
                                                                   "2024-05-17"]


async def test_nothing_for_tasks_done_and_no_nudge_after_an_answer(
        sessions, phuhuu, recorder, run_until, year_clock):
    def finish_3_3():
        with sessions.begin() as session:
            task = session.scalar(select(Task).where(Task.timeline == "Tháng 7 năm 2023"))
            author = session.scalar(select(Staff).where(Staff.name == "Võ Thị Kim"))
            record_update(session, task, author.id, "done", "Đã sửa 6 phòng học.", None, [],
                          year_clock)

    def answer_september():
        with sessions.begin() as session:
            author = session.scalar(select(Staff).where(Staff.name == "Nguyễn Văn Tốt"))
            task = session.scalar(select(Task).where(Task.timeline == "Hàng tháng"))
            record_update(session, task, author.id, "in_progress", "Đã tập huấn.", None, [],
                          year_clock)

    await run_until(local(2023, 10, 10), on={local(2023, 7, 20, 9): finish_3_3,
                                             local(2023, 9, 25, 10): answer_september})
    toi = [(at[:10], kind, criteria) for at, name, kind, criteria
           in described(sessions) if name == "Nguyễn Văn Tốt"]
    assert [at for at, kind, c in toi if kind == "deadline" and "3.3" in c] == ["2023-07-17"]
    assert ("2023-09-28", "nudge") not in [(at, kind) for at, kind, _ in toi]
    assert all("3.3" not in c for at, kind, c in toi if kind == "monthly")
    kim = [at for at, name, _, _ in described(sessions) if name == "Võ Thị Kim"]
    assert [at[:10] for at in kim] == ["2023-07-17"]
