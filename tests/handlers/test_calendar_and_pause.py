"""/lich and /tamdung as transcripts: the board changes the calendar and pauses someone on
leave; teachers may only look."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import School, Staff, Task

HT, TRANG = "0901234501", "0901234503"


async def test_a_teacher_sees_the_calendar_but_cannot_change_it(school, chat_as):
    trang = chat_as(TRANG)
    shown = await trang.send("/lich")
    assert "Khai giảng 05/09" in shown and "ngày 25, lúc 08:00" in shown
    assert trang.buttons() == []
    assert "Ban giám hiệu" in await trang.press_data("cal:holiday")
    assert "Ban giám hiệu" in await trang.send("/tamdung")


async def test_the_principal_adds_and_removes_a_holiday(school, chat_as, sessions):
    ht = chat_as(HT)
    await ht.send("/lich")
    assert "➕ Thêm ngày nghỉ" in ht.buttons()
    assert "ví dụ" in await ht.press("➕ Thêm ngày nghỉ")
    assert "chưa hiểu" in await ht.send("sau Tết")
    saved = await ht.send("01/02/2027 - 12/02/2027 Tết Đinh Mùi")
    assert "Tết Đinh Mùi 01/02/2027–12/02/2027" in saved
    with sessions() as session:
        holidays = session.get(School, school.id).calendar["holidays"]
        assert holidays == [{"from": "2027-02-01", "to": "2027-02-12", "name": "Tết Đinh Mùi"}]
    await ht.send("/lich")
    await ht.press("➕ Thêm ngày nghỉ")
    assert "Giỗ Tổ 26/04/2027" in await ht.send("26/04/2027 Giỗ Tổ")
    await ht.send("/lich")
    await ht.press("➕ Thêm ngày nghỉ")
    assert "Nghỉ lễ 30/04/2027–03/05/2027" in await ht.send("30/04/2027 đến 03/05/2027 Nghỉ lễ")
    await ht.send("/lich")
    await ht.press("🗑 Xoá ngày nghỉ")
    assert "Tết Đinh Mùi" not in await ht.press("🗑 Tết Đinh Mùi")


async def test_moving_the_end_of_semester_moves_the_tasks_due_then(school, chat_as, sessions):
    ht = chat_as(HT)
    await ht.send("/lich")
    await ht.press("🗓 Mốc năm học")
    assert "Cần đúng 3 ngày" in await ht.send("05/09 và 20/01")
    assert "tính lại thời hạn" in await ht.send("05/09, 20/01, 31/05")
    with sessions() as session:
        due = session.scalars(select(Task.due_on).where(Task.timeline == "Cuối học kỳ I")).all()
        assert set(due) == {date(2027, 1, 20)}


async def test_the_check_in_day_and_hour(school, chat_as, sessions):
    ht = chat_as(HT)
    await ht.send("/lich")
    await ht.press("⏰ Ngày giờ nhắc")
    assert "chưa hiểu" in (await ht.send("ngày 30 lúc 22h")).lower()
    assert "ngày 20, lúc 07:30" in await ht.send("20 7:30")
    await ht.send("/lich")
    await ht.press("⏰ Ngày giờ nhắc")
    assert "hủy" in (await ht.send("/huy")).lower()


async def test_pausing_and_resuming_someone_on_leave(school, chat_as, sessions):
    ht = chat_as(HT)
    assert "Ai nghỉ phép" in await ht.send("/tamdung")
    assert "Không tìm thấy" in await ht.send("Cô Xuân")
    assert "nghỉ đến hết ngày nào" in await ht.send("Lê Thị Thu Trang")
    assert "chưa hiểu" in await ht.send("tuần sau")
    assert "đến hết ngày 15/01/2027" in await ht.send("15/01/2027")
    with sessions() as session:
        member = session.scalar(select(Staff).where(Staff.phone_norm == TRANG))
        assert member.paused_until == date(2027, 1, 15)
    listed = await ht.send("/tamdung")
    assert "Lê Thị Thu Trang — đến hết 15/01/2027" in listed
    assert "Đã nhắc việc lại" in await ht.press("▶️ Nhắc lại: Lê Thị Thu Trang")
    with sessions() as session:
        assert session.scalar(select(Staff).where(Staff.phone_norm == TRANG)).paused_until is None


async def test_another_command_leaves_the_calendar_dialogue(school, chat_as):
    ht = chat_as(HT)
    await ht.send("/lich")
    await ht.press("➕ Thêm ngày nghỉ")
    assert "Nhiệm vụ của thầy/cô" in await ht.send("/nhiemvu")
    assert "Đã lưu lịch" not in await ht.send("01/02/2027 Tết")  # no longer a holiday
