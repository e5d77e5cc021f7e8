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
import socket
import sys
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx
from telegram import Bot, BotCommand, Update
from telegram.request import HTTPXRequest
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.adapter import CHANNEL, COMMANDS, TelegramTransport, handle_update
from bot.turns import NotHandled, Turns
from core.errors import InputError
from storage.conversations import forget_old_events
from storage.db import writing
from storage.models import Setting
from templates.render import Renderer

log = logging.getLogger(__name__)

BUSY_POLL_PAUSE = 0.1  # seconds between getUpdates calls while updates are being handled
RETRY_NOT_HANDLED = 1.0  # seconds before an update whose turn did not commit is fetched again
START_BACKOFF_MAX = 60.0


# Replies to many people go out at once: python-telegram-bot's default pool of one
# connection would queue them all behind each other.
CONNECTIONS = 64


def make_bot(settings: Settings) -> Bot:
    return Bot(settings.telegram_token, base_url=settings.telegram_api_base_url,
               base_file_url=settings.telegram_file_base_url,
               request=_request(CONNECTIONS), get_updates_request=_request(1))


def _request(connections: int) -> HTTPXRequest:
    # TCP_NODELAY: a request written in two pieces (headers, then a form body) otherwise
    # waits out the peer's delayed acknowledgement, 40 ms a message.
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=connections,
                            max_keepalive_connections=connections),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return HTTPXRequest(connection_pool_size=connections,
                        httpx_kwargs={"transport": transport})


class RejectedToken(Exception):
    """The Bot API refused the token. (python-telegram-bot's own error quotes the token; this
    one never does, in a log or a traceback.)"""


async def connect(settings: Settings) -> Bot:
    """The bot once getMe answered. While the Bot API is unreachable or failing, try again
    with a growing pause and say so; a rejected token raises RejectedToken at once."""
    bot = make_bot(settings)
    delay = 1.0
    while True:
        try:
            await bot.initialize()
            return bot
        except InvalidToken:
            raise RejectedToken() from None
        except NetworkError as exc:
            # The exception's text may carry the request URL, and with it the token.
            log.warning("the Bot API does not answer (%s); trying again in %.0f s",
                        type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, START_BACKOFF_MAX)


async def announce(app: App, bot: Bot) -> None:
    """What a starting Telegram bot does once: its command menu, its name, old records."""
    commands = [BotCommand(c, app.renderer.label(f"command.{c}")) for c in COMMANDS]
    await bot.set_my_commands(commands)

    def record() -> None:
        with writing(app.sessions) as session:
            session.merge(Setting(key="telegram.bot_username", value=bot.username))
            forget_old_events(session, app.clock)

    await asyncio.to_thread(record)
    log.info("running as @%s", bot.username)


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


@asynccontextmanager
async def running_bot(app: App, poll_timeout: float = 30.0) -> AsyncIterator[Poller]:
    """The Telegram bot polling inside the current event loop, reminders included."""
    bot = await connect(app.settings)
    transport = TelegramTransport(bot, app.settings.telegram_per_second)
    app.transports[CHANNEL] = transport
    await announce(app, bot)
    app.start_reminders()
    poller = Poller(app.turns, transport, poll_timeout)
    poller.task = asyncio.create_task(poller.run())
    try:
        yield poller
    finally:
        poller.task.cancel()
        await asyncio.gather(poller.task, return_exceptions=True)
        await poller.stop()
        await app.turns.drain()
        app.stop_reminders()
        app.transports.pop(CHANNEL, None)
        await bot.shutdown()


def without_token(settings: Settings, renderer: Renderer) -> bool:
    """True, having said so, when no token is configured."""
    if not settings.telegram_token:
        print(renderer.text("errors/no_token.j2"), file=sys.stderr)
    return not settings.telegram_token


def run_polling(settings: Settings) -> int:
    renderer = Renderer(settings.templates_dir)
    if without_token(settings, renderer):
        return 2
    app = build_app(settings)
    try:
        asyncio.run(_poll_until_stopped(app))
    except RejectedToken:
        print(renderer.text("errors/bad_token.j2"), file=sys.stderr)
        return 2
    except Conflict:
        print(renderer.text("errors/webhook_set.j2"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


async def _poll_until_stopped(app: App) -> None:
    """Poll until interrupted; a Conflict (a webhook is set) ends it."""
    async with running_bot(app) as poller:
        await poller.task


async def fetch_username(settings: Settings) -> str:
    bot = make_bot(settings)
    try:
        async with bot:
            return bot.username
    except (InvalidToken, NetworkError) as exc:
        log.error("getMe failed: %s", type(exc).__name__)
        raise InputError("no_bot_username") from None


def _seconds(delay) -> float:
    return delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
