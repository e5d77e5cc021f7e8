"""What Telegram answers when things go wrong: 429, 403, a bad gateway, a refused command
menu, an update nobody can read, a press that cannot be settled, idle polls at once."""

import asyncio
import logging
import time

from sqlalchemy import select

from bot.telegram.polling import IDLE_FLOOR, running_bot
from storage.models import Account
from tests.reminders.conftest import wait_for


async def test_429_is_retried_after_retry_after(api, bot, linked):
    mai = await linked(7001, "0901234507")
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1,
                  chat_id=7001)
    mai.send("/nhiemvu")
    reply = await mai.reply(timeout=20)
    assert "Nhiệm vụ của thầy/cô" in reply.text
    assert api.calls("sendMessage").count("sendMessage") >= 3


async def test_a_blocked_chat_does_not_stop_the_bot(api, bot, linked, caplog):
    mai = await linked(7002, "0901234507")
    trang = await linked(7003, "0901234503")
    api.block(7002)
    with caplog.at_level(logging.WARNING):
        mai.send("/nhiemvu")
        trang.send("/nhiemvu")
        assert "Nhiệm vụ của thầy/cô" in (await trang.reply()).text
    assert "blocked by the user" in caplog.text
    with bot.sessions() as s:
        assert len(s.scalars(select(Account)).all()) == 2


async def test_a_bad_gateway_is_retried(api, bot, linked):
    mai = await linked(7004, "0901234507")
    api.fail_next("sendMessage", 502, "Bad Gateway", chat_id=7004)
    mai.send("/huongdan")
    assert "Hướng dẫn" in (await mai.reply(timeout=20)).text


async def test_a_failed_download_asks_for_the_file_again(api, bot, linked):
    mai = await linked(7005, "0901234507")
    mai.send("/capnhat")
    await mai.reply()
    mai.send("2")
    await mai.reply()
    mai.send("Đang làm.")
    await mai.reply()
    api.fail_next("getFile", 400, "Bad Request: file is temporarily unavailable")
    mai.send_photo(b"photo")
    assert "chưa tải được tệp" in (await mai.reply()).text
    mai.send_photo(b"photo")
    assert "Đã nhận 1 tệp" in (await mai.reply()).text


async def test_a_timed_out_send_is_retried(api, bot, linked):
    mai = await linked(7006, "0901234507")
    api.delay_next("sendMessage", 6)  # longer than python-telegram-bot's 5 s read timeout
    mai.send("/huongdan")
    replies = await mai.replies(1, timeout=30)
    assert "Hướng dẫn" in replies[0].text


async def test_a_reply_telegram_keeps_refusing_goes_out_through_the_outbox(api, bot, linked):
    """Four 502s in a row: the turn stops trying in place, hands its reply to the outbox and
    confirms the update; the reply arrives when the outbox sender next runs, once."""
    from reminders.sender import OutboxSender
    from storage.models import OutboxMessage, ProcessedEvent

    mai = await linked(7007, "0901234507")
    for _ in range(4):
        api.fail_next("sendMessage", 502, "Bad Gateway", chat_id=7007)
    mai.send("/huongdan")
    for _ in range(400):
        with bot.sessions() as s:
            queued = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply")).all()
        if queued:
            break
        await asyncio.sleep(0.05)
    (row,) = queued
    assert row.status == "pending" and "Hướng dẫn" in row.body["text"]
    with bot.sessions() as s:
        assert all(e.answered_at for e in s.scalars(select(ProcessedEvent)))
    assert not any("Hướng dẫn" in m.text for m in mai.all_replies())

    sender = OutboxSender(bot.sessions, bot.transports, bot.renderer, bot.clock, "test",
                          keep_lease=lambda: True)
    await sender.drain()
    assert "Hướng dẫn" in (await mai.reply(timeout=20)).text
    await sender.drain()
    assert sum("Hướng dẫn" in m.text for m in mai.all_replies()) == 1


async def test_a_refused_command_menu_is_logged_and_the_bot_runs(api, app, linked, caplog):
    api.fail_next("setMyCommands", 500, "Internal Server Error")
    with caplog.at_level(logging.WARNING):
        async with running_bot(app, poll_timeout=0.5):
            mai = await linked(7010, "0901234507")
            mai.send("/huongdan")
            assert "Hướng dẫn" in (await mai.reply()).text
    assert "command menu was not set" in caplog.text


