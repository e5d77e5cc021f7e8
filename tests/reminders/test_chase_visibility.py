"""Whoever the overdue ladder asks to chase a task finds it in their /quahan: a group leader
is asked about his tổ's late tasks — one co-owned by the principal too — and /quahan shows
him those, not the whole school's."""

from __future__ import annotations

import re

from sqlalchemy import select

from handlers.engine import Engine
from storage.models import OverdueAlert, Staff, Task, TaskOwner
from tests.chat import Chat
from tests.conftest import TEST_CHANNELS
from tests.phuhuu import chat_of, local


def hand_over(sessions, timeline: str, before: str, after: str) -> str:
    """`after` owns the task instead of `before`; returns its criterion code."""
    with sessions.begin() as session:
        task = session.scalar(select(Task).where(Task.timeline == timeline))
        ids = {s.name: s.id for s in session.scalars(select(Staff))}
        owner = next(o for o in task.owners if o.staff_id == ids[before])
        session.add(TaskOwner(task_id=task.id, staff_id=ids[after], phrase=owner.phrase))
        session.delete(owner)
        return task.criterion.code


def chased(sessions, name: str) -> set[str]:
    """The criterion codes of the tasks this person was asked to chase (a rung above 0)."""
    with sessions() as session:
        staff_id = session.scalar(select(Staff.id).where(Staff.name == name))
        return {task.criterion.code for task in session.scalars(
            select(Task).join(OverdueAlert, OverdueAlert.task_id == Task.id)
            .where(OverdueAlert.staff_id == staff_id, OverdueAlert.step > 0))}


async def test_a_group_leader_finds_what_he_is_asked_to_chase(
        sessions, phuhuu, run_until, renderer, evidence, year_clock):
    # 3.3 is owned by the principal, her deputy, Kim — and Hà of Đức's tổ instead of Đức.
    code = hand_over(sessions, "Tháng 7 năm 2023", "Lê Minh Đức", "Phạm Thu Hà")
    await run_until(local(2023, 10, 2))
    assert chased(sessions, "Lê Minh Đức") == {code}

    engine = Engine(sessions, renderer, evidence, year_clock, channels=TEST_CHANNELS)
    duc = await Chat(engine, int(chat_of("Đức"))).send("/quahan")
    shown = set(re.findall(r"^• \[([0-9.]+)\]", duc, flags=re.M))
    assert shown == {code}
    assert "của Tổ Toán - Tin" in duc
    # The monitoring team, asked about every late task, sees the whole school's.
    sat = await Chat(engine, int(chat_of("Sát"))).send("/quahan")
    assert chased(sessions, "Phan Văn Sát") <= set(re.findall(r"^• \[([0-9.]+)\]", sat,
                                                               flags=re.M))
    # A teacher is never asked to chase anyone, and may not see the list.
    assert chased(sessions, "Đỗ Văn Nam") == set()
    assert "dành cho" in await Chat(engine, int(chat_of("Nam"))).send("/quahan")
