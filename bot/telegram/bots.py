"""Every Telegram bot of one deployment: the default bot (TELEGRAM_BOT_TOKEN), serving the
schools that have none of their own, and the bots schools registered with `caitien school
bot`. Telegram's limits are per bot, so each has its own transport, and with it its own
limiter, in `app.transports` under its lane: one bot's 429s or busy second hold up no
other bot's replies and reminders."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from telegram.error import TelegramError

from bot import logs
from bot.app import App
from bot.telegram.adapter import CHANNEL, TelegramTransport
from bot.telegram.connection import RejectedToken, announce, connect, stop_menu_retries
from reminders.sender import lane
from storage.school_bots import bot_tokens

log = logging.getLogger(__name__)

REFRESH_EVERY = 60.0  # seconds: a bot added or removed with the CLI is picked up this soon
LOOK_AGAIN_AFTER = 5.0  # seconds between lookups for a webhook path of a bot not yet known
CONNECT_WAIT = 30.0  # seconds a school bot may take to connect before the next refresh


class TelegramBots:
    def __init__(self, app: App,
                 on_added: Callable[[TelegramTransport], None] | None = None,
                 on_dropped: Callable[[TelegramTransport], None] | None = None) -> None:
        self.app = app
        self.on_added = on_added
        self.on_dropped = on_dropped
        self.connected: dict[str | None, TelegramTransport] = {}
        self._refused: dict[str, str] = {}  # key → the token Telegram refused
        self._looked_at = float("-inf")
        self._lock = asyncio.Lock()
        self._refreshing: asyncio.Task | None = None

    async def start(self) -> None:
        """Connect the default bot (waiting out an unreachable Bot API; a refused token
        raises RejectedToken) and the schools' bots, and keep up with the schools' bots."""
        if self.app.settings.telegram_token:
            await self._add(None, self.app.settings.telegram_token)
        await self.refresh()
        self._refreshing = asyncio.create_task(self._keep_fresh())

    async def stop(self) -> None:
        if self._refreshing is not None:
            self._refreshing.cancel()
            await asyncio.gather(self._refreshing, return_exceptions=True)
        await stop_menu_retries()
        for key in list(self.connected):
            await self._drop(key)

    def get(self, key: str | None) -> TelegramTransport | None:
        return self.connected.get(key)

    async def find(self, key: str | None) -> TelegramTransport | None:
        """The bot, looking in the database when it is not known here yet (a school bot
        added while this process ran): at most every few seconds, whoever asks, and never
        while a lookup is under way."""
        if (key not in self.connected and not self._lock.locked()
                and time.monotonic() - self._looked_at > LOOK_AGAIN_AFTER):
            self._looked_at = time.monotonic()
            await self.refresh()
        return self.connected.get(key)

    async def refresh(self) -> None:
        """Connect the school bots added since, let go of those removed or whose token
        changed."""
        async with self._lock:
            self._looked_at = time.monotonic()
            stored = await asyncio.to_thread(self._stored)
            for key, transport in list(self.connected.items()):
                if key is not None and stored.get(key, (None,))[0] != transport.bot.token:
                    await self._drop(key)
            for key, (token, school) in stored.items():
                if key not in self.connected and self._refused.get(key) != token:
                    await self._add_school_bot(key, token, school)

    def _stored(self) -> dict[str, tuple[str, str]]:
        with self.app.sessions() as session:
            return bot_tokens(session, CHANNEL)

    async def _add_school_bot(self, key: str, token: str, school: str) -> None:
        logs.hide(token)
        try:
            await asyncio.wait_for(self._add(key, token), CONNECT_WAIT)
        except RejectedToken:
            self._refused[key] = token
            log.error("Telegram refused the token of school %s's bot %s; that school is "
                      "not reachable until `caitien school bot` gives it a good one",
                      school, key)
        except (asyncio.TimeoutError, TelegramError) as exc:
            log.warning("school %s's bot %s did not connect (%s); trying again later", school,
                        key, type(exc).__name__)

    async def _add(self, key: str | None, token: str) -> None:
        bot = await connect(self.app.settings, token)
        try:
            await announce(self.app, bot, key)
        except BaseException:
            await bot.shutdown()
            raise
        transport = TelegramTransport(bot, self.app.settings.telegram_per_second, key)
        self.connected[key] = transport
        self.app.transports[lane(CHANNEL, key)] = transport
        log.info("bot @%s connected%s", bot.username, "" if key is None else " (a school's)")
        if self.on_added is not None:
            self.on_added(transport)

    async def _drop(self, key: str | None) -> None:
        transport = self.connected.pop(key)
        self.app.transports.pop(lane(CHANNEL, key), None)
        if self.on_dropped is not None:
            self.on_dropped(transport)
        await transport.bot.shutdown()

    async def _keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY)
            try:
                await self.refresh()
            except Exception:  # the database away for a moment: next time
                log.exception("looking for new school bots failed")
