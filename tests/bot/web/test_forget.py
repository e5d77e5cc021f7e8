"""The principal erases the personal data of a teacher who left, from the staff page."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import writing
from storage.models import Staff
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id


def csrf_of(page) -> str:
    return page.text.split('name="csrf" value="')[1].split('"')[0]


async def test_the_principal_erases_a_departed_teachers_data(web_app, sign_in):
    with writing(web_app.sessions) as session:
        teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
        teacher.active = False  # left: the staff list was imported without them
        teacher_id = teacher.id
    base = f"/web/s/{school_id(web_app)}"
    principal = await sign_in(PRINCIPAL)
    page = await principal.get(f"{base}/staff")
    assert "Phạm Quốc Bảo (không còn trong danh sách)" in page.text
    assert "Nguyễn Thị Minh Hạnh</option>" not in page.text  # not oneself

    unconfirmed = await principal.post(f"{base}/staff/forget",
                                       data={"staff": teacher_id, "csrf": csrf_of(page)})
    assert unconfirmed.status_code == 400 and "ô xác nhận" in unconfirmed.text
    forged = await principal.post(f"{base}/staff/forget",
                                  data={"staff": teacher_id, "confirm": "yes"})
    assert forged.status_code in (400, 403)
    with web_app.sessions() as session:
        assert session.get(Staff, teacher_id).name == "Phạm Quốc Bảo"

    done = await principal.post(f"{base}/staff/forget", data={
        "staff": teacher_id, "confirm": "yes", "csrf": csrf_of(page)})
    assert done.status_code == 303
    with web_app.sessions() as session:
        member = session.get(Staff, teacher_id)
        assert (member.name, member.phone) == (f"Cán bộ đã nghỉ (#{teacher_id})", None)
    audit = await principal.get(f"{base}/audit")
    assert "Xóa dữ liệu cá nhân" in audit.text and f"Cán bộ đã nghỉ (#{teacher_id})" in audit.text
    again = await principal.get(f"{base}/staff")
    assert f'<option value="{teacher_id}">' not in again.text
