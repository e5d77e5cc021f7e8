"""Who sees what on the web is the chat's matrix: every page for every role, a stranger,
someone signed out, another school's principal and the district office."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Task, TaskOwner
from tests.bot.web.conftest import (
    GROUP_LEADER,
    MONITOR,
    OTHER_TEACHER,
    PRINCIPAL,
    TEACHER,
    school_id,
)

DISTRICT = "0909000001"
OTHER_PRINCIPAL = "0907000001"
PAGES = ("", "plan", "staff", "reports", "calendar", "audit", "audit.csv",
         "reports/report.xlsx?period=year", "plan.docx")
# 200 seen; 404 not theirs; 401 signed out; 303 a download that redirects (no plan) counts
# as seen.
SEES = {
    PRINCIPAL: set(PAGES),
    MONITOR: set(PAGES),
    DISTRICT: set(PAGES),
    GROUP_LEADER: {"", "plan", "staff", "calendar"},
    TEACHER: {"", "plan", "calendar"},
    OTHER_PRINCIPAL: set(),
}


@pytest.mark.parametrize("who", list(SEES))
async def test_each_role_sees_its_pages_and_no_other(web_app, sign_in, who):
    browser = await sign_in(who)
    base = f"/web/s/{school_id(web_app)}/"
    for page in PAGES:
        answer = await browser.get(base + page)
        expected = 200 if page in SEES[who] else 404
        assert answer.status_code == expected, (who, page, answer.status_code)


async def test_signed_out_visitors_see_nothing(web_app, sign_in):
    browser = await sign_in(None)
    base = f"/web/s/{school_id(web_app)}/"
    for page in PAGES + ("tasks/1", "evidence/1", "no-such-page"):
        answer = await browser.get(base + page)
        assert answer.status_code in (401, 404), page
        assert "Nguyễn" not in answer.text
    assert (await browser.get("/web/")).status_code == 401


def _tasks_of(app, phone: str) -> set[int]:
    with app.sessions() as session:
        from storage.models import Staff
        staff_id = session.scalar(select(Staff.id).where(Staff.phone_norm == phone))
        return set(session.scalars(select(TaskOwner.task_id).where(
            TaskOwner.staff_id == staff_id)))


async def test_tasks_are_seen_by_their_owners_group_and_the_school(web_app, sign_in):
    base = f"/web/s/{school_id(web_app)}/tasks/"
    own = _tasks_of(web_app, TEACHER)
    group = own | _tasks_of(web_app, GROUP_LEADER)
    with web_app.sessions() as session:
        every = set(session.scalars(select(Task.id)))
    others = every - group - _tasks_of(web_app, "0901234505")  # not the other tổ's leader
    assert own and others
    expectations = {TEACHER: own, GROUP_LEADER: group, PRINCIPAL: every, MONITOR: every,
                    DISTRICT: every, OTHER_PRINCIPAL: set(), OTHER_TEACHER: _tasks_of(
                        web_app, OTHER_TEACHER)}
    for who, visible in expectations.items():
        browser = await sign_in(who)
        for task_id in sorted(own)[:2] + sorted(others)[:2]:
            answer = await browser.get(f"{base}{task_id}")
            assert answer.status_code == (200 if task_id in visible else 404), (who, task_id)


async def test_only_the_board_changes_things(web_app, sign_in):
    base = f"/web/s/{school_id(web_app)}"
    for who in (MONITOR, GROUP_LEADER, TEACHER, DISTRICT):
        browser = await sign_in(who)
        page = await browser.get(f"{base}/")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        for path, data in ((f"{base}/calendar", {"checkin_day": "20"}),
                           (f"{base}/staff/1/pause", {"action": "pause", "until": "2026-12-30"}),
                           (f"{base}/invitations", {"staff": "1"}),
                           (f"{base}/staff/forget", {"staff": "4", "confirm": "yes"})):
            answer = await browser.post(path, data={**data, "csrf": csrf})
            assert answer.status_code == 404, (who, path)


async def test_another_school_is_404_even_for_its_own_principal_here(web_app, sign_in):
    other = await sign_in(OTHER_PRINCIPAL)
    assert (await other.get(f"/web/s/{school_id(web_app)}/plan")).status_code == 404
    assert (await other.get(f"/web/s/{school_id(web_app, 'khac')}/plan")).status_code == 200
    district = await sign_in(DISTRICT)
    assert (await district.get(f"/web/s/{school_id(web_app, 'khac')}/")).status_code == 404


async def test_an_id_no_database_holds_is_a_plain_404(web_app, sign_in):
    principal = await sign_in(PRINCIPAL)
    huge = 2 ** 70
    school = school_id(web_app)
    for path in (f"/web/s/{school}/tasks/{huge}", f"/web/s/{school}/evidence/{huge}",
                 f"/web/s/{huge}/", f"/files/{huge}/1/x/a.pdf"):
        answer = await principal.get(path)
        assert answer.status_code == 404, path
        assert "Traceback" not in answer.text
