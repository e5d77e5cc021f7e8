"""What Telegram answers when things go wrong: 429, 403, a bad gateway."""

import asyncio
import logging

from sqlalchemy import select

from storage.models import Account


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
