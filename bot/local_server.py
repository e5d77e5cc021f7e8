"""An ASGI application served by uvicorn in a background thread on a free local port: how
the local fakes of the Telegram and Zalo APIs run beside the code that calls them."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette


class LocalServer:
    def __init__(self, app, name: str, graceful_seconds: int | None = None) -> None:
        """`graceful_seconds`: how long `stop` lets requests under way finish (None: as
        long as they take)."""
        self.app = app
        self.name = name
        self.graceful_seconds = graceful_seconds
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """The port it listens on, once it does."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Inherited by every connection it accepts: without it, an answer written in two
        # pieces (headers, then the body) waited out the caller's delayed acknowledgement,
        # 40 ms, on one call in two on a kept connection (a getFile, a photo's download).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off",
                                access_log=False,
                                timeout_graceful_shutdown=self.graceful_seconds)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None
            if self._thread.is_alive():  # a request still waiting: say so, not leak it
                raise RuntimeError(f"{self.name} did not stop")


class LocalFake:
    """A local fake of a chat API: `routes()` served by a LocalServer while it runs, as a
    context manager or by start() and stop()."""

    server_name = "local fake"
    graceful_seconds: int | None = None

    port: int | None = None
    _server: LocalServer | None = None

    def __init__(self) -> None:
        # Set by stop(): requests that wait (a long poll, a held message) answer at once,
        # so the server stops without waiting out their timeouts.
        self.closing = threading.Event()

    def routes(self) -> list:
        raise NotImplementedError

    async def pause(self, seconds: float) -> None:
        """An injected delay: `seconds`, or less when the fake is stopping."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.closing.is_set():
            await asyncio.sleep(0.02)

    def start(self):
        self.closing.clear()
        self._server = LocalServer(Starlette(routes=self.routes()), self.server_name,
                                   self.graceful_seconds)
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self.closing.set()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
