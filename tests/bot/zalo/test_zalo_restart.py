"""`caitien run` on Zalo alone, killed with kill -9: mid-turn (Zalo hands each update out
once, so it is kept in the database until answered) and mid fan-out."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter

from sqlalchemy import func, select

from storage.db import make_engine, session_factory
from storage.models import InboxUpdate, TaskUpdate
from tests.conftest import TEST_START
from tests.bot.test_restart import start_bot, wait_polling
from tests.reminders.conftest import reading, wait_for
from tests.reminders.test_fanout_restart import all_sent
from tests.reminders.fanout import build_fanout

PEOPLE = 24


def run_env(zalo_api, db_url, tmp_path, **extra) -> dict[str, str]:
    return {"ZALO_BOT_TOKEN": zalo_api.token, "ZALO_API_BASE_URL": zalo_api.base_url,
            "DATABASE_URL": db_url, "CAITIEN_EVIDENCE_DIR": str(tmp_path / "evidence"),
            "TELEGRAM_BOT_TOKEN": "", "CAITIEN_CLOCK_START": TEST_START.isoformat(),
            "CAITIEN_FETCH_PRIVATE": "on", **extra}


async def test_killed_before_answering_then_answered_after_restart(
        zalo_api, zalo_invites, db_url, tmp_path):
    env = run_env(zalo_api, db_url, tmp_path)
    mai = zalo_api.user("9a0001", "Mai")
    process = start_bot(env, tmp_path)
    try:
        await wait_polling(zalo_api, 0)
        mai.send(zalo_invites["0901234507"])
        await mai.reply(timeout=30)
        for text in ("/capnhat", "2"):
            mai.send(text)
            await mai.reply()
        zalo_api.delay_next("sendMessage", 30)  # the answer hangs on the wire
        mai.send("Đã kiểm kê 3 phòng bộ môn.")
        deadline = time.monotonic() + 10
        while zalo_api.pending_updates() or len(zalo_api.calls("sendMessage")) < 4:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    polled = len(zalo_api.calls("getUpdates"))
    process = start_bot(env, tmp_path)
    try:
        await wait_polling(zalo_api, polled)
        assert "minh chứng" in (await mai.reply(timeout=30)).text
        for text, answer in (("bỏ qua", "Kiểm tra lại"), ("lưu", "Đã lưu")):
            mai.send(text)
            assert answer in (await mai.reply()).text
    finally:
        process.terminate()
        process.wait(timeout=30)
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        (update,) = s.scalars(select(TaskUpdate)).all()
        assert update.done_text == "Đã kiểm kê 3 phòng bộ môn."
        assert s.scalar(select(func.count(InboxUpdate.id))) == 0
    engine.dispose()


async def test_kill_9_mid_fan_out_then_restart_sends_each_once_but_one(
        zalo_api, db, db_url, tmp_path):
    sessions = session_factory(db)
    chats = [str(c) for c in build_fanout(sessions, PEOPLE, channel="zalo")]
    env = run_env(zalo_api, db_url, tmp_path, CAITIEN_REMINDER_TICK_SECONDS="1",
                  ZALO_MESSAGES_PER_SECOND="4")
    process = start_bot(env, tmp_path)
    try:
        await wait_for(lambda: zalo_api.message_count() >= PEOPLE // 3)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    process = start_bot(env, tmp_path)
    try:
        await wait_for(lambda: len({c for c in chats if zalo_api.sent_to(c)}) == PEOPLE)
        await wait_for(reading(sessions, all_sent))  # nothing is left to send, twice or once
    finally:
        process.terminate()
        process.wait(timeout=30)
    received = Counter(len(zalo_api.sent_to(chat)) for chat in chats)
    # Everyone once; at most the one message on the wire when the process died, twice.
    assert received[1] >= PEOPLE - 1 and set(received) <= {1, 2}
