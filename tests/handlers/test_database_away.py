"""The database away for a few seconds in the middle of a conversation: the turn waits it
out and the teacher's message is not dropped. On PostgreSQL the connection goes through a
TCP proxy that is cut (open connections reset, new ones refused) and restored; on SQLite
another process holds the database locked."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from handlers.engine import Engine
from storage.db import make_engine, session_factory
from storage.models import ProcessedEvent, TaskUpdate
from tests.chat import Chat
from tests.conftest import TEST_CHANNELS

AWAY = 3.0  # seconds


class Proxy:
    """TCP between the bot and PostgreSQL, which the test can cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.down = False
        self.links: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> "Proxy":
        self.server = await asyncio.start_server(self._link, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def cut(self) -> None:
        self.down = True
        for writer in self.links:
            writer.transport.abort()

    def restore(self) -> None:
        self.down = False

    async def _link(self, reader, writer) -> None:
        if self.down:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.links |= {writer, up_writer}
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer),
                             return_exceptions=True)
        self.links -= {writer, up_writer}


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.transport.abort()


@pytest.fixture
async def outage(db_url, renderer, evidence, clock):
    """(an engine whose database can be made to go away, a function that makes it go away
    for AWAY seconds)."""
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        proxy = await Proxy(url.host or "127.0.0.1", url.port or 5432).start()
        db = make_engine(url.set(host="127.0.0.1", port=proxy.port)
                         .render_as_string(hide_password=False))

        def away() -> None:
            proxy.cut()
            asyncio.get_running_loop().call_later(AWAY, proxy.restore)
    else:
        db = make_engine(db_url)

        def away() -> None:
            locked = threading.Event()
            threading.Thread(target=_hold_lock, args=(url.database, locked), daemon=True).start()
            locked.wait()
    yield Engine(session_factory(db), renderer, evidence, clock, TEST_CHANNELS), away
    db.dispose()
    if url.get_backend_name() == "postgresql":
        proxy.server.close()


def _hold_lock(path: str, locked: threading.Event) -> None:
    """Another program writing to the SQLite file, for AWAY seconds."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    locked.set()
    threading.Event().wait(AWAY)
    other.execute("COMMIT")
    other.close()


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


async def test_the_database_away_for_seconds_mid_conversation(outage, school, chat_as,
                                                              sessions, channel, caplog):
    engine, away = outage
    chat_as("0901234503")  # linked
    teacher = Chat(engine, 234503, channel)
    await teacher.send("/capnhat")
    assert "Tình trạng" in await teacher.send("1.")
    assert "đã làm" in await teacher.send("Hoàn thành")
    away()
    answer = await teacher.send("Đã sinh hoạt tổ 2 buổi.")  # waits the outage out
    assert "minh chứng" in answer
    await teacher.send("bỏ qua")
    away()
    assert "Đã lưu" in await teacher.send("lưu")
    assert count(sessions, TaskUpdate) == 1
    assert count(sessions, ProcessedEvent) == 6
    if sessions.kw["bind"].dialect.name == "postgresql":  # SQLite's writer just waited
        assert "turn retried" in caplog.text
