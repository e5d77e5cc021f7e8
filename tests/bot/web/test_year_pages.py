"""The principal closes 2026-2027 in the console in June: a confirmation page first, then
next year's draft as an imported plan's preview, its workbook edited and sent back, and the
confirmation; last year stays readable under its year. A teacher can do none of it."""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from storage.db import writing
from storage.models import Plan, School, SchoolYear, Staff, Task
from storage.updates import record_update
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id
from tests.conftest import TEST_START

JUNE = datetime(2027, 6, 15, 2, 0, tzinfo=timezone.utc)
STOCKTAKE = "Kiểm kê và bổ sung thiết bị dạy học tối thiểu"


def csrf_of(page) -> str:
    return page.text.split('name="csrf" value="')[1].split('"')[0]


def to_june(app, clock) -> None:
    """The stocktake answered late with a reason in the spring; then it is June."""
    with writing(app.sessions) as session:
        task = session.scalar(select(Task).where(Task.text == STOCKTAKE))
        record_update(session, task, task.owners[0].staff_id, "late", None,
                      "Chờ kinh phí mua sắm", [], clock)
    clock.advance(seconds=(JUNE - TEST_START).total_seconds())


async def test_the_principal_closes_the_year_and_opens_the_next(web_app, sign_in, clock):
    to_june(web_app, clock)
    base = f"/web/s/{school_id(web_app)}/years"
    principal = await sign_in(PRINCIPAL)
    years = await principal.get(base)
    assert years.status_code == 200 and 'id="close-year"' in years.text
    assert (await principal.get(base + "/draft")).status_code == 404

    asked = await principal.get(base + "/close")
    assert asked.status_code == 200 and "Kết thúc năm học 2026-2027?" in asked.text
    assert "lý do: Chờ kinh phí mua sắm" in asked.text
    with web_app.sessions() as session:  # asking wrote nothing
        assert session.scalar(select(SchoolYear)) is None

    closed = await principal.post(base + "/close", data={"csrf": csrf_of(asked)})
    assert closed.status_code == 303 and closed.headers["location"].endswith("/years/draft")
    draft = await principal.get(base + "/draft")
    assert draft.status_code == 200
    assert "Xem trước kế hoạch (chưa nhập)" in draft.text
    assert "Tháng 11/2026 → Tháng 11/2027" in draft.text
    again = await principal.post(base + "/close", data={"csrf": csrf_of(draft)})
    assert again.status_code == 400 and "Năm học 2026-2027 đã kết thúc lúc" in again.text

    with web_app.sessions() as session:
        row_id = session.scalar(select(SchoolYear.id))
    kept = await principal.get(f"{base}/{row_id}/report")
    assert kept.status_code == 200
    docx.Document(BytesIO(kept.content))
    box = await principal.get(f"{base}/{row_id}/evidence_box")
    assert box.status_code == 200 and box.content.startswith(b"PK")
    assert (await principal.get(f"{base}/{row_id}/anything")).status_code == 404

    workbook = await principal.get(base + "/draft.xlsx")
    book = openpyxl.load_workbook(BytesIO(workbook.content))
    row = next(r for r in book.active.iter_rows() if r[3].value == STOCKTAKE)
    row[6].value = "Tháng 10/2027"
    edited = BytesIO()
    book.save(edited)
    broken = await principal.post(base + "/draft", data={"csrf": csrf_of(draft)},
                                  files={"file": ("ke-hoach.xlsx", b"PK\x03\x04 broken")})
    assert broken.status_code == 400 and 'id="problem"' in broken.text
    sent = await principal.post(base + "/draft", data={"csrf": csrf_of(draft)},
                                files={"file": ("ke-hoach-sua.xlsx", edited.getvalue())})
    assert sent.status_code == 303
    assert "Tháng 11/2026 → Tháng 10/2027" in (await principal.get(base + "/draft")).text

    opened = await principal.post(base + "/open", data={"csrf": csrf_of(draft)})
    assert opened.status_code == 303 and opened.headers["location"].endswith("?done=opened")
    with web_app.sessions() as session:
        plan = session.scalars(select(Plan).order_by(Plan.id.desc())).first()
        carried = session.scalar(select(Task).where(Task.plan_id == plan.id,
                                                    Task.text == STOCKTAKE))
        assert (plan.school_year, carried.timeline) == ("2027-2028", "Tháng 10/2027")
        old_task = carried.carried_from_id
    years = await principal.get(base)
    assert "Năm học 2026-2027" in years.text and f"/tasks/{old_task}" in years.text
    assert 'id="close-year"' in years.text  # the next close is next June's
    assert (await principal.get(f"{base}/{row_id}/report")).content == kept.content
    old = await principal.get(f"/web/s/{school_id(web_app)}/tasks/{old_task}")
    assert old.status_code == 200 and "Chờ kinh phí mua sắm" in old.text
    new = await principal.get(f"/web/s/{school_id(web_app)}/tasks/{carried.id}")
    assert f"/tasks/{old_task}" in new.text
    assert (await principal.post(base + "/open", data={"csrf": csrf_of(draft)})
            ).status_code == 404  # nothing waits any more
    trail = await principal.get(f"/web/s/{school_id(web_app)}/audit")
    assert "Kết thúc năm học" in trail.text and "chuyển tiếp từ năm học trước" in trail.text


