"""A replica of `caitien serve` killed with kill -9 in the middle of a turn it had already
acknowledged (the update kept in the inbox): another replica takes it once its claim runs
out, and the update is applied once and the teacher answered once. Real processes, real
HTTP, one database."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import func, select, update

from bot.telegram.webhook import SECRET_HEADER, store_secret
from storage.db import writing
from storage.models import Evidence, InboxUpdate, TaskUpdate
from tests.bot.test_webhook import an_update

SECRET = "replica-kill-test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Replica:
    """`caitien serve` in its own process."""

    def __init__(self, env: dict[str, str], cwd) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"replica-{self.port}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--port", str(self.port)],
                env={**os.environ, **env, "CAITIEN_REMINDERS": "off"}, cwd=cwd,
                stdout=log, stderr=subprocess.STDOUT)

    async def ready(self) -> "Replica":
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as client:
            while True:
                assert self.process.poll() is None, self.log.read_text()[-3000:]
                try:
                    if (await client.get(f"{self.base}/healthz")).status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the replica never came up"
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


@pytest.fixture
async def replicas(env, sessions, tmp_path):
    store_secret(sessions, SECRET)
    started = [Replica(env, tmp_path) for _ in range(3)]
    try:
        yield [await r.ready() for r in started]
    finally:
        for replica in started:
            replica.stop()


async def post(base: str, update: dict) -> int:
    async with httpx.AsyncClient(timeout=60) as client:
        return (await client.post(f"{base}/telegram/webhook", json=update,
                                  headers={SECRET_HEADER: SECRET})).status_code


def command(update_id: int, chat: int, text: str) -> dict:
    update = an_update(update_id, chat, text)
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0,
                                      "length": len(text.split()[0])}]
    return update


def photo(api, update_id: int, chat: int) -> dict:
    file_id, unique = api.add_file(b"\x89PNG photo of the inventory" * 100, "kiemke.jpg")
    update = an_update(update_id, chat, "")
    del update["message"]["text"]
    update["message"]["photo"] = [{"file_id": file_id, "file_unique_id": unique,
                                   "width": 800, "height": 600, "file_size": 2700}]
    return update


def claims_run_out(sessions) -> None:
    """As two minutes later: what the killed replica claimed is anyone's to take."""
    with writing(sessions) as session:
        session.execute(update(InboxUpdate).values(
            claimed_until=datetime.now(timezone.utc) - timedelta(seconds=1)))


def sent(api, chat: int) -> int:
    return len(api.sent_to(chat))


async def until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


async def test_a_replica_killed_mid_turn_loses_nothing_and_doubles_nothing(
        replicas, api, invites, sessions):
    one, two, three = replicas
    chat = 4401
    assert await post(one.base, command(1, chat, f"/start {invites['0901234507']}")) == 200
    await until(lambda: sent(api, chat) == 1)
    for n, text in enumerate(["/capnhat", "2", "Đã kiểm kê 3 phòng."], start=2):
        update = command(n, chat, text) if text.startswith("/") else an_update(n, chat, text)
        assert await post(one.base, update) == 200
        await until(lambda: sent(api, chat) == n)
    asked = sent(api, chat)

    # Killed while fetching the photo, its update acknowledged and kept, its turn not done.
    api.delay_next("getFile", 30)
    assert await post(one.base, photo(api, 10, chat)) == 200
    await until(lambda: api.calls("getFile"))
    one.kill()
    assert count(sessions, InboxUpdate) == 1
    claims_run_out(sessions)  # another replica sweeps it (every 10 s)
    await until(lambda: sent(api, chat) == asked + 1)
    assert "Đã nhận 1 tệp" in api.sent_to(chat)[-1].text
    assert count(sessions, Evidence) == 0  # kept with the draft, saved with it
    await until(lambda: count(sessions, InboxUpdate) == 0)
    assert await post(two.base, an_update(11, chat, "xong")) == 200
    await until(lambda: sent(api, chat) == asked + 2)
    asked = sent(api, chat)

    # Killed after the turn committed, its reply lost on the wire.
    api.hold_messages_after(api.message_count())
    assert await post(two.base, an_update(12, chat, "lưu")) == 200
    await until(lambda: count(sessions, TaskUpdate) == 1)
    two.kill()
    api.release_held(arrive=False)
    claims_run_out(sessions)
    await until(lambda: sent(api, chat) == asked + 1)
    await until(lambda: count(sessions, InboxUpdate) == 0)
    replies = [m.text for m in api.sent_to(chat)[asked:]]
    assert len(replies) == 1 and "Đã lưu" in replies[0]
    assert count(sessions, TaskUpdate) == 1 and count(sessions, Evidence) == 1
