"""Connecting a Telegram bot: the client python-telegram-bot makes for it, getMe with
patience while the Bot API is away, and what a bot announces once connected. A rejected
token is RejectedToken, whose text never carries the token."""

from __future__ import annotations

import asyncio
import logging
import socket
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx
from telegram import Bot, BotCommand
from telegram.error import InvalidToken, NetworkError
from telegram.request import HTTPXRequest

from bot.app import App
from bot.config import Settings
from bot.telegram.adapter import COMMANDS
from core.errors import InputError
from storage.conversations import forget_old_events
from storage.db import writing
from storage.models import SchoolBot
from storage.settings import put_setting

log = logging.getLogger(__name__)

START_BACKOFF_MAX = 60.0


# Replies to many people go out at once: python-telegram-bot's default pool of one
# connection would queue them all behind each other.
CONNECTIONS = 64

USERNAME_SETTING = "telegram.bot_username"  # as the running bot last reported it


def make_bot(settings: Settings, token: str | None = None) -> Bot:
    return Bot(token or settings.telegram_token, base_url=settings.telegram_api_base_url,
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
    await bot.set_my_commands(commands)

    def record() -> None:
        with writing(app.sessions) as session:
            if key is None:
                put_setting(session, USERNAME_SETTING, bot.username)
                forget_old_events(session, app.clock)
            elif (school_bot := session.get(SchoolBot, key)) is not None:
                school_bot.username = bot.username

    await asyncio.to_thread(record)
    log.info("running as @%s", bot.username)


async def fetch_username(settings: Settings) -> str:
    bot = make_bot(settings)
    try:
        async with bot:
            return bot.username
    except (InvalidToken, NetworkError) as exc:
        log.error("getMe failed: %s", type(exc).__name__)
        raise InputError("no_bot_username") from None
