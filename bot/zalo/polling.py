"""Zalo without a public address: `caitien run` asks Zalo for updates.

Zalo's getUpdates hands out one update at a time and forgets it as it does: there is no
offset to confirm. So each update is written to the database (storage/inbox.py) as soon as
it arrives and forgotten only once its turn committed and was answered; a process killed in
between leaves it there, and the next one handles it first (a redelivered event is applied
once). Turns run at the same time, one person's in order.

Zalo's documentation calls getUpdates a tool for development and recommends the webhook;
`caitien serve` is the way to run Zalo in production. What polling meets and is made to
bear here: an update already consumed is handed out again at once on every poll while
nothing newer came (measured against a real bot by the zalo-bot-mcp project), and an idle
poll may end at once with 408. A message id seen lately is therefore skipped before anything
is written, and a poll that brought nothing new waits out IDLE_FLOOR before the next."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy.exc import DBAPIError

from bot.app import App
from bot.turns import NotHandled
from bot.zalo.adapter import CHANNEL, ZaloTransport, handle_update, to_incoming
from bot.zalo.client import ZaloError
from bot.zalo.connection import ZaloChannel, ZaloRejected
from reminders.sender import lane
from storage.db import writing
from storage.inbox import forget_update, keep_update, kept_updates

log = logging.getLogger(__name__)

MAX_RUNNING = 200  # updates being handled at once; past this, fetching waits
NOT_HANDLED_TRIES = (1.0, 5.0, 15.0, 30.0)  # while the database is away, the turn waits
BACKOFF_MAX = 60.0
IDLE_FLOOR = 0.5  # seconds between polls that brought nothing new: at most two a second
SEEN = 1000  # message ids remembered against replays


class WebhookActive(Exception):
    """Zalo refuses getUpdates while a webhook is set."""


class ZaloPoller:
    def __init__(self, app: App, transport: ZaloTransport) -> None:
        self.app = app
        self.turns = app.turns
        self.transport = transport
        self._running: set[asyncio.Task] = set()
        self._room = asyncio.Semaphore(MAX_RUNNING)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.lane = lane(CHANNEL, transport.key)  # the inbox's rows of this bot

    async def run(self) -> None:
        for row_id, update in await asyncio.to_thread(self._kept):
            self._seen_now(update)
            await self._start(row_id, update)
        delay = 1.0
        while True:
            started = time.monotonic()
            try:
                update = await self.transport.client.get_update()
                delay = 1.0
            except ZaloError as exc:
                await self._failed(exc, delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if update is not None and self._seen_now(update):
                await self._start(await self._keep(update), update)
                continue
            idle = IDLE_FLOOR - (time.monotonic() - started)
            if idle > 0:
                await asyncio.sleep(idle)

    async def _failed(self, exc: ZaloError, delay: float) -> None:
        """401 ends the run (the token is not a bot's); a webhook set ends it too. Anything
        else — 403, which Zalo's error table calls an internal server error, 5xx, 429, the
        network — is waited out, and after a 403 the token is asked about again."""
        if exc.code == 401:
            raise ZaloRejected() from None
        if exc.code == 400 and "webhook" in exc.description.lower():
            raise WebhookActive() from None
        log.warning("Zalo getUpdates failed (%s %s); again in %.0f s", exc.code,
                    exc.description[:80], delay)
        await asyncio.sleep(delay)
        if exc.code == 403:
            try:
                await self.transport.client.get_me()
            except ZaloError as again:
                if again.code == 401:
                    raise ZaloRejected() from None

    def _seen_now(self, update: dict) -> bool:
        """True for a message not seen lately (and remembered from now on)."""
        incoming = to_incoming(update, self.transport.key)
        key = incoming.event_id if incoming is not None else None
        if key is None:
            return True  # not a person's message: nothing to repeat
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN:
            self._seen.popitem(last=False)
        return True

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
            return keep_update(session, self.lane, update, self.app.clock.now())

    def _kept(self) -> list[tuple[int, dict]]:
        with self.app.sessions() as session:
            return kept_updates(session, self.lane)

    def _forget(self, row_id: int) -> None:
        with writing(self.app.sessions) as session:
            forget_update(session, row_id)

    async def stop(self) -> None:
        """Let the turns under way finish."""
        if self._running:
            await asyncio.wait(self._running, timeout=10)


@asynccontextmanager
async def running_zalo(app: App) -> AsyncIterator[asyncio.Future]:
    """Every Zalo bot polling inside the current event loop — the default one and each bot
    of the schools' pools, one poller a bot — reminders included; yields a future that ends
    only by failing: the default bot's token refused, a webhook set on it. A pool bot's
    poller that fails so is logged, and the others go on."""
    failed: asyncio.Future = asyncio.get_running_loop().create_future()
    pollers: dict[str | None, tuple[ZaloPoller, asyncio.Task]] = {}

    def ended(key: str | None, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is None:
            return
        if key is None:
            if not failed.done():
                failed.set_exception(task.exception())
        else:
            log.error("polling Zalo bot %s ended (%s)", key, type(task.exception()).__name__)

    def added(transport: ZaloTransport) -> None:
        poller = ZaloPoller(app, transport)
        task = asyncio.create_task(poller.run())
        task.add_done_callback(lambda done, key=transport.key: ended(key, done))
        pollers[transport.key] = (poller, task)

    def dropped(transport: ZaloTransport) -> None:
        found = pollers.pop(transport.key, None)
        if found is not None:
            found[1].cancel()

    channel = ZaloChannel(app, on_added=added, on_dropped=dropped)
    await channel.start()
    try:
        await channel.ready()
    except BaseException:
        await channel.stop()
        raise
    log.info("Zalo by polling: for a school in production use `caitien serve` with the "
             "webhook (`caitien webhook set --channel zalo`), as Zalo recommends")
    app.start_reminders()
    try:
        yield failed
    finally:
        for poller, task in list(pollers.values()):
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await poller.stop()
        await app.turns.drain()
        app.stop_reminders()
        await channel.stop()
