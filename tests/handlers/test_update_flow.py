"""/capnhat, step by step, as transcripts."""

import copy
from pathlib import Path

from sqlalchemy import func, select

from core.messages import Attachment
from handlers.engine import Engine
from storage.models import Conversation, Evidence, Task, TaskUpdate
from tests.chat import Chat
from tests.conftest import TEST_CHANNELS

TRANG = "0901234503"  # TTCM, three tasks
MAI = "0901234507"  # NV Thiết bị, one task


async def save_in_progress(mai: Chat, done_text: str = "Tiếp tục.") -> None:
    """Mai's one task, saved as in progress without evidence."""
    await mai.send("/capnhat")
    await mai.send("2")
    await mai.send(done_text)
    await mai.press("Bỏ qua")
    await mai.press("💾 Lưu")


def updates(sessions):
    with sessions() as s:
        return s.scalars(select(TaskUpdate).order_by(TaskUpdate.id)).all()


async def test_a_full_update_with_buttons_and_a_photo(chat_as, sessions, school, evidence):
    trang = chat_as(TRANG)
    assert "nhiệm vụ nào" in await trang.send("/capnhat")
    assert len(trang.buttons()) == 3
    assert "Tình trạng hiện nay" in await trang.press("1.")
    assert "đã làm được gì" in await trang.press("Hoàn thành")
    assert "minh chứng" in await trang.send("Đã sinh hoạt tổ 2 buổi.")
    assert "Đã nhận 1 tệp" in await trang.send_file(b"\xff\xd8jpeg-1")
    assert "Đã nhận 2 tệp" in await trang.send_file(b"%PDF-1.4", "document", "bien-ban.pdf",
                                                    "application/pdf")
    summary = await trang.press("✅ Xong")
    assert "Hoàn thành" in summary and "2 tệp" in summary
    assert "Đã lưu" in await trang.press("💾 Lưu")

    (update,) = updates(sessions)
    assert (update.status, update.done_text, update.reason) == ("done", "Đã sinh hoạt tổ 2 buổi.",
                                                                None)
    with sessions() as s:
        assert s.get(TaskUpdate, update.id).author.name == "Lê Thị Thu Trang"
        files = s.scalars(select(Evidence).order_by(Evidence.id)).all()
        assert [(f.kind, f.criterion_code, f.file_name) for f in files] == [
            ("photo", "2.2", None), ("document", "2.2", "bien-ban.pdf")]
        assert evidence.path_of(files[0].path).read_bytes() == b"\xff\xd8jpeg-1"
        assert Path(files[1].path).parts[:2] == ("demo", "2.2")
        assert s.get(Task, update.task_id).status == "done"


async def test_typed_answers_work_as_well_as_buttons(chat_as, sessions, school):
    trang = chat_as(TRANG)
    await trang.send("/capnhat")
    assert "Tình trạng" in await trang.send("3")
    assert "đã làm được" in await trang.send("chậm tiến độ")
    assert "Vì sao chậm" in await trang.send("Mới soạn 20 đề.")
    assert "minh chứng" in await trang.send("Thiếu giáo viên Toán.")
    assert "Kiểm tra lại" in await trang.send("bỏ qua")
    assert "Đã lưu" in await trang.send("lưu")
    (update,) = updates(sessions)
    assert (update.status, update.done_text, update.reason) == (
        "late", "Mới soạn 20 đề.", "Thiếu giáo viên Toán.")


async def test_not_started_asks_only_why(chat_as, sessions, school):
    mai = chat_as(MAI)
    assert "Tình trạng" in await mai.send("/capnhat")  # one task: no choice to make
    assert "Vì sao chưa triển khai" in await mai.send("4")
    await mai.send("Chờ kinh phí.")
    await mai.press("Bỏ qua")
    await mai.press("💾 Lưu")
    (update,) = updates(sessions)
    assert (update.status, update.done_text, update.reason) == ("not_started", None,
                                                                "Chờ kinh phí.")


