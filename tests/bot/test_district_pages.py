"""The district's page over real HTTP: who may see it, what it lists, how it sorts, and the
spreadsheet it hands out."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from io import BytesIO
from typing import AsyncIterator

import httpx
from openpyxl import load_workbook
from sqlalchemy import func, select

from readers.staff_sheet import StaffRow
from reports.district_data import district_rows
from storage.districts import add_district, add_member, attach_school
from storage.models import School, Staff, Task
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.updates import record_update
from storage.web_access import issue_sign_in
from tests.bot.serving import served


def set_up(app, school) -> dict[str, int]:
    """District q1: the example school (two tasks done) and a school with no plan yet; q3:
    a school of its own. An account of q1, and the example school's principal."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        q1 = add_district(session, "q1", "Phòng GD&ĐT Quận 1", now)
        q3 = add_district(session, "q3", "Phòng GD&ĐT Quận 3", now)
        demo = session.get(School, school.id)
        principal = session.scalar(select(Staff).where(Staff.school_id == demo.id,
                                                       Staff.phone_norm == "0901234501"))
        for task in session.scalars(select(Task).where(Task.school_id == demo.id)
                                    .order_by(Task.id).limit(2)):
            record_update(session, task, principal.id, "done", "Xong.", None, [], app.clock)
        bare = pick_school(session, "bare", app.clock, create=True)
        bare.name = "Trường Tiểu học An Phú"
        import_staff(session, bare, [StaffRow(1, "Giáo viên lẻ", None, "0966000001")])
        other = pick_school(session, "other", app.clock, create=True)
        other.name = "Trường của quận khác"
        attach_school(session, demo, q1)
        attach_school(session, bare, q1)
        attach_school(session, other, q3)
        member = add_member(session, q1, "Nguyễn Văn An", "0912345678", now)
        return {"member": member.id, "principal": principal.id, "demo": demo.id,
                "bare": bare.id, "other": other.id}


@asynccontextmanager
async def signed_in(base: str, app, **who) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that followed a sign-in link: it keeps the session's cookie."""
    with app.sessions.begin() as session:
        token = issue_sign_in(session, app.clock.now(), **who)
    async with httpx.AsyncClient(base_url=base) as client:
        answer = await client.post(f"/web/login/{token}", follow_redirects=False)
        assert answer.status_code == 303
        yield client


def listed(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-school="(\d+)"', html)]


async def test_the_district_sees_its_schools_and_only_them(app, school):
    ids = set_up(app, school)
    async with served(app) as base:
        async with httpx.AsyncClient(base_url=base) as stranger:
            assert (await stranger.get("/web/district")).status_code == 401
            assert (await stranger.get("/web/district.xlsx")).status_code == 401
        async with signed_in(base, app, staff_id=ids["principal"]) as principal:
            assert (await principal.get("/web/district")).status_code == 404
            assert (await principal.get("/web/district.xlsx")).status_code == 404

        async with signed_in(base, app, member_id=ids["member"]) as district:
            page = await district.get("/web/district")
            assert page.status_code == 200
            html = page.text
            assert "Phòng GD&amp;ĐT Quận 1" in html and "Trường của quận khác" not in html
            assert listed(html) == [ids["demo"], ids["bare"]]  # Hoà Bình, then Tiểu học
            assert f'href="/web/s/{ids["demo"]}/"' in html
            assert "Chưa nhập" in html and "20%" in html and "2/10" in html
            assert " style=" not in html  # the page's policy refuses inline styles
            assert (await district.get(f"/web/s/{ids['demo']}/")).status_code == 200
            assert (await district.get(f"/web/s/{ids['other']}/")).status_code == 404


async def test_sorting_by_the_column_headers(app, school):
    ids = set_up(app, school)
    async with served(app) as base:
        async with signed_in(base, app, member_id=ids["member"]) as district:
            html = (await district.get("/web/district?sort=share&dir=desc")).text
            assert listed(html) == [ids["demo"], ids["bare"]]
            assert 'aria-sort="descending"' in html
            assert 'href="?sort=share&amp;dir=asc"' in html  # the same header turns it round
            assert 'href="?sort=overdue&amp;dir=desc"' in html  # the most overdue first
            html = (await district.get("/web/district?sort=share&dir=asc")).text
            assert listed(html) == [ids["bare"], ids["demo"]]
            html = (await district.get("/web/district?sort=plan")).text
            assert listed(html) == [ids["bare"], ids["demo"]]  # no plan yet comes first
            html = (await district.get("/web/district?sort=nonsense&dir=sideways")).text
            assert listed(html) == [ids["demo"], ids["bare"]]  # by name
            assert 'href="/web/district.xlsx?sort=name&amp;dir=asc"' in html


async def test_the_spreadsheet_has_the_page_figures(app, school):
    ids = set_up(app, school)
    async with served(app) as base:
        async with signed_in(base, app, member_id=ids["member"]) as district:
            answer = await district.get("/web/district.xlsx?sort=share&dir=asc")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "Tong-hop-q1-2026-11-02.xlsx" in answer.headers["content-disposition"]
    sheet = load_workbook(BytesIO(answer.content)).active
    lines = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [line[0] for line in lines] == ["bare", "demo"]
    with app.sessions() as session:
        rows = {r.code: r for r in district_rows(session, {ids["demo"], ids["bare"]},
                                                 app.clock.now())}
        tasks = session.scalar(select(func.count(Task.id)).where(
            Task.school_id == ids["demo"], Task.closed_at.is_(None)))
        done = session.scalar(select(func.count(Task.id)).where(
            Task.school_id == ids["demo"], Task.status == "done"))
        staff = session.scalar(select(func.count(Staff.id)).where(
            Staff.school_id == ids["demo"], Staff.active))
    demo = lines[1]
    assert demo[4:7] == (tasks, done, done / tasks) == (10, 2, 0.2)
    assert demo[9] == staff == rows["demo"].staff
    for line in lines:
        row = rows[line[0]]
        assert line[7:11] == (row.overdue, row.silent, row.staff, row.linked)
