"""What a turn costs through `caitien serve`, beyond the engine's own statements
(tests/storage/test_statement_budget.py): write transactions, statements and Bot API calls
from the update's POST until it left the inbox. Under a crowd every write transaction waits
for the one before it (SQLite has one writer), so their number is what speed work took out:
the update kept, the turn, its answer recorded and the update forgotten — three, not four.
A turn that needs more is a change to look at, and to budget for here on purpose."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from storage.models import InboxUpdate
from tests.bot.serving import served
from tests.reminders.conftest import wait_for

WRITES = 3  # kept; the turn; answered and forgotten
STATEMENTS = {"text": 24, "press": 24, "photo": 26}
# The reply; a press's buttons taken off (its spinner stopped by the webhook's answer); getFile.
BOT_API_CALLS = {"text": 1, "press": 2, "photo": 2}


@contextmanager
def counted(db):
    """Statements sent, and transactions that wrote and committed."""
    spent = {"statements": 0, "writes": 0}

    def statement(conn, _cursor, sql, *_args):
        spent["statements"] += 1
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            conn.info["wrote"] = True

    def commit(conn):
        if conn.info.pop("wrote", False):
            spent["writes"] += 1

    event.listen(db, "before_cursor_execute", statement)
    event.listen(db, "commit", commit)
    try:
        yield spent
    finally:
        event.remove(db, "before_cursor_execute", statement)
        event.remove(db, "commit", commit)


@pytest.fixture
def caitien(cli, api, monkeypatch):
    """`caitien …` with the bot's token, as the IT person runs it."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", api.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
    return cli


def inbox_empty(app) -> bool:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(InboxUpdate)) == 0


async def test_a_served_turn_keeps_to_its_writes_statements_and_calls(app, api, invites,
                                                                      caitien):
    async with served(app) as base:
        code, _out, err = await asyncio.to_thread(caitien, "webhook", "set", "--url", base)
        assert code == 0, err
        mai = api.user(8001, "Mai")
        mai.send(f"/start {invites['0901234507']}")
        assert "Đã liên kết" in (await mai.reply()).text
        await wait_for(lambda: inbox_empty(app))

        async def turn(kind: str, act) -> str:
            calls = len(api.state.calls)
            with counted(app.db) as spent:
                act()
                answer = (await mai.reply()).text
                await wait_for(lambda: inbox_empty(app))  # answered, and forgotten
            made = api.state.calls[calls:]
            assert spent["writes"] <= WRITES, (kind, spent)
            assert spent["statements"] <= STATEMENTS[kind], (kind, spent)
            assert len(made) <= BOT_API_CALLS[kind], (kind, made)
            return answer

        assert "Tình trạng" in await turn("text", lambda: mai.send("/capnhat"))
        assert "đã làm được những gì" in await turn("press", lambda: mai.press("Đang thực hiện"))
        assert "minh chứng" in await turn("text", lambda: mai.send("Đã kiểm kê 3 phòng."))
        assert "Đã nhận 1 tệp" in await turn("photo",
                                             lambda: mai.send_photo(b"\xff\xd8jpeg-1"))
        await turn("press", lambda: mai.press("✅ Xong"))
        assert "Đã lưu" in await turn("press", lambda: mai.press("💾 Lưu"))
    assert api.state.webhook_calls == ["answerCallbackQuery"] * 3
