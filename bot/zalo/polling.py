"""Zalo without a public address: `caitien run` asks Zalo for updates.

Zalo's getUpdates hands out one update at a time and forgets it as it does: there is no
offset to confirm. So each update is written to the database (storage/inbox.py) as soon as
it arrives and forgotten only once its turn committed and was answered; a process killed in
between leaves it there, and the next one handles it first (a redelivered event is applied
once). Turns run at the same time, one person's in order."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy.exc import DBAPIError

from bot.app import App
from bot.turns import NotHandled
from bot.zalo.adapter import CHANNEL, ZaloTransport, handle_update
from bot.zalo.client import ZaloError
from bot.zalo.connection import ZaloChannel, ZaloRejected
from storage.db import writing
from storage.inbox import forget_update, keep_update, kept_updates

log = logging.getLogger(__name__)

MAX_RUNNING = 200  # updates being handled at once; past this, fetching waits
NOT_HANDLED_TRIES = (1.0, 5.0, 15.0, 30.0)  # while the database is away, the turn waits
BACKOFF_MAX = 60.0


class WebhookActive(Exception):
    """Zalo refuses getUpdates while a webhook is set."""


class ZaloPoller:
    def __init__(self, app: App, transport: ZaloTransport) -> None:
        self.app = app
        self.turns = app.turns
        self.transport = transport
        self._running: set[asyncio.Task] = set()
        self._room = asyncio.Semaphore(MAX_RUNNING)

    async def run(self) -> None:
        for row_id, update in await asyncio.to_thread(self._kept):
            await self._start(row_id, update)
        delay = 1.0
        while True:
            try:
                update = await self.transport.client.get_update()
                delay = 1.0
            except ZaloError as exc:
                if exc.code in (401, 403, 404):
                    raise ZaloRejected() from None
                if exc.code == 400 and "webhook" in exc.description.lower():
                    raise WebhookActive() from None
                log.warning("Zalo getUpdates failed (%s); again in %.0f s", exc.code, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if update is not None:
                await self._start(await self._keep(update), update)

    async def _start(self, row_id: int, update: dict) -> None:
        await self._room.acquire()
        task = asyncio.create_task(self._handle(row_id, update))
        self._running.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self._room.release()

    async def _handle(self, row_id: int, update: dict) -> None:
        """Kept in the inbox until answered. While the database is away the turn is tried
        again here (no more is fetched meanwhile than MAX_RUNNING); a turn given up on
        stays in the inbox for the next start."""
        for wait in (*NOT_HANDLED_TRIES, None):
            try:
                sending = await handle_update(self.turns, self.transport, update)
                if sending is not None:
                    await sending
                await asyncio.to_thread(self._forget, row_id)
                return
            except NotHandled:
                if wait is None:
                    log.error("a Zalo message was not handled: the database stayed away")
                    return
                await asyncio.sleep(wait)

    async def _keep(self, update: dict) -> int:
        """Written before anything else: the only copy there is. While the database does not
        answer, polling waits here with the update in hand."""
        delay = 1.0
        while True:
            try:
                return await asyncio.to_thread(self._write, update)
            except DBAPIError:
                log.warning("a Zalo update waits for the database (again in %.0f s)", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)

    def _write(self, update: dict) -> int:
        with writing(self.app.sessions) as session:
            return keep_update(session, CHANNEL, update, self.app.clock.now())

    def _kept(self) -> list[tuple[int, dict]]:
        with self.app.sessions() as session:
            return kept_updates(session, CHANNEL)

    def _forget(self, row_id: int) -> None:
        with writing(self.app.sessions) as session:
            forget_update(session, row_id)

    async def stop(self) -> None:
        """Let the turns under way finish."""
        if self._running:
            await asyncio.wait(self._running, timeout=10)


@asynccontextmanager
async def running_zalo(app: App) -> AsyncIterator[asyncio.Task]:
    """The Zalo bot polling inside the current event loop, reminders included; yields the
    polling task (it ends only by failing: a refused token, a webhook set)."""
    channel = ZaloChannel(app)
    await channel.start()
    transport = await channel.ready()
    poller = ZaloPoller(app, transport)
    task = asyncio.create_task(poller.run())
    app.start_reminders()
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await poller.stop()
        await app.turns.drain()
        app.stop_reminders()
        await channel.stop()
