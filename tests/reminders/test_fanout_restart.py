"""`caitien run` killed in the middle of sending the monthly check-ins, then started again:
everyone gets exactly one."""

from __future__ import annotations

import signal
from collections import Counter

from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.models import OutboxMessage
from tests.bot.test_restart import start_bot
from tests.reminders.conftest import reading, wait_for
from tests.reminders.fanout import build_fanout

PEOPLE = 24


def rows_in(session, status: str) -> list[int]:
    return list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == status)))


def all_sent(session) -> bool:
    """Every check-in in the outbox was sent: the restarted bot has nothing more to send."""
    return set(session.scalars(select(OutboxMessage.status))) == {"sent"}


async def test_kill_9_mid_fan_out_then_restart_sends_each_once(limited_api, db, db_url,
                                                               tmp_path):
    sessions = session_factory(db)
    chats = build_fanout(sessions, PEOPLE)
    env = {"TELEGRAM_BOT_TOKEN": limited_api.token,
           "TELEGRAM_API_BASE_URL": limited_api.base_url, "DATABASE_URL": db_url,
           "CAITIEN_EVIDENCE_DIR": str(tmp_path / "evidence"),
           "CAITIEN_REMINDER_TICK_SECONDS": "1"}
    limited_api.hold_messages_after(PEOPLE // 3)
    process = start_bot(env, tmp_path)
    try:
        await wait_for(lambda: limited_api.message_count() == PEOPLE // 3)
        # Killed only once every claimed check-in is held by the server: one still on its
        # way would reach Telegram after the kill and, unrecorded, be sent again (as it
        # would be by the real Telegram; no bot can tell).
        await wait_for(reading(sessions, lambda session: 0 < limited_api.held_count()
                               == len(rows_in(session, "sending"))))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    limited_api.release_held(arrive=False)  # what was on the wire died with the process
    process = start_bot(env, tmp_path)
    try:
        await wait_for(lambda: limited_api.message_count() >= PEOPLE)
        await wait_for(reading(sessions, all_sent))  # nothing is left to send, twice or once
    finally:
        process.terminate()
        process.wait(timeout=30)
    received = Counter({chat: len(limited_api.sent_to(chat)) for chat in chats})
    assert set(received.values()) == {1}
    assert limited_api.state.limited == 0
    make_engine(db_url).dispose()
