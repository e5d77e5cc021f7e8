"""Telegram without a public address: `caitien run` asks the Bot API for updates.

Our own loop over getUpdates, not python-telegram-bot's Updater: the Updater confirms a
batch (asks for the next offset) as soon as it is queued, so a process killed before
handling it loses it. Here the offset moves past an update only once its turn committed;
updates are handled at the same time (one person's in order), and an update still running
keeps the offset at it, so a kill at any moment loses nothing: what was not committed is
fetched again."""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager
from typing import AsyncIterator

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.app import App
from bot.telegram.adapter import CHANNEL, TelegramTransport, handle_update
from bot.telegram.bots import TelegramBots
from bot.telegram.connection import START_BACKOFF_MAX, RejectedToken
from bot.turns import NotHandled, Turns
from storage.school_bots import bot_tokens

log = logging.getLogger(__name__)

BUSY_POLL_PAUSE = 0.1  # seconds between getUpdates calls while updates are being handled
RETRY_NOT_HANDLED = 1.0  # seconds before an update whose turn did not commit is fetched again


class Poller:
    def __init__(self, turns: Turns, transport: TelegramTransport,
                 poll_timeout: float = 30.0) -> None:
        self.turns = turns
        self.transport = transport
        self.poll_timeout = poll_timeout
        self.offset = 0
        self._seen = 0  # the highest update id fetched
        self._running: dict[int, asyncio.Task] = {}
        self._committed: set[int] = set()  # at or past the offset, waiting for it to move
        self._again: set[int] = set()  # did not commit: to be fetched again
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        delay = 1.0
        while True:
            try:
                updates = await self.transport.bot.get_updates(
                    offset=self.offset or None, timeout=self.poll_timeout,
                    allowed_updates=Update.ALL_TYPES)
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
            fresh = [u for u in updates if u.update_id not in self._running
                     and u.update_id not in self._committed]
            for update in fresh:
                self._again.discard(update.update_id)
                self._seen = max(self._seen, update.update_id)
                self._running[update.update_id] = asyncio.create_task(self._handle(update))
            if not fresh and self._running:
                # The Bot API answers at once while an update is unconfirmed: pause a little
                # (or until one of ours finishes) instead of asking again and again.
                await asyncio.wait(self._running.values(), timeout=BUSY_POLL_PAUSE,
                                   return_when=asyncio.FIRST_COMPLETED)
            self._settle()

    async def _handle(self, update: Update) -> None:
        try:
            sending = await handle_update(self.turns, self.transport, update)
            if sending is not None:
                await sending  # confirmed once answered: a kill before answers again
        except NotHandled:
            await asyncio.sleep(RETRY_NOT_HANDLED)
            raise

    def _settle(self) -> None:
        for update_id, task in list(self._running.items()):
            if not task.done():
                continue
            del self._running[update_id]
            if task.cancelled() or task.exception() is not None:
                self._again.add(update_id)
            else:
                self._committed.add(update_id)
        waiting = self._running.keys() | self._again
        self.offset = min(waiting) if waiting else self._seen + 1 if self._seen else 0
        self._committed = {i for i in self._committed if i >= self.offset}

    async def stop(self) -> None:
        """Let the turns under way finish (a turn cut off would be fetched again anyway)."""
        if self._running:
            await asyncio.wait(self._running.values(), timeout=10)


class Pollers:
    """One poller a bot: the default bot and each school's own. The first to fail (a
    Conflict: a webhook is set) ends them all."""

    def __init__(self, app: App, poll_timeout: float) -> None:
        self.app = app
        self.poll_timeout = poll_timeout
        self.pollers: list[Poller] = []
        self.failed: asyncio.Future = asyncio.get_running_loop().create_future()

    def add(self, transport: TelegramTransport) -> None:
        poller = Poller(self.app.turns, transport, self.poll_timeout)
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
