"""Every Telegram bot of one deployment: the default bot (TELEGRAM_BOT_TOKEN), serving the
schools that have none of their own, and the bots schools registered with `caitien school
bot`. Telegram's limits are per bot, so each has its own transport, and with it its own
limiter, in `app.transports` under its lane: one bot's 429s or busy second hold up no
other bot's replies and reminders."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import TelegramError

from bot import logs
from bot.bot_registry import CONNECT_WAIT, BotRegistry
from bot.telegram.adapter import CHANNEL, TelegramTransport
from bot.telegram.connection import RejectedToken, announce, connect, stop_menu_retries

log = logging.getLogger(__name__)


class TelegramBots(BotRegistry[TelegramTransport]):
    channel = CHANNEL

    async def start(self) -> None:
        """Connect the default bot (waiting out an unreachable Bot API; a refused token
        raises RejectedToken) and the schools' bots, and keep up with the schools' bots."""
        if self.app.settings.telegram_token:
            await self._add(None, self.app.settings.telegram_token)
        await self.refresh()
        self._keep_refreshing()

    async def stop(self) -> None:
        await stop_menu_retries()
        await self._stop_all()

    def _token_of(self, transport: TelegramTransport) -> str:
        return transport.bot.token

    async def _close(self, transport: TelegramTransport) -> None:
        await transport.close()

    async def _add_stored(self, key: str, token: str, school: str) -> None:
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
        self._added(key, transport)
        log.info("bot @%s connected%s", bot.username, "" if key is None else " (a school's)")
