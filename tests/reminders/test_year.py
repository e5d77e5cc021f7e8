"""A school of 40 staff and 120 tasks of mixed timelines, lived from 1 September to 31 August
on a fixed clock through the real planner, outbox, sender and conversation engine
(tests/reminders/year_school.py): a third of the people answer what they receive, a third
answer that they are late, with a reason, a third never answer. Two school years, as Tết
moves with the lunar calendar."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import holidays
import pytest
from sqlalchemy import select

from core.clock import FixedClock
from storage.models import OutboxMessage, OverdueAlert, Staff, Task, TaskOwner, TaskUpdate
from tests.reminders.year_school import FEW_TICKS, TZ, YearRun, build_year_school

BUDGET = 6  # the calendar's default


def school_months(first: int) -> list[str]:
    return [f"{first}-{m:02d}" for m in range(9, 13)] + [f"{first + 1}-{m:02d}"
                                                        for m in range(1, 6)]


def days_off(first: int) -> set[date]:
    """Sundays, the public holidays (the holidays package itself, not our calendar) and a
    week around the lunar new year."""
    public = holidays.country_holidays("VN", years=[first, first + 1], language="en_US")
    new_year = next(d for d, name in public.items() if name == "Lunar New Year")
    off = set(public) | {new_year + timedelta(days=n) for n in range(-3, 5)}
    day = date(first, 9, 1)
    while day <= date(first + 1, 8, 31):
        if day.weekday() == 6:
            off.add(day)
        day += timedelta(days=1)
    return off


@pytest.mark.parametrize("first", [2026, 2027])
async def test_a_school_year_people_would_live_with(sessions, tmp_path, first):
    clock = FixedClock(datetime(first, 8, 20, 9, tzinfo=TZ))
    school = build_year_school(sessions, clock, first)
    await YearRun(school, sessions, clock, tmp_path, FEW_TICKS).run(
        date(first, 9, 1), date(first + 1, 8, 31))
    messages = school.messages
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent")
                               .order_by(OutboxMessage.id)).all()
        owners = {(t, s) for t, s in session.execute(select(TaskOwner.task_id,
                                                            TaskOwner.staff_id))}
        alerts = session.execute(select(OverdueAlert.task_id, OverdueAlert.step,
                                        OverdueAlert.staff_id)).all()
        updates = session.execute(select(TaskUpdate.task_id, TaskUpdate.created_at)).all()
        dated = {t.id: t.due_on for t in session.scalars(select(Task))}
        roles = {s.id: s for s in session.scalars(select(Staff))}
    assert len(rows) == len(messages) > 300

    # One message a person a day, whatever was due to them that day.
    per_day = Counter((m.chat, m.at.date()) for m in messages)
    assert max(per_day.values()) == 1

    # Nothing on a holiday or a Sunday; in the summer only what the plan dates there.
    off = days_off(first)
    assert [m.at for m in messages if m.at.date() in off] == []
    summer = [r for r in rows if date(first + 1, 6, 1) <= r.due_at.astimezone(TZ).date()
              <= date(first + 1, 9, 4)]
    assert {i["kind"] for r in summer for i in r.items} <= {"deadline"}
    assert all(date(first + 1, 6, 1) <= dated[t] for r in summer for t in r.task_ids)
    assert [m.at for m in messages if not 7 <= m.at.hour < 20] == []

    # The monthly budget: six messages at most for everyone but the board, whose weekly
    # digests come on top; the answering teacher gets far fewer.
    counts = school.per_month()
    for person in school.people.values():
        for month in school_months(first):
            digests = 5 if person.role in ("principal", "deputy") else 0
            assert counts[person.chat][month] <= BUDGET + digests, (person, month)
    answering = [counts[p.chat][m] for (role, persona), people in school.by_persona().items()
                 if role == "teacher" and persona == "answers" for p in people
                 for m in school_months(first)]
    assert max(answering) <= BUDGET and sorted(answering)[len(answering) // 2] <= 2

    # The overdue ladder: each person hears about a late task once, and never as the one to
    # chase it when it is their own.
    told = Counter((task, staff) for task, _, staff in alerts)
    assert max(told.values()) == 1
    assert [(t, r, s) for t, r, s in alerts if r > 0 and (t, s) in owners] == []
    assert {r for _, r, _ in alerts} >= {0, 2}

    # No check-in asks about a task someone already updated since its period began.
    for row in rows:
        for item in row.items:
            if item["kind"] not in ("monthly", "term_review", "nudge") or "since" not in item:
                continue
            since = datetime.fromisoformat(item["since"])
            asked = set(item["tasks"])
            answered = {t for t, at in updates if t in asked and since <= at < row.due_at}
            assert not answered, (row.key, item["key"], answered)

    # The silence alert goes to the monitoring team, and never names its reader.
    for row in rows:
        for item in row.items:
            if item["kind"] == "silent":
                assert row.staff_id not in item["names"]
                assert "GS" in " ".join(roles[row.staff_id].roles) or \
                    "giám sát" in " ".join(roles[row.staff_id].roles)