async def test_cancel_at_any_step_stores_nothing_and_discards_files(chat_as, sessions, school,
                                                                     evidence):
    mai = chat_as(MAI)
    await mai.send("/capnhat")
    await mai.send("1")
    await mai.send("Đã kiểm kê xong.")
    await mai.send_file(b"photo")
    assert "Đã hủy" in await mai.send("/huy")
    assert updates(sessions) == []
    assert [p for p in evidence.root.rglob("*") if p.is_file()] == []
    assert "Không có thao tác nào" in await mai.send("/huy")


async def test_a_wrong_answer_repeats_the_question_and_loses_nothing(chat_as, sessions, school):
    trang = chat_as(TRANG)
    await trang.send("/capnhat")
    assert "số từ 1 đến 3" in await trang.send("7")
    await trang.send("2")
    retry = await trang.send("không biết")
    assert "chưa rõ tình trạng" in retry and "3 Chậm tiến độ" in retry
    assert len(retry.splitlines()) == 1  # the question is not printed again
    await trang.send("2")
    answer = await trang.press_data("status:done")  # an old button from the question before
    assert "tin nhắn cũ" in answer and "đã làm được" in answer
    await trang.send("Đã học 2 buổi.")
    with sessions() as s:
        conversation = s.scalar(select(Conversation))
        assert conversation.step == "evidence"
        assert conversation.data["done_text"] == "Đã học 2 buổi."


async def test_unexpected_messages_mid_conversation_keep_the_step(chat_as, sessions, school):
    trang = chat_as(TRANG)
    await trang.send("/capnhat")
    await trang.send("1")
    await trang.send("2")
    for unexpected in (trang.send_unsupported("sticker"), trang.send_unsupported("voice"),
                       trang.send("/lenhla"), trang.send("/capnhat"),
                       trang.send_file(b"too early")):
        answer = await unexpected
        assert "đã làm được" in answer  # the question of the step, asked again
    assert "Nhiệm vụ của thầy/cô" in await trang.send("/nhiemvu")
    assert "đã làm được" in trang.last[-1].text
    with sessions() as s:
        assert s.scalar(select(Conversation)).step == "done_text"
        assert s.scalar(select(func.count(Evidence.id))) == 0


async def test_a_5000_character_answer_is_kept_whole(chat_as, sessions, school):
    mai = chat_as(MAI)
    long_text = "Kiểm kê thiết bị phòng thí nghiệm. " * 143
    assert len(long_text) > 5000
    await mai.send("/capnhat")
    await mai.send("2")
    await mai.send(long_text)
    summary = await mai.press("Bỏ qua")
    assert len(summary) < 1500
    await mai.press("💾 Lưu")
    assert updates(sessions)[0].done_text == long_text.strip()


async def test_an_answer_too_long_to_keep_is_refused_with_the_limit(chat_as, school):
    mai = chat_as(MAI)
    await mai.send("/capnhat")
    await mai.send("2")
    assert "quá 10000 ký tự" in await mai.send("x" * 10_001)


async def test_right_after_saving_the_update_can_be_corrected(chat_as, sessions, school):
    mai = chat_as(MAI)
    await save_in_progress(mai, "Đã kiểm kê 50%.")
    assert "Sửa cập nhật" in await mai.press("✏️ Sửa lại")
    await mai.send("1")
    await mai.send("Đã kiểm kê xong toàn bộ.")
    await mai.press("Bỏ qua")
    assert "bản sửa" in await mai.press("💾 Lưu")
    first, second = updates(sessions)
    assert second.corrects_id == first.id
    assert (first.status, second.status) == ("in_progress", "done")


async def test_an_older_update_cannot_be_corrected(chat_as, school):
    mai = chat_as(MAI)
    for _ in range(2):
        await save_in_progress(mai)
    assert "không sửa được nữa" in await mai.press_data("fix:1")


