"""A district's morning: every school's reminders leave through the outbox at once. With one
bot for the whole district they are held to Telegram's 30 messages a second; with a bot
per school (`caitien school bot`), to 30 a second each. The real outbox sender and the real
python-telegram-bot client against the local Bot API server, which enforces Telegram's
limits per bot. Prints messages per second and the 429s met. Usage:

    python bench/bots_bench.py [--schools 10] [--messages 60] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from bot.app import build_app
from bot.config import Settings
from bot.telegram.fakeapi import Limits, LocalBotApi
from bot.telegram.adapter import TelegramTransport
from bot.telegram.connection import connect
from core.clock import FixedClock
from reminders.sender import OutboxSender, lane
from storage.models import OutboxMessage
from storage.outbox import PENDING
from storage.schools import pick_school

NOW = datetime(2026, 11, 25, 1, tzinfo=timezone.utc)


def enqueue(app, schools: int, messages: int, own_bots: bool) -> None:
    with app.sessions.begin() as session:
        for s in range(schools):
            school = pick_school(session, f"school{s:03d}", app.clock, create=True)
            for m in range(messages):
                chat = str(100_000 + s * 1000 + m)
                session.add(OutboxMessage(
                    school_id=school.id, key=f"bench:{s}:{m}", kind="monthly", period="bench",
                    staff_id=None, channel="telegram", chat_id=chat,
                    bot=str(900_000 + s) if own_bots else None,
                    due_at=NOW - timedelta(minutes=1), not_before=NOW - timedelta(minutes=1),
                    status=PENDING, task_ids=[], criteria=[],
                    body={"text": f"Nhắc việc tháng 11/2026 ({m})"}, attempts=0,
                    created_at=NOW))


async def one_run(database: str | None, schools: int, messages: int,
                  own_bots: bool) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp, LocalBotApi(limits=Limits()) as api:
        url = database or f"sqlite:///{tmp}/bots.sqlite3"
        settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": api.token,
                                      "TELEGRAM_API_BASE_URL": api.base_url,
                                      "DATABASE_URL": url, "CAITIEN_REMINDERS": "off",
                                      "CAITIEN_EVIDENCE_DIR": f"{tmp}/evidence"})
        app = build_app(settings, clock=FixedClock(NOW))
        if database:
            with app.db.begin() as conn:
                conn.execute(text("TRUNCATE outbox, schools RESTART IDENTITY CASCADE"))
        enqueue(app, schools, messages, own_bots)
        servers = [api] + [api.add_bot(f"{900_000 + s}:BENCH", f"school{s}_bot")
                           for s in range(schools)] * own_bots
        transports = {}
        for server in servers:
            bot = await connect(settings, server.token)
            key = None if server is api else str(bot.id)
            transports[lane("telegram", key)] = TelegramTransport(bot, key=key)
        sender = OutboxSender(app.sessions, transports, app.renderer, app.clock, "bench",
                              workers=64)
        started = time.monotonic()
        report = await sender.drain()
        elapsed = time.monotonic() - started
        for transport in transports.values():
            await transport.bot.shutdown()
        app.db.dispose()
        assert report.sent == schools * messages, report
        return schools * messages / elapsed, sum(s.state.limited for s in servers)


async def main(database: str | None, schools: int, messages: int) -> None:
    for own_bots in (False, True):
        rate, limited = await one_run(database, schools, messages, own_bots)
        label = f"{schools} school bots" if own_bots else "one bot for the district"
        print(f"{schools} schools × {messages} reminders, {label}: {rate:6.1f} messages/s, "
              f"{limited} × 429", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--messages", type=int, default=60)
    parser.add_argument("--database-url", dest="database")
    args = parser.parse_args()
    asyncio.run(main(args.database, args.schools, args.messages))
