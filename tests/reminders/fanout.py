"""A school of many linked people, each with a monthly check-in waiting in the outbox: what a
fan-out test or benchmark sends. The plan's year is long past, so a running bot's own ticks
add nothing to it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from templates.render import Renderer
from core.clock import FixedClock
from reminders.scheduler import enqueue_due
from storage.models import Account, OutboxMessage, Staff
from readers.plan_complete import complete_draft
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import StaffRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_CHAT = 700_000


def build_fanout(sessions: sessionmaker[Session], people: int,
                 channel: str = "telegram") -> list[int]:
    """The chat ids that each have one pending check-in."""
    clock = FixedClock(datetime(2023, 9, 1, 8, 0, tzinfo=TZ))
    with sessions.begin() as session:
        school = pick_school(session, "fanout", clock, create=True)
        import_staff(session, school, [
            StaffRow(line=i + 2, name=f"Giáo viên {i:05d}", phone=f"09{i:08d}",
                     phone_norm=f"09{i:08d}", roles=["GV"], group="Tổ chung")
            for i in range(people)])
        draft = PlanDraft(school_year="2023-2024", framework="TT57/2026", criteria=[
            CriterionDraft("1.4", tasks=[TaskDraft(
                "Cập nhật tiến độ kế hoạch cải tiến", owners=["Toàn trường"],
                owners_text="Toàn trường", timeline="Hàng tháng")])])
        save_plan(session, school, complete_draft(draft), clock)
        staff_ids = session.scalars(select(Staff.id).where(Staff.school_id == school.id)
                                    .order_by(Staff.id)).all()
        chats = [FIRST_CHAT + n for n in range(len(staff_ids))]
        session.execute(insert(Account), [
            {"school_id": school.id, "staff_id": staff_id, "channel": channel,
             "external_user_id": str(chat), "chat_id": str(chat), "linked_at": clock.now(),
             "linked_by": "test"} for staff_id, chat in zip(staff_ids, chats)])
    clock.advance(days=24)  # 25/09/2023, 08:00: the monthly check-in
    with sessions.begin() as session:
        enqueue_due(session, pick_school(session, "fanout", clock), Renderer(), clock.now())
        queued = session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.status == "pending").limit(1))
        assert queued is not None, "nothing was queued"
    return chats
