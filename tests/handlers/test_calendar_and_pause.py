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
    # The year's holidays are known without anyone typing them: Tết from the lunar calendar.
    assert "Tết Dương lịch 01/01/2027" in shown
    assert "Nghỉ Tết Nguyên Đán 02/02/2027–11/02/2027 (mặc định" in shown
    assert "Ngày Giỗ Tổ Hùng Vương 16/04/2027" in shown
    assert "Nghỉ hè 01/06/2027–04/09/2027" in shown
    assert "tối đa 6 tin nhắc một tháng" in shown
    assert trang.buttons() == []
    assert "Ban giám hiệu" in await trang.press_data("cal:holiday")
    assert "Ban giám hiệu" in await trang.send("/tamdung")


async def test_the_principal_adds_the_breaks_the_so_announced(school, chat_as, sessions):
    ht = chat_as(HT)
    await ht.send("/lich")
    assert "➕ Thêm ngày nghỉ" in ht.buttons()
    assert "ví dụ" in await ht.press("➕ Thêm ngày nghỉ")
    assert "chưa thấy ngày nghỉ" in await ht.send("sau Tết")
    saved = await ht.send("Tết từ 4/2 đến 14/2")
    assert "Tết 04/02/2027–14/02/2027" in saved and "(mặc định" not in saved
    with sessions() as session:
        holidays = session.get(School, school.id).calendar["holidays"]
        assert holidays == [{"from": "2027-02-04", "to": "2027-02-14", "name": "Tết"}]
    for typed, shown in (("nghỉ giữa kỳ 02/11/2026", "nghỉ giữa kỳ 02/11/2026"),
                         ("2027-03-08 Hội thao", "Hội thao 08/03/2027"),
                         ("30/04/2027 đến 03/05/2027 Nghỉ lễ", "Nghỉ lễ 30/04/2027–03/05/2027")):
        await ht.send("/lich")
        await ht.press("➕ Thêm ngày nghỉ")
        assert shown in await ht.send(typed)
    await ht.send("/lich")
    await ht.press("🗑 Xóa ngày nghỉ")
    assert ht.buttons()[0].startswith("🗑 Tết 04/02–14/02")
    back = await ht.press("🗑 Tết 04/02")
    assert "Nghỉ Tết Nguyên Đán 02/02/2027–11/02/2027 (mặc định" in back  # the default again


async def test_moving_the_end_of_semester_moves_the_tasks_due_then(school, chat_as, sessions):
    ht = chat_as(HT)
    await ht.send("/lich")
    await ht.press("🗓 Mốc năm học")
    assert "Cần đúng 3 ngày" in await ht.send("05/09 và 20/01")
    assert "Cần đúng 3 ngày" in await ht.send("khai giảng sớm")
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
