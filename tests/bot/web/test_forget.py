"""The principal marks a teacher as having left, then erases her personal data from the staff
page: never someone still working, and only with the person's name typed to confirm."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import writing
from storage.models import Account, Staff
from storage.staff_repo import active_staff
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id
from tests.chat import Chat


def csrf_of(page) -> str:
    return page.text.split('name="csrf" value="')[1].split('"')[0]


def teacher_id_of(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(Staff.id).where(Staff.phone_norm == TEACHER))


async def test_an_active_teacher_is_never_offered_for_erasure(web_app, sign_in):
    teacher_id = teacher_id_of(web_app)
    base = f"/web/s/{school_id(web_app)}"
    principal = await sign_in(PRINCIPAL)
    page = await principal.get(f"{base}/staff")
    assert 'id="forget"' not in page.text  # nobody has left: nothing to erase
    assert f'<option value="{teacher_id}">' not in page.text

    # Posting the erase form by hand for her is refused too: she has not left.
    forged = await principal.post(f"{base}/staff/forget", data={
        "staff": teacher_id, "name": "Phạm Quốc Bảo", "csrf": csrf_of(page)})
    assert forged.status_code == 400 and "chưa chọn ai" in forged.text
    with web_app.sessions() as session:
        member = session.get(Staff, teacher_id)
        assert (member.name, member.active, member.forgotten_at) == ("Phạm Quốc Bảo", True, None)


async def test_the_principal_marks_a_teacher_left_then_erases_her_data_by_name(web_app, sign_in):
    teacher_id = teacher_id_of(web_app)
    with writing(web_app.sessions) as session:
        session.add(Account(school_id=session.get(Staff, teacher_id).school_id,
                            staff_id=teacher_id, channel="telegram", external_user_id="777",
                            chat_id="777", linked_at=web_app.clock.now(), linked_by="code"))
    base = f"/web/s/{school_id(web_app)}"
    bao_chat = Chat(web_app.engine, 777, "telegram")
    assert "Nhiệm vụ" in await bao_chat.send("/nhiemvu")
    bao_web = await sign_in(TEACHER)
    principal = await sign_in(PRINCIPAL)
    page = await principal.get(f"{base}/staff")

    later = await principal.post(f"{base}/staff/{teacher_id}/left",
                                 data={"on": "2099-01-01", "csrf": csrf_of(page)})
    assert later.status_code == 400 and "Ngày nghỉ chưa đúng" in later.text
    left = await principal.post(f"{base}/staff/{teacher_id}/left",
                                data={"on": "2026-10-31", "csrf": csrf_of(page)})
    assert left.status_code == 303
    with web_app.sessions() as session:
        school = session.get(Staff, teacher_id).school_id
        assert teacher_id not in {m.id for m in active_staff(session, school)}  # no reminders
    # She can no longer use the assistant nor the console.
    assert "Nhiệm vụ" not in await bao_chat.send("/nhiemvu")
    assert (await bao_web.get(f"{base}/")).status_code == 401

    page = await principal.get(f"{base}/staff")
    assert f'<option value="{teacher_id}">Phạm Quốc Bảo</option>' in page.text
    assert "31/10/2026" in page.text
    assert "Nguyễn Thị Minh Hạnh</option>" not in page.text  # not oneself

    wrong = await principal.post(f"{base}/staff/forget", data={
        "staff": teacher_id, "name": "Phạm Quốc", "csrf": csrf_of(page)})
    assert wrong.status_code == 400 and "chưa khớp" in wrong.text
    unmarked = await principal.post(f"{base}/staff/forget", data={
        "staff": teacher_id, "name": "Pham Quoc Bao", "csrf": csrf_of(page)})
    assert unmarked.status_code == 400 and "chưa khớp" in unmarked.text
    forged = await principal.post(f"{base}/staff/forget",
                                  data={"staff": teacher_id, "name": "Phạm Quốc Bảo"})
    assert forged.status_code in (400, 403)
    with web_app.sessions() as session:
        assert session.get(Staff, teacher_id).name == "Phạm Quốc Bảo"

    done = await principal.post(f"{base}/staff/forget", data={
        "staff": teacher_id, "name": "  phạm quốc  bảo ", "csrf": csrf_of(page)})
    assert done.status_code == 303
    with web_app.sessions() as session:
        member = session.get(Staff, teacher_id)
        assert (member.name, member.phone) == (f"Cán bộ đã nghỉ (#{teacher_id})", None)
        assert session.scalar(select(Account).where(Account.staff_id == teacher_id)) is None
    audit = await principal.get(f"{base}/audit")
    assert "Đã nghỉ" in audit.text and "Nghỉ từ 31/10/2026" in audit.text
    assert "Xóa dữ liệu cá nhân" in audit.text and f"Cán bộ đã nghỉ (#{teacher_id})" in audit.text
    again = await principal.get(f"{base}/staff")
    assert f'<option value="{teacher_id}">' not in again.text


async def test_someone_taken_off_the_list_is_marked_as_left_before_erasure(web_app, sign_in):
    teacher_id = teacher_id_of(web_app)
    with writing(web_app.sessions) as session:
        session.get(Staff, teacher_id).active = False  # the staff list imported without her
    base = f"/web/s/{school_id(web_app)}"
    principal = await sign_in(PRINCIPAL)
    page = await principal.get(f"{base}/staff")
    assert "Không còn trong danh sách cán bộ" in page.text
    assert f'<option value="{teacher_id}">' not in page.text  # not yet marked: not erasable
    refused = await principal.post(f"{base}/staff/forget", data={
        "staff": teacher_id, "name": "Phạm Quốc Bảo", "csrf": csrf_of(page)})
    assert refused.status_code == 400

    left = await principal.post(f"{base}/staff/{teacher_id}/left",
                                data={"on": "01/09/2026", "csrf": csrf_of(page)})
    assert left.status_code == 303
    page = await principal.get(f"{base}/staff")
    assert "Không còn trong danh sách cán bộ" not in page.text
    assert f'<option value="{teacher_id}">Phạm Quốc Bảo</option>' in page.text
    again = await principal.post(f"{base}/staff/{teacher_id}/left",
                                 data={"on": "02/09/2026", "csrf": csrf_of(page)})
    assert again.status_code == 404  # marked once
