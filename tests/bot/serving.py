"""`caitien serve` inside the test's event loop, on a free port."""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager
from typing import AsyncIterator

import uvicorn

from bot.app import App
from bot.server import create_server, server_config
from tests.waiting import wait_for


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def served(app: App, port: int = 0) -> AsyncIterator[str]:
    """The application serving (on `port`, else any free one); yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(create_server(app), app.settings,
                                          log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        assert not task.done(), task.exception() if task.done() else None
        await asyncio.sleep(0.02)
    # As for the polling bot (tests/conftest.py's `bot`): the reminders' first tick is over
    # before the test writes as anyone.
    await wait_for(lambda: app.reminders is None or app.reminders.ticks_done >= 1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
