"""The school the benchmarks use: `teachers` teachers of one tổ sharing a plan of 24 tasks,
each linked to a chat account."""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.staff_sheet import StaffRow
from storage.db import make_engine, recreate, session_factory
from storage.linking import link_by_contact
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff


def bench_school(url: str, teachers: int, clock: Clock, channel: str | Callable[[int], str],
                 user_of: Callable[[int], str], principal: bool = False,
                 ) -> tuple[Engine, sessionmaker[Session]]:
    """A fresh database with the school; staff line n chats as `user_of(n)` on `channel`, or
    on `channel(n)` when it is a function (the principal, when asked for, is line
    `teachers`)."""
    channel_of = channel if callable(channel) else (lambda _line: channel)
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    rows = [StaffRow(i, f"Giáo viên {i}", None, f"09{i:08d}", ["GVBM"], "Tổ Toán")
            for i in range(teachers)]
    if principal:
        rows.append(StaffRow(teachers, "Hiệu trưởng", None, "0899999999", ["HT"], None))
    draft = PlanDraft(criteria=[CriterionDraft(f"{s}.{c}", tasks=[
        TaskDraft(f"Công việc {s}.{c}.{k}", owners=["GVBM"]) for k in range(2)])
        for s in range(1, 5) for c in range(1, 4)])
    with sessions.begin() as session:
        school = pick_school(session, "bench", clock, create=True)
        import_staff(session, school, rows)
        save_plan(session, school, draft, clock)
        for row in rows:
            user = user_of(row.line)
            link_by_contact(session, row.phone_norm, user, channel_of(row.line), user, user,
                            clock)
    return engine, sessions
