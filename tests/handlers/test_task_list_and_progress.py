from storage.updates import STATUSES

HANH = "0901234501"  # HT
TRANG = "0901234503"  # TTCM


async def test_my_tasks_show_criterion_text_status_and_last_update(chat_as, school, clock):
    trang = chat_as(TRANG)
    answer = await trang.send("/nhiemvu")
    assert "Tiêu chí 2.2" in answer and "Tiêu chí 3.2" in answer
    assert "Chưa cập nhật" in answer
    await trang.send("/capnhat")
    await trang.send("1")
    await trang.send("2")
    await trang.send("Đang làm.")
    await trang.press("Bỏ qua")
    await trang.press("💾 Lưu")
    answer = await trang.send("/nhiemvu")
    assert "Đang thực hiện (cập nhật 02/11/2026)" in answer


async def test_progress_of_the_school_for_the_board_of_the_tổ_for_its_leader(chat_as, school):
    assert "dành cho Ban giám hiệu" in await chat_as("0901234504").send("/tiendo")  # GVCN
    mine = await chat_as(TRANG).send("/tiendo")
    assert "của Tổ Toán - Tin" in mine and "Toàn kế hoạch: 0/5" in mine
    assert "Toàn kế hoạch: 0/10" in await chat_as(HANH).send("/tiendo")


async def test_progress_counts_by_standard_and_criterion(chat_as, school):
    trang = chat_as(TRANG)
    for number, status in ((1, "1"), (2, "3")):
        await trang.send("/capnhat")
        await trang.send(str(number))
        await trang.send(status)
        await trang.send("Nội dung.")
        if status == "3":
            await trang.send("Lý do.")
        await trang.press("Bỏ qua")
        await trang.press("💾 Lưu")
    hanh = chat_as(HANH)
    answer = await hanh.send("/tiendo")
    assert "Toàn kế hoạch: 1/10 nhiệm vụ hoàn thành (10%)" in answer
    assert "Tiêu chuẩn 2: 1/2 hoàn thành" in answer
    assert "• 2.2: ✅1 🔄0 ⚠️1 ⏸0 ⬜0" in answer
    assert "• 1.1: ✅0 🔄0 ⚠️0 ⏸0 ⬜1" in answer
    assert len(STATUSES) == 4


async def test_help_mentions_progress_to_those_who_may_see_it(chat_as, school):
    assert "/tiendo" not in await chat_as("0901234504").send("/huongdan")  # a teacher
    assert "/tiendo" in await chat_as(TRANG).send("/huongdan")  # her tổ's
    assert "/tiendo" in await chat_as(HANH).send("/huongdan")
