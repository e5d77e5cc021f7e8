"""`caitien demo --web`: the training sandbox alone on this machine. No token, no school's
database: the sandbox's pages, their static files and the console's security headers."""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.guard import SecurityHeaders
from bot.web.routes import STATIC
from bot.web.sandbox import BASE, Sandboxes, sandbox_routes


def sandbox_app(sandboxes: Sandboxes) -> Starlette:
    async def home(request: Request) -> Response:
        return RedirectResponse(BASE, status_code=303)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            sandboxes.close()

    return Starlette(routes=[
        Route("/", home),
        Route("/web/", home),
        *sandbox_routes(sandboxes),
        Mount("/web/static", StaticFiles(directory=STATIC)),
    ], middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)


@dataclass
class Served:
    url: str  # the sandbox's page
    task: asyncio.Task

    async def wait(self) -> None:
        """Until the server stops (Ctrl-C); the server is not cancelled with the waiting."""
        await asyncio.shield(self.task)


@asynccontextmanager
async def serving(app: Starlette, port: int = 0) -> AsyncIterator[Served]:
    """`app` on 127.0.0.1:`port` (0: any free port) until the block ends or Ctrl-C."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # it could not start: say why
                raise RuntimeError("the sandbox server stopped while starting")
            await asyncio.sleep(0.02)
        yield Served(f"http://127.0.0.1:{sock.getsockname()[1]}{BASE}", task)
    finally:
        server.should_exit = True
        await task
        sock.close()
