"""The dashboard says only what is so: nobody linked or nothing sent yet is said as such, a
teacher sees her own tasks and how to update them, and the weekly chart starts with the plan
and shows each week once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storage.db import writing
from storage.linking import link_by_contact
from reminders.budget import record_sent
from storage.models import Account, OutboxMessage, Staff
from storage.plans import tasks_of
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id


async def dashboard(web_app, sign_in, phone: str) -> str:
    browser = await sign_in(phone)
    answer = await browser.get(f"/web/s/{school_id(web_app)}/")
    assert answer.status_code == 200
    return answer.text


async def test_a_new_school_is_told_nobody_is_linked_and_nothing_was_sent(web_app, sign_in):
    page = await dashboard(web_app, sign_in, PRINCIPAL)
    assert "Mọi người" not in page
    assert "Chưa ai liên kết tài khoản" in page and "giấy mời ở trang Cán bộ" in page
    assert "Trợ lý chưa gửi lần nhắc cập nhật nào" in page
    assert 'id="silent-count"' not in page and 'id="unreachable-count"' not in page


async def test_once_linked_and_asked_the_statements_count_who_is_in_them(web_app, sign_in,
                                                                         clock):
    with writing(web_app.sessions) as session:
        assert link_by_contact(session, TEACHER, "77", "test", "77", "77",
                               clock).outcome == "linked"
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        now = clock.now()
        session.add(OutboxMessage(  # the month's check-in, sent to the teacher
            school_id=teacher.school_id, staff_id=teacher.id, key="monthly:2026-11",
            kind="monthly", period="2026-11", channel="test", chat_id="77", status="sent",
            due_at=now, not_before=now, sent_at=now, created_at=now, body={}, items=[]))
    page = await dashboard(web_app, sign_in, PRINCIPAL)
    assert "1 người đã liên kết đều nhận được tin." in page
    assert "Chưa ai liên kết" not in page and "chưa gửi lần nhắc" not in page
    assert 'id="silent-count"' in page


async def test_a_teachers_dashboard_is_her_own(web_app, sign_in):
    page = await dashboard(web_app, sign_in, TEACHER)
    with web_app.sessions() as session:
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        mine = tasks_of(session, [teacher.id])
        codes = sorted(f"{t.criterion.code} · " for t in mine)
    assert mine
    listed = re.search(r'<ul class="list" id="mine">(.*?)</ul>', page, re.S).group(1)
    assert sorted(re.findall(r'">([0-9.]+ · )', listed)) == codes
    assert "/capnhat" in page and 'id="next-due"' in page
    assert "nhiệm vụ của thầy/cô đã hoàn thành" in page
    assert "tiêu chí 1.4" not in page and "Chỉ báo" not in page
    assert "Chưa trả lời" not in page and "không nhận được tin" not in page
    assert "người chưa trả lời" not in page


def bars(page: str) -> list[str]:
    chart = re.search(r'<svg[^>]*id="trend-chart".*?</svg>', page, re.S)
    return re.findall(r"<title>(\d\d/\d\d):", chart.group(0)) if chart else []


async def test_the_weekly_chart_starts_with_the_plan_each_week_once(web_app, sign_in, clock):
    imported = clock.now()
    assert bars(await dashboard(web_app, sign_in, PRINCIPAL)) == [imported.strftime("%d/%m")]
    for days in (1, 6, 7, 13, 20, 100):
        clock.advance(days=days - (clock.now() - imported).days)
        shown = bars(await dashboard(web_app, sign_in, PRINCIPAL))
        # Today, and each day a week before it, back to the plan's import: 12 at most.
        weeks = min(days // 7 + 1, 12)
        assert shown == [(clock.now() - timedelta(days=7 * k)).strftime("%d/%m")
                         for k in reversed(range(weeks))]


async def test_the_board_sees_the_zalo_bots_month_and_a_teacher_does_not(web_app, sign_in,
                                                                         clock):
    with writing(web_app.sessions) as session:
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        session.add(Account(school_id=teacher.school_id, staff_id=teacher.id, channel="zalo",
                            external_user_id="z77", chat_id="z77", linked_at=clock.now(),
                            linked_by="test"))
        record_sent(session, web_app.renderer, "zalo", None, 2412, 3000, clock.now())
    page = await dashboard(web_app, sign_in, PRINCIPAL)
    assert "Zalo: 2.412/3.000 tin tháng 11" in page and 'id="budget-zalo-default"' in page
    assert "Zalo: 2.412" not in await dashboard(web_app, sign_in, TEACHER)
