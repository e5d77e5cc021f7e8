"""Connecting a Telegram bot: the client python-telegram-bot makes for it, getMe with
patience while the Bot API is away, and what a bot announces once connected. A rejected
token is RejectedToken, whose text never carries the token."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.app import App
from bot.config import Settings
from bot.pools import SpreadTransport
from bot.telegram.adapter import COMMANDS
from core.errors import InputError
from storage.conversations import forget_old_events
from storage.db import writing
from storage.models import SchoolBot
from storage.settings import put_setting

log = logging.getLogger(__name__)

START_BACKOFF_MAX = 60.0
MENU_RETRIES = (60.0, 300.0, 900.0, 3600.0)  # a refused command menu is tried again later
_menu_retries: set[asyncio.Task] = set()


# Replies to many people go out at once: python-telegram-bot's default pool of one
# connection would queue them all behind each other. Sixteen (as small pools: bot/pools.py)
# carry about 64 calls a second at Telegram's 250 ms round trip, twice the 30 messages a
# second Telegram lets one bot send.
CONNECTIONS = 16

USERNAME_SETTING = "telegram.bot_username"  # as the running bot last reported it


class PollingBot(Bot):
    """python-telegram-bot's Bot, and the updates as the Bot API sent them: its get_updates
    reads the whole batch into objects and fails all of it (at every poll after, and logging
    what people wrote) when one update cannot be read."""

    async def get_update_dicts(self, offset: int | None, timeout: float) -> list[dict]:
        data = {"timeout": timeout, "allowed_updates": Update.ALL_TYPES}
        if offset:
            data["offset"] = offset
        found = await self._post("getUpdates", data, read_timeout=timeout + 10)
        return [u for u in found or [] if isinstance(u, dict)
                and isinstance(u.get("update_id"), int)]


def make_bot(settings: Settings, token: str | None = None) -> PollingBot:
    return PollingBot(token or settings.telegram_token, base_url=settings.telegram_api_base_url,
               base_file_url=settings.telegram_file_base_url,
               request=_request(CONNECTIONS), get_updates_request=_request(1))


def _request(connections: int) -> HTTPXRequest:
    return HTTPXRequest(connection_pool_size=connections,
                        httpx_kwargs={"transport": SpreadTransport(connections)})


class RejectedToken(Exception):
    """The Bot API refused the token. (python-telegram-bot's own error quotes the token; this
    one never does, in a log or a traceback.)"""


async def connect(settings: Settings, token: str | None = None) -> Bot:
    """The bot (the default one, or the one of `token`) once getMe answered. While the Bot
    API is unreachable or failing, try again with a growing pause and say so; a rejected
    token raises RejectedToken at once."""
    bot = make_bot(settings, token)
    delay = 1.0
    try:
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
    except BaseException:  # given up on (refused, cancelled): its connections are closed
        await bot.request.shutdown()  # what getMe opened (shutdown() skips a bot never up)
        raise


@asynccontextmanager
async def connected(settings: Settings, token: str | None = None) -> AsyncIterator[Bot]:
    """A bot for one errand (the CLI's): connected, then shut down whatever happens."""
    bot = await connect(settings, token)
    try:
        yield bot
    finally:
        await bot.shutdown()


async def announce(app: App, bot: Bot, key: str | None = None) -> None:
    """What a starting Telegram bot does once: its command menu, its name (the default
    bot's, or a school bot's), old records."""
    commands = [BotCommand(c, app.renderer.label(f"command.{c}")) for c in COMMANDS]
    if not await _set_menu(bot, commands):
        task = asyncio.create_task(_menu_later(bot, commands))
        _menu_retries.add(task)
        task.add_done_callback(_menu_retries.discard)

    def record() -> None:
        with writing(app.sessions) as session:
            if key is None:
                put_setting(session, USERNAME_SETTING, bot.username)
                forget_old_events(session, app.clock)
            elif (school_bot := session.get(SchoolBot, key)) is not None:
                school_bot.username = bot.username

    await asyncio.to_thread(record)
    log.info("running as @%s", bot.username)


async def _set_menu(bot: Bot, commands: list[BotCommand]) -> bool:
    """The command menu is a convenience: the bot runs without it (a 5xx, a 429 after many
    restarts, a 400 are logged, never fatal)."""
    try:
        await bot.set_my_commands(commands)
        return True
    except TelegramError as exc:
        log.warning("the command menu was not set (%s: %s)", type(exc).__name__, exc)
        return False


async def _menu_later(bot: Bot, commands: list[BotCommand]) -> None:
    for wait in MENU_RETRIES:
        await asyncio.sleep(wait)
        if await _set_menu(bot, commands):
            return


async def stop_menu_retries() -> None:
    """The bots are going: menus not set yet stay unset until the next start."""
    for task in list(_menu_retries):
        task.cancel()
    await asyncio.gather(*_menu_retries, return_exceptions=True)


async def fetch_username(settings: Settings) -> str:
    bot = make_bot(settings)
    try:
        async with bot:
            return bot.username
    except (InvalidToken, NetworkError) as exc:
        log.error("getMe failed: %s", type(exc).__name__)
        raise InputError("no_bot_username") from None
