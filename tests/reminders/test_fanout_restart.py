"""`caitien run` killed in the middle of sending the monthly check-ins, then started again:
everyone gets exactly one."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

from storage.db import make_engine, session_factory
from tests.bot.test_restart import start_bot
from tests.reminders.conftest import wait_for
from tests.reminders.fanout import build_fanout

PEOPLE = 24


async def test_kill_9_mid_fan_out_then_restart_sends_each_once(limited_api, db, db_url,
                                                               tmp_path):
    chats = build_fanout(session_factory(db), PEOPLE)
    env = {"TELEGRAM_BOT_TOKEN": limited_api.token,
           "TELEGRAM_API_BASE_URL": limited_api.base_url, "DATABASE_URL": db_url,
           "CAITIEN_EVIDENCE_DIR": str(tmp_path / "evidence"),
           "CAITIEN_REMINDER_TICK_SECONDS": "1"}
    limited_api.hold_messages_after(PEOPLE // 3)
    process = start_bot(env, tmp_path)
    try:
        await wait_for(lambda: limited_api.message_count() == PEOPLE // 3)
        await asyncio.sleep(0.5)  # the next sends are on the wire, held by the server
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    limited_api.release_held(arrive=False)  # what was on the wire died with the process
    process = start_bot(env, tmp_path)
    try:
        await wait_for(lambda: limited_api.message_count() >= PEOPLE)
        await asyncio.sleep(1.5)  # anything sent twice would arrive by now
    finally:
        process.terminate()
        process.wait(timeout=30)
    received = Counter({chat: len(limited_api.sent_to(chat)) for chat in chats})
    assert set(received.values()) == {1}
    assert limited_api.state.limited == 0
    make_engine(db_url).dispose()