async def test_someone_elses_update_cannot_be_corrected(chat_as, school):
    await save_in_progress(chat_as(MAI))
    trang = chat_as(TRANG)
    assert "không sửa được nữa" in await trang.press_data("fix:1")


async def test_a_new_engine_resumes_at_the_same_step(chat_as, sessions, renderer, evidence,
                                                    clock, school):
    trang = chat_as(TRANG)
    await trang.send("/capnhat")
    await trang.send("2")
    await trang.send("1")
    restarted = Chat(Engine(sessions, renderer, evidence, clock, TEST_CHANNELS),
                     int(trang.user_id), trang.channel)
    assert "Kiểm tra lại" not in await restarted.send("Đã hoàn thành bồi dưỡng.")
    await restarted.press("Bỏ qua")
    await restarted.press("💾 Lưu")
    (update,) = updates(sessions)
    assert update.done_text == "Đã hoàn thành bồi dưỡng."


async def test_a_redelivered_event_is_applied_once_and_answered_the_same(chat_as, sessions,
                                                                          school):
    trang = chat_as(TRANG)
    await trang.send("/capnhat")
    incoming = trang._incoming(text="1")
    first = await trang.replay(incoming)
    assert "Tình trạng hiện nay" in first
    assert await trang.replay(incoming) == first  # the answer the process may not have sent
    with sessions() as s:
        assert s.scalar(select(Conversation)).step == "status"


async def test_a_file_too_big_is_refused_and_the_step_stays(chat_as, sessions, school):
    mai = chat_as(MAI)
    await mai.send("/capnhat")
    await mai.send("2")
    await mai.send("Đang làm.")
    answer = await mai.send_file(b"x", "document", "video.mp4", "video/mp4", size=50 * 2**20)
    assert "quá lớn" in answer
    with sessions() as s:
        assert s.scalar(select(Conversation)).step == "evidence"


async def test_a_task_can_be_chosen_by_its_criterion_or_its_words(chat_as, school):
    trang = chat_as(TRANG)
    await trang.send("/capnhat")
    assert "ngân hàng đề" in await trang.send("3.2")
    await trang.send("/huy")
    await trang.send("/capnhat")
    assert "Bồi dưỡng ứng dụng" in await trang.send("boi duong")
    await trang.send("/huy")
    await trang.send("/capnhat")
    assert "số từ 1 đến 3" in await trang.send("2.2")  # two tasks under 2.2: ambiguous


async def test_the_summary_fits_one_zalo_message_however_long_the_answers(chat_as, school):
    bao = chat_as("0901234504")  # GVCN: the late answer asks for a reason too
    await bao.send("/capnhat")
    await bao.send("2")
    await bao.send("3")  # Chậm tiến độ
    await bao.send("Đã làm " + "rất nhiều việc " * 600)
    await bao.send("Vì " + "nhiều lý do khác nhau " * 400)
    summary = await bao.send("bỏ qua")
    assert "Kiểm tra lại" in summary and len(summary) <= 2000


async def test_a_photo_that_comes_again_in_the_same_second_keeps_the_first(chat_as, sessions,
                                                                           school, evidence):
    """The copy a redelivery downloads is thrown away: it must not be the file the first
    delivery keeps, though the content and the second are the same."""
    mai = chat_as(MAI)
    await mai.send("/capnhat")
    await mai.send("1")
    await mai.send("Xong.")
    mai.files["p"] = b"\xff\xd8jpeg"
    incoming = mai._incoming(attachments=[Attachment("photo", "p", None, "image/jpeg", 6)])
    first = await mai.replay(copy.deepcopy(incoming))
    assert await mai.replay(copy.deepcopy(incoming)) == first
    await mai.press("✅ Xong")
    assert "Đã lưu" in await mai.press("💾 Lưu")
    with sessions() as s:
        (kept,) = s.scalars(select(Evidence)).all()
    assert evidence.path_of(kept.path).read_bytes() == b"\xff\xd8jpeg"
