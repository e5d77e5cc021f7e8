"""The silence lists — the monitoring team's weekly «🔕 Chưa trả lời …» and the board's
digest — name only people who were asked about their tasks and did not answer, never their
reader, and stop with the school year."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.models import OutboxMessage, Staff
from storage.schools import school_calendar
from tests.phuhuu import TZ, local


def silence_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.startswith("🔕")), "")


async def test_the_silence_lists_through_a_year_and_its_summer(sessions, phuhuu, run_until):
    await run_until(local(2024, 8, 20), every=12)
    with sessions() as session:
        names = {s.id: s.name for s in session.scalars(select(Staff))}
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent")
                               .order_by(OutboxMessage.due_at)).all()
        year_end = school_calendar(session.get(type(phuhuu), phuhuu.id)).end(2023)
    asked = {r.staff_id for r in rows if r.kind in ("monthly", "term_review")
             and any(i.get("tasks") for i in r.items or [])}
    lists = [(r, silence_line(r.body["text"])) for r in rows if r.staff_id is not None
             and silence_line(r.body.get("text", ""))]
    readers = {names[r.staff_id] for r, _ in lists}
    assert "Phan Văn Sát" in readers  # the monitoring team hears it
    for row, line in lists:
        named = {n for n in names.values() if n in line}
        assert named, line
        assert names[row.staff_id] not in named, (row.key, line)  # never the reader
        assert named <= {names[s] for s in asked}, line  # only people who were asked
        assert row.due_at.astimezone(TZ).date() <= year_end, (row.key, line)
    summer = [r for r in rows if r.due_at.astimezone(TZ).date() > year_end
              and re.search(r"Chưa trả lời", r.body.get("text", ""))]
    assert summer == []