async def test_an_update_nobody_can_read_is_skipped_alone(api, bot, linked, caplog):
    mai = await linked(7011, "0901234507")
    with caplog.at_level(logging.WARNING):
        api.push_update({"message": {"message_id": 1, "date": 1,
                                     "chat": "không phải một cuộc trò chuyện",
                                     "text": "bí mật của cô Mai"}})
        mai.send("/huongdan")
        assert "Hướng dẫn" in (await mai.reply()).text
    assert "could not be read" in caplog.text
    assert "bí mật" not in caplog.text  # what people wrote stays out of the log


async def test_a_press_whose_settling_fails_is_still_answered(api, bot, linked, caplog):
    bao = await linked(7012, "0901234501")
    bao.send("/capnhat")
    await bao.reply()
    api.fail_next("answerCallbackQuery", 400, "Bad Request: query is too old")
    with caplog.at_level(logging.WARNING):
        bao.press("1.")
        assert "Tình trạng" in (await bao.reply()).text
        # The press is settled beside its turn, so the warning may come after the reply.
        await wait_for(lambda: "could not settle a button press" in caplog.text)


async def test_a_press_is_answered_while_a_slow_settling_is_still_on_its_way(api, bot, linked):
    """Settling a press (stop the spinner, take the buttons off) no longer goes before the
    turn: a slow Bot API on it does not hold the reply, and the buttons still come off."""
    bao = await linked(7012, "0901234501")
    bao.send("/capnhat")
    await bao.reply()
    settled = api.hold_next("answerCallbackQuery")
    bao.press("1.")
    assert "Tình trạng" in (await bao.reply()).text
    assert api.calls("answerCallbackQuery") and not api.calls("editMessageReplyMarkup")
    settled.set()
    await wait_for(lambda: api.calls("editMessageReplyMarkup"))


async def test_idle_polls_answered_at_once_are_at_most_two_a_second(api, app):
    async with running_bot(app, poll_timeout=0):
        start = len(api.calls("getUpdates"))
        began = time.monotonic()
        await wait_for(lambda: len(api.calls("getUpdates")) >= start + 6, timeout=30)
        took = time.monotonic() - began
    assert took >= 5 * IDLE_FLOOR * 0.9


async def test_a_report_file_telegram_refuses_becomes_a_sentence_saying_where_it_is(
        api, bot, linked):
    tot = await linked(7013, "0901234501")
    tot.send("/baocao")
    question = await tot.reply()
    api.fail_next("sendDocument", 400, "Bad Request: file is too big", chat_id=7013)
    tot.press(question.buttons()[0])
    await wait_for(lambda: any(m.kind == "document" for m in tot.all_replies()))
    await wait_for(lambda: any("Không gửi được tệp" in (m.text or "")
                               for m in tot.all_replies()))
    refused = next(m.text for m in tot.all_replies() if "Không gửi được tệp" in (m.text or ""))
    assert ".docx" in refused and "/web" in refused
    assert [m.file_name for m in tot.all_replies() if m.kind == "document"] == [
        next(m.file_name for m in tot.all_replies() if m.kind == "document")]


async def test_a_report_file_kept_in_the_outbox_goes_whole_or_becomes_the_sentence(
        api, bot, linked):
    """Telegram away for the documents: they wait in the outbox with their files, arrive
    when it is back, and one Telegram will never take becomes the sentence."""
    from reminders.sender import OutboxSender
    from storage.models import OutboxMessage

    tot = await linked(7014, "0901234501")
    tot.send("/baocao")
    question = await tot.reply()
    for _ in range(8):
        api.fail_next("sendDocument", 502, "Bad Gateway", chat_id=7014)
    tot.press(question.buttons()[0])

    def queued() -> list[OutboxMessage]:
        with bot.sessions() as s:
            return s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply")
                             .order_by(OutboxMessage.id)).all()

    await wait_for(lambda: len(queued()) == 2)
    assert [row.body["document"]["name"][-5:] for row in queued()] == [".docx", ".xlsx"]
    with api.state.lock:
        api.state.failures.clear()  # Telegram is back
    api.fail_next("sendDocument", 400, "Bad Request: wrong file type", chat_id=7014)
    sender = OutboxSender(bot.sessions, bot.transports, bot.renderer, bot.clock, "test",
                          keep_lease=lambda: True)
    await sender.drain()  # the Word file refused for good, the Excel file delivered
    await sender.drain()  # the sentence in its place
    documents = [m.file_name for m in tot.all_replies() if m.kind == "document"]
    assert len(documents) == 1 and documents[0].endswith(".xlsx")
    assert any("Không gửi được tệp" in (m.text or "") and ".docx" in m.text
               for m in tot.all_replies())
