"""Typed answers, as people type them on a channel without buttons (Zalo): cancel words at
every step, the usual ways of saying a status, the main commands without their slash, a
digit where words are asked for, a wrong number, and a photo sent before /capnhat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Conversation, Evidence, TaskUpdate

TRANG = "0901234503"  # TTCM: three tasks, one «sinh hoạt chuyên môn»
MAI = "0901234507"  # one task

# What each step of /capnhat needs typed to reach the next (Trang's first task, late).
TO_STEP = {"choose_task": [], "status": ["1"], "done_text": ["1", "3"],
           "reason": ["1", "3", "Mới soạn 20 đề."], "evidence": ["1", "3", "Mới soạn 20 đề.",
                                                              "Thiếu giáo viên."],
           "confirm": ["1", "3", "Mới soạn 20 đề.", "Thiếu giáo viên.", "bỏ qua"]}


def updates(sessions) -> list[TaskUpdate]:
    with sessions() as s:
        return s.scalars(select(TaskUpdate)).all()


def step_of(sessions, chat) -> str | None:
    with sessions() as s:
        return s.scalar(select(Conversation.step).where(
            Conversation.external_user_id == chat.user_id))


@pytest.fixture
def typed(chat_as, school):
    def make(phone: str):
        chat = chat_as(phone)
        assert chat.typed or chat.channel == "test"
        return chat
    return make


@pytest.mark.parametrize("word", ["hủy", "huỷ", "Thôi", "dừng", "/huy", "HUY"])
@pytest.mark.parametrize("step", list(TO_STEP))
async def test_cancel_words_end_the_update_at_every_step(typed, sessions, channel, step, word):
    trang = typed(TRANG)
    await trang.send("/capnhat")
    for answer in TO_STEP[step]:
        await trang.send(answer)
    assert step_of(sessions, trang) == step
    assert "Đã hủy" in await trang.send(word)
    assert step_of(sessions, trang) is None and updates(sessions) == []


async def test_a_cancel_word_inside_an_answer_is_part_of_it(typed, sessions):
    trang = typed(TRANG)
    await trang.send("/capnhat")
    for answer in TO_STEP["reason"]:
        await trang.send(answer)
    assert "minh chứng" in await trang.send("Tạm thời thôi, chờ kinh phí.")
    with sessions() as s:
        assert s.scalar(select(Conversation)).data["reason"] == "Tạm thời thôi, chờ kinh phí."


async def test_huy_picks_no_task_about_chuyen_de(typed, sessions):
    """«hủy» folds to «huy», which stands inside «chuyên»; words match whole."""
    trang = typed(TRANG)
    await trang.send("/capnhat")
    assert "Đã hủy" in await trang.send("hủy")
    await trang.send("/capnhat")
    assert "Tình trạng" in await trang.send("sinh hoạt chuyên môn")  # whole words name it


@pytest.mark.parametrize("said, status", [
    ("xong rồi", "done"), ("đã làm xong", "done"), ("hoàn thành rồi", "done"),
    ("Xong", "done"), ("chưa xong", "in_progress"), ("đang làm", "in_progress"),
    ("sắp xong", "in_progress"), ("trễ", "late"), ("bị chậm một chút", "late"),
    ("chưa làm", "not_started"), ("chưa", "not_started"), ("2", "in_progress")])
async def test_the_usual_ways_of_saying_a_status(typed, sessions, said, status):
    mai = typed(MAI)
    assert "Tình trạng" in await mai.send("/capnhat")
    await mai.send(said)
    with sessions() as s:
        assert s.scalar(select(Conversation)).data["status"] == status


async def test_a_status_not_understood_gets_a_short_retry_with_the_choices_once(
        typed, channel):
    mai = typed(MAI)
    question = await mai.send("/capnhat")
    assert question.count("Hoàn thành") == 1  # the choices are listed once, on any channel
    retry = await mai.send("để tôi xem")
    assert retry.count("Hoàn thành") == 1 and len(retry.splitlines()) <= 2
    assert "Tôi chưa rõ" in await mai.send("7")  # a number outside the list
    assert "đã làm được" in await mai.send("1")


@pytest.mark.parametrize("said, answer", [
    ("cập nhật", "Tình trạng"), ("Nhiệm vụ", "Nhiệm vụ của thầy/cô"),
    ("hướng dẫn", "/capnhat"), ("cap nhat", "Tình trạng")])
async def test_main_commands_typed_without_the_slash(typed, said, answer):
    mai = typed(MAI)
    assert answer in await mai.send(said)


async def test_a_command_word_inside_a_dialogue_is_an_answer(typed, sessions):
    mai = typed(MAI)
    await mai.send("/capnhat")
    await mai.send("2")
    assert "minh chứng" in await mai.send("nhiệm vụ")  # what was done, however short
    with sessions() as s:
        assert s.scalar(select(Conversation)).data["done_text"] == "nhiệm vụ"


async def test_a_digit_where_words_are_asked_is_asked_about_once(typed, sessions, channel):
    mai = typed(MAI)
    await mai.send("/capnhat")
    await mai.send("3")  # late
    asked = await mai.send("3")
    assert "«3»" in asked and "chưa?" in asked
    assert "Vì sao chậm" in await mai.send("Đã kiểm kê 3 phòng.")  # typed again in words
    asked = await mai.send("5")
    assert "«5»" in asked
    assert "minh chứng" in await mai.send("đúng")  # it really is the answer
    with sessions() as s:
        data = s.scalar(select(Conversation)).data
        assert (data["done_text"], data["reason"]) == ("Đã kiểm kê 3 phòng.", "5")


async def test_a_photo_sent_before_capnhat_is_offered_to_it(typed, sessions, evidence,
                                                           clock):
    mai = typed(MAI)
    held = await mai.send_file(b"\xff\xd8photo-before")
    assert "Đã nhận 1 tệp" in held and "/capnhat" in held
    await mai.send("/capnhat")
    await mai.send("2")
    assert "Đính kèm 1 tệp" in await mai.send("Đã kiểm kê xong.")
    assert "Đã nhận 1 tệp" in await mai.press("📎 Đính kèm")
    await mai.press("✅ Xong")
    assert "Đã lưu" in await mai.press("💾 Lưu")
    with sessions() as s:
        (item,) = s.scalars(select(Evidence)).all()
        assert evidence.path_of(item.path).read_bytes() == b"\xff\xd8photo-before"


async def test_a_photo_held_too_long_is_not_offered_and_is_deleted(typed, sessions, evidence,
                                                                   clock):
    mai = typed(MAI)
    await mai.send_file(b"\xff\xd8forgotten")
    assert len([p for p in evidence.root.rglob("*") if p.is_file()]) == 1
    clock.advance(minutes=11)
    await mai.send("/capnhat")
    await mai.send("2")
    assert "Đính kèm" not in await mai.send("Đã kiểm kê xong.")
    assert [p for p in evidence.root.rglob("*") if p.is_file()] == []