async def test_a_teacher_cannot_close_the_year(web_app, sign_in, clock):
    to_june(web_app, clock)
    base = f"/web/s/{school_id(web_app)}/years"
    teacher = await sign_in(TEACHER)
    years = await teacher.get(base)
    assert years.status_code == 200 and 'id="close-year"' not in years.text
    csrf = csrf_of(years)
    assert (await teacher.get(base + "/close")).status_code == 404
    assert (await teacher.post(base + "/close", data={"csrf": csrf})).status_code == 404
    assert (await teacher.post(base + "/open", data={"csrf": csrf})).status_code == 404
    with web_app.sessions() as session:
        assert session.scalar(select(SchoolYear)) is None
    principal = await sign_in(PRINCIPAL)
    asked = await principal.get(base + "/close")
    assert (await principal.post(base + "/close", data={"csrf": csrf_of(asked)})
            ).status_code == 303
    with web_app.sessions() as session:
        row_id = session.scalar(select(SchoolYear.id))
    assert (await teacher.get(f"{base}/{row_id}/report")).status_code == 404
    assert (await teacher.get(base + "/draft.xlsx")).status_code == 404


OTHER_SCHOOLS_TEACHER = "0907000002"  # added here, at the other school («khac»)


async def test_another_schools_people_get_no_kept_file(web_app, sign_in, clock):
    """The kept files' addresses carry the school and the year's id: neither a teacher nor
    the principal of another school gets them, under either school's address."""
    to_june(web_app, clock)
    base = f"/web/s/{school_id(web_app)}/years"
    principal = await sign_in(PRINCIPAL)
    asked = await principal.get(base + "/close")
    await principal.post(base + "/close", data={"csrf": csrf_of(asked)})
    with writing(web_app.sessions) as session:
        row_id = session.scalar(select(SchoolYear.id))
        other = session.scalar(select(School).where(School.code == "khac"))
        session.add(Staff(school_id=other.id, name="Giáo viên Khác",
                          phone=OTHER_SCHOOLS_TEACHER, phone_norm=OTHER_SCHOOLS_TEACHER,
                          roles=["GVBM"]))
        other_id = other.id
    assert (await principal.get(f"{base}/{row_id}/report")).status_code == 200
    for phone in (OTHER_SCHOOLS_TEACHER, "0907000001"):
        stranger = await sign_in(phone)
        for kind in ("report", "evidence_box", "evidence_list_xlsx"):
            assert (await stranger.get(f"{base}/{row_id}/{kind}")).status_code == 404
            assert (await stranger.get(f"/web/s/{other_id}/years/{row_id}/{kind}")
                    ).status_code == 404
