"""Telegram without a public address: `caitien run` asks the Bot API for updates.

Our own loop over getUpdates, not python-telegram-bot's Updater: the Updater confirms a
batch as soon as it is queued in memory, so a process killed before handling it loses it.
Here each batch is first written to the database (storage/inbox.py) in one transaction, and
only then confirmed; its updates are handled at the same time (one person's in order) and
forgotten once answered. A kill at any moment loses nothing — what was fetched is in the
inbox and the next process handles it first — and one chat that must wait (a stranger's
flood paced at one message a second) never holds back the updates behind it, as an offset
kept at the oldest unanswered update did."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.app import App
from bot.telegram.adapter import CHANNEL, TelegramTransport, handle_update
from bot.telegram.bots import TelegramBots
from bot.telegram.connection import START_BACKOFF_MAX, RejectedToken
from bot.turns import NotHandled
from reminders.sender import lane
from storage.db import writing
from storage.inbox import forget_updates, keep_updates, kept_updates
from storage.school_bots import bot_tokens

log = logging.getLogger(__name__)

MAX_RUNNING = 200  # updates being handled at once; past this, fetching waits
NOT_HANDLED_TRIES = (1.0, 5.0, 15.0, 30.0)  # while the database is away, the turn waits
IDLE_FLOOR = 0.5  # seconds between polls that came back at once with nothing


class Poller:
    def __init__(self, app: App, transport: TelegramTransport,
                 poll_timeout: float = 30.0) -> None:
        self.app = app
        self.turns = app.turns
        self.transport = transport
        self.poll_timeout = poll_timeout
        self.inbox = lane(CHANNEL, transport.key)  # each bot keeps its own
        self.offset = 0
        self._kept_ids: set[int] = set()  # update ids the inbox held at start
        self._running: set[asyncio.Task] = set()
        self._room = asyncio.Semaphore(MAX_RUNNING)
        self._answered: list[int] = []  # inbox rows to forget
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        for row_id, payload in await asyncio.to_thread(self._kept):
            self._kept_ids.add(payload.get("update_id"))
            await self._start(row_id, payload)
        delay = 1.0
        while True:
            await self._forget_answered()
            started = time.monotonic()
            try:
                # As JSON, read one by one: one update that cannot be read is skipped alone.
                updates = await self.transport.bot.get_update_dicts(self.offset or None,
                                                                    self.poll_timeout)
                delay = 1.0
            except Conflict:
                raise  # a webhook is set, or another process polls this bot
            except InvalidToken:
                raise RejectedToken() from None  # revoked while running
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except TimedOut:
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); again in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, START_BACKOFF_MAX)
                continue
            if not updates:
                idle = IDLE_FLOOR - (time.monotonic() - started)
                if idle > 0:  # an answer at once with nothing in it: no hot loop
                    await asyncio.sleep(idle)
                continue
            fresh = [u for u in updates if u["update_id"] not in self._kept_ids]
            row_ids = await self._keep(fresh) if fresh else []
            self.offset = max(u["update_id"] for u in updates) + 1  # confirmed at the next call
            for row_id, payload in zip(row_ids, fresh):
                await self._start(row_id, payload)

    async def _start(self, row_id: int, payload: dict) -> None:
        await self._room.acquire()
        task = asyncio.create_task(self._handle(row_id, payload))
        self._running.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        self._room.release()

    async def _handle(self, row_id: int, payload: dict) -> None:
        """Kept in the inbox until answered. While the database is away the turn is tried
        again here; a turn given up on stays in the inbox for the next start."""
        try:
            update = Update.de_json(payload, self.transport.bot)
        except Exception as exc:  # what people wrote stays out of the log
            log.warning("Telegram update %s could not be read (%s); skipped",
                        payload.get("update_id"), type(exc).__name__)
            self._answered.append(row_id)
            return
        for wait in (*NOT_HANDLED_TRIES, None):
            try:
                sending = await handle_update(self.turns, self.transport, update)
                if sending is not None:
                    await sending  # forgotten once answered: a kill before answers again
                self._answered.append(row_id)
                return
            except NotHandled:
                if wait is None:
                    log.error("a Telegram update was not handled: the database stayed away")
                    return
                await asyncio.sleep(wait)

    async def _keep(self, payloads: list[dict]) -> list[int]:
        """Written before the batch is confirmed: the only copy there will be. While the
        database does not answer, polling waits here with the batch in hand."""
        delay = 1.0
        while True:
            try:
                return await asyncio.to_thread(self._write, payloads)
            except DBAPIError:
                log.warning("Telegram updates wait for the database (again in %.0f s)", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, START_BACKOFF_MAX)

    def _write(self, payloads: list[dict]) -> list[int]:
        with writing(self.app.sessions) as session:
            return keep_updates(session, self.inbox, payloads, self.app.clock.now())

    def _kept(self) -> list[tuple[int, dict]]:
        with self.app.sessions() as session:
            return kept_updates(session, self.inbox)

    async def _forget_answered(self) -> None:
        """The answered updates leave the inbox together (one transaction, not one each): a
        kill before that only means they are looked at again, and answered no second time."""
        done, self._answered = self._answered, []
        if not done:
            return
        try:
            await asyncio.to_thread(self._forget, done)
        except DBAPIError:
            self._answered.extend(done)  # next time

    def _forget(self, row_ids: list[int]) -> None:
        with writing(self.app.sessions) as session:
            forget_updates(session, row_ids)

    async def stop(self) -> None:
        """Let the turns under way finish (a turn cut off stays in the inbox)."""
        if self._running:
            await asyncio.wait(self._running, timeout=10)
        await self._forget_answered()


class Pollers:
    """One poller a bot: the default bot and each school's own. The first to fail (a
    Conflict: a webhook is set) ends them all."""

    def __init__(self, app: App, poll_timeout: float) -> None:
        self.app = app
        self.poll_timeout = poll_timeout
        self.pollers: list[Poller] = []
        self.failed: asyncio.Future = asyncio.get_running_loop().create_future()

    def add(self, transport: TelegramTransport) -> None:
        poller = Poller(self.app, transport, self.poll_timeout)
        poller.task = asyncio.create_task(poller.run())
        poller.task.add_done_callback(lambda task: self._ended(transport, task))
        self.pollers.append(poller)

    def remove(self, transport: TelegramTransport) -> None:
        """The bot was let go (a school's bot removed or given a new token)."""
        for poller in [p for p in self.pollers if p.transport is transport]:
            poller.task.cancel()
            self.pollers.remove(poller)

    def _ended(self, transport: TelegramTransport, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is None:
            return
        if transport.key is None:  # the default bot: the whole run ends, and says why
            if not self.failed.done():
                self.failed.set_exception(task.exception())
            return
        # A school's bot (its token revoked, a webhook set on it) stops alone.
        log.error("polling school bot %s stopped (%s); the other bots go on", transport.key,
                  type(task.exception()).__name__)

    async def stop(self) -> None:
        for poller in self.pollers:
            poller.task.cancel()
        await asyncio.gather(*(p.task for p in self.pollers), return_exceptions=True)
        for poller in self.pollers:
            await poller.stop()


@asynccontextmanager
async def running_bot(app: App, poll_timeout: float = 30.0) -> AsyncIterator[Pollers]:
    """Every Telegram bot of the deployment polling inside the current event loop,
    reminders included."""
    pollers = Pollers(app, poll_timeout)
    bots = TelegramBots(app, on_added=pollers.add, on_dropped=pollers.remove)
    await bots.start()
    app.start_reminders()
    try:
        yield pollers
    finally:
        await pollers.stop()
        await app.turns.drain()
        app.stop_reminders()
        await bots.stop()


def has_bots(app: App) -> bool:
    """A default Telegram bot, or a school with its own."""
    if app.settings.telegram_token:
        return True
    with app.sessions() as session:
        return bool(bot_tokens(session, CHANNEL))


def without_token(app: App) -> bool:
    """True, having said so, when there is no Telegram bot to run."""
    if has_bots(app):
        return False
    print(app.renderer.text("errors/no_token.j2"), file=sys.stderr)
    return True


def _seconds(delay) -> float:
    return delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
