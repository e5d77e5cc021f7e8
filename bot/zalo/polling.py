"""Zalo without a public address: `caitien run` asks Zalo for updates.

Zalo's getUpdates hands out one update at a time and forgets it as it does: there is no
offset to confirm, so an update fetched by a process that is then killed before its turn
commits is lost (the person sends it again; the README says so). Everything after the fetch
is as for Telegram: turns run at the same time, one person's in order."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from bot.app import App
from bot.turns import NotHandled, Turns
from bot.zalo.adapter import ZaloTransport, handle_update
from bot.zalo.client import ZaloError
from bot.zalo.connection import ZaloChannel

log = logging.getLogger(__name__)

MAX_RUNNING = 200  # updates being handled at once; past this, fetching waits
NOT_HANDLED_TRIES = (1.0, 5.0, 15.0, 30.0)  # while the database is away, the turn waits
BACKOFF_MAX = 60.0


class WebhookActive(Exception):
    """Zalo refuses getUpdates while a webhook is set."""


class ZaloPoller:
    def __init__(self, turns: Turns, transport: ZaloTransport) -> None:
        self.turns = turns
        self.transport = transport
        self._running: set[asyncio.Task] = set()
        self._room = asyncio.Semaphore(MAX_RUNNING)

    async def run(self) -> None:
        delay = 1.0
        while True:
            try:
                update = await self.transport.client.get_update()
                delay = 1.0
            except ZaloError as exc:
                if exc.code in (401, 403, 404):
                    raise
                if exc.code == 400 and "webhook" in exc.description.lower():
                    raise WebhookActive() from None
                log.warning("Zalo getUpdates failed (%s); again in %.0f s", exc.code, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if update is None:
                continue
            await self._room.acquire()
            task = asyncio.create_task(self._handle(update))
            self._running.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self._room.release()

    async def _handle(self, update: dict) -> None:
        """The update cannot be fetched again: while the database is away, its turn is
        tried again here for about a minute."""
        for wait in (*NOT_HANDLED_TRIES, None):
            try:
                sending = await handle_update(self.turns, self.transport, update)
                if sending is not None:
                    await sending
                return
            except NotHandled:
                if wait is None:
                    log.error("a Zalo message was not handled: the database stayed away")
                    return
                await asyncio.sleep(wait)

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
    poller = ZaloPoller(app.turns, transport)
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
