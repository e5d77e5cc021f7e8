"""A teacher on Telegram, through python-telegram-bot and HTTP, end to end."""

from sqlalchemy import func, select

from storage.models import Account, Evidence, TaskUpdate

PHOTO = b"\x89PNG\r\n\x1a\n" + b"evidence-photo" * 50


async def test_link_with_invite_then_update_a_task_with_a_photo(api, bot, invites, tmp_path):
    trang = api.user(5001, "Trang")
    trang.send(f"/start {invites['0901234503']}")
    assert "Đã liên kết với Lê Thị Thu Trang" in (await trang.reply()).text

    trang.send("/capnhat")
    question = await trang.reply()
    assert len(question.buttons()) == 3
    trang.press("1.")
    assert "Tình trạng" in (await trang.reply()).text
    trang.press("Hoàn thành")
    assert "đã làm được gì" in (await trang.reply()).text
    trang.send("Tổ dự giờ 4 tiết, góp ý 2 chuyên đề.")
    assert "minh chứng" in (await trang.reply()).text
    trang.send_photo(PHOTO)
    assert "Đã nhận 1 tệp" in (await trang.reply()).text
    trang.press("✅ Xong")
    assert "Kiểm tra lại" in (await trang.reply()).text
    trang.press("💾 Lưu")
    saved = await trang.reply()
    assert "Đã lưu" in saved.text and "Sửa lại" in saved.buttons()[0]

    # Pressed buttons are taken off their message so they cannot be pressed twice.
    summary = next(m for m in trang.all_replies() if m.text.startswith("Kiểm tra lại"))
    assert summary.button_rows() == [] and summary.edits == 1
    with bot.sessions() as s:
        update = s.scalar(select(TaskUpdate))
        assert (update.status, update.done_text) == ("done", "Tổ dự giờ 4 tiết, góp ý 2 chuyên đề.")
        assert update.author.name == "Lê Thị Thu Trang"
        photo = s.scalar(select(Evidence))
        assert (photo.kind, photo.criterion_code, photo.size) == ("photo", "2.2", len(PHOTO))
        assert (tmp_path / "evidence" / photo.path).read_bytes() == PHOTO
    assert api.state.commands and {c["command"] for c in api.state.commands} >= {
        "start", "nhiemvu", "capnhat", "huy", "huongdan", "tiendo"}


async def test_contact_button_links_and_forwarded_contacts_do_not(api, bot, school):
    stranger = api.user(5002, "Khách")
    stranger.send("/capnhat")
    refusal = await stranger.reply()
    assert "chưa biết thầy/cô là ai" in refusal.text
    assert refusal.reply_markup["keyboard"][0][0]["request_contact"] is True

    stranger.share_contact("0901234504", owner_id=777)
    assert "chính thầy/cô" in (await stranger.reply()).text
    bao = api.user(5003, "Bảo", "0901.234.504")
    bao.share_contact()
    assert "Đã liên kết với Phạm Quốc Bảo" in (await bao.reply()).text
    with bot.sessions() as s:
        assert s.scalar(select(func.count(Account.id))) == 1


async def test_stickers_voice_and_unknown_commands_mid_conversation(bot, linked):
    mai = await linked(5004, "0901234507")
    mai.send("/capnhat")
    await mai.reply()
    for act in (mai.send_sticker, mai.send_voice, lambda: mai.send("/abc")):
        act()
        assert "Tình trạng hiện nay" in (await mai.reply()).text
    mai.send("/huy")
    assert "Đã hủy" in (await mai.reply()).text


async def test_principal_sees_progress(bot, linked):
    hanh = await linked(5005, "0901234501")
    hanh.send("/tiendo")
    assert "Toàn kế hoạch: 0/10 nhiệm vụ hoàn thành" in (await hanh.reply()).text


async def test_principal_sends_the_plan_as_a_word_file(bot, linked):
    from tests.handlers.test_plan_upload import DOCX, NEW_PLAN

    hanh = await linked(5006, "0901234501")
    hanh.send_document(NEW_PLAN, "ke-hoach-2026.docx", DOCX)
    preview = await hanh.reply()
    assert "Xem trước kế hoạch" in preview.text and "2 tiêu chí" in preview.text
    hanh.press("📥 Nhập")
    assert "Đã nhập kế hoạch" in (await hanh.reply()).text
    hanh.send("/tiendo")
    assert "0/2 nhiệm vụ hoàn thành" in (await hanh.reply()).text
