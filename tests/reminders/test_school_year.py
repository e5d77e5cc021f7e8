"""A whole school year of reminders on the table plan of ../shared/seeds, 2023-2024: what
goes out is what the preview said, on school days only, one message a person a day."""

from __future__ import annotations

from collections import Counter

import holidays
from sqlalchemy import select

from reminders.preview import preview
from storage.models import OutboxMessage, School, Staff, Task
from storage.updates import record_update
from tests.reminders.conftest import TZ, local

YEAR_END = local(2024, 6, 1)


def described(sessions) -> list[tuple]:
    """(local time, recipient, what it carries, criteria) of each message that went out, in
    the preview's order."""
    with sessions() as session:
        names = {s.id: s.name for s in session.scalars(select(Staff))}
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.staff_id.is_not(None))).all()
        rows = sorted(rows, key=lambda r: (r.due_at, r.staff_id))
        return [(r.due_at.astimezone(TZ).isoformat(), names[r.staff_id],
                 [i["kind"] for i in r.items], r.criteria) for r in rows]


def kinds(line) -> list[str]:
    return list(dict.fromkeys(line[2]))


async def test_a_year_goes_as_previewed_within_the_calendar(sessions, phuhuu, recorder,
                                                            run_until):
    with sessions() as session:
        planned = preview(session, session.get(School, phuhuu.id), local(2023, 7, 1),
                          YEAR_END).lines
    await run_until(YEAR_END)
    sent = described(sessions)
    assert [(at, to, kinds((at, to, k, c)), c) for at, to, k, c in sent] == [
        (p["at"], p["to"], p["kinds"], p["criteria"]) for p in planned if p["to"]]

    moments = [s.at.astimezone(TZ) for s in recorder.sent]
    public = holidays.country_holidays("VN", years=[2023, 2024])
    assert all(7 <= m.hour < 20 for m in moments)
    assert not [m for m in moments if m.weekday() == 6 or m.date() in public]
    # The Tết break the fixture's calendar names, and the summer but for July's deadline.
    assert not [m for m in moments if "2024-02-08" <= m.date().isoformat() <= "2024-02-14"]
    summer = [line for line in sent if line[0][:7] in ("2023-08",)]
    assert summer == []
    days = Counter((to, at[:10]) for at, to, _, _ in sent)
    assert max(days.values()) == 1  # one message a person a day
    months = Counter((to, at[:7]) for at, to, _, _ in sent)
    assert max(months.values()) <= 6 + 5  # the budget, and the board's weekly digests

    toi = [(at[:10], kinds, criteria) for at, name, kinds, criteria in sent
           if name == "Nguyễn Văn Tốt"]
    months_asked = [at[:7] for at, k, _ in toi if "monthly" in k]
    assert months_asked == ["2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02",
                            "2024-03", "2024-04", "2024-05"]
    # "Tháng 7 năm 2023" is due 31/07/2023, in the summer: 14, 7 and 1 day before still go
    # (the plan dates it there); 30/07 is a Sunday, so the last one comes on Saturday.
    assert [at for at, k, criteria in toi if "deadline" in k and "3.3" in criteria
            and at < "2023-08"] == ["2023-07-17", "2023-07-24", "2023-07-29"]
    # The review of học kỳ I, due two weeks before 15/01, would fall on 01/01, a holiday: it
    # comes before it, on the last school day of December.
    assert [at for at, k, _ in toi if "term_review" in k] == ["2023-12-30", "2024-05-17"]


async def test_nothing_for_tasks_done_and_no_follow_up_after_an_answer(
        sessions, phuhuu, recorder, run_until, year_clock):
    def finish_3_3():
        with sessions.begin() as session:
            task = session.scalar(select(Task).where(Task.timeline == "Tháng 7 năm 2023"))
            author = session.scalar(select(Staff).where(Staff.name == "Võ Thị Kim"))
            record_update(session, task, author.id, "done", "Đã sửa 6 phòng học.", None, [],
                          year_clock)

    def answer_early():
        """An update four days before the check-in: the month's question is answered."""
        with sessions.begin() as session:
            author = session.scalar(select(Staff).where(Staff.name == "Nguyễn Văn Tốt"))
            for task in session.scalars(select(Task).where(Task.timeline == "Hàng tháng")):
                record_update(session, task, author.id, "in_progress", "Đã tập huấn.", None,
                              [], year_clock)

    await run_until(local(2023, 10, 10), on={local(2023, 7, 20, 9): finish_3_3,
                                             local(2023, 9, 21, 10): answer_early})
    toi = [(at[:10], kinds, criteria) for at, name, kinds, criteria
           in described(sessions) if name == "Nguyễn Văn Tốt"]
    assert [at for at, k, c in toi if "deadline" in k and "3.3" in c] == ["2023-07-17"]
    assert all("3.3" not in c for at, k, c in toi if "monthly" in k)
    september = next(c for at, k, c in toi if at == "2023-09-25")
    assert "1.2" not in september  # answered on 21/09: not asked again on 25/09
    assert not [at for at, k, _ in toi if "nudge" in k and at < "2023-10-01"
                and "1.2" in _]
    kim = [at for at, name, _, _ in described(sessions) if name == "Võ Thị Kim"]
    assert [at[:10] for at in kim][:1] == ["2023-07-17"]
