"""`caitien school bot --school CODE --telegram-token …`: a school's own Telegram bot, so
its staff see the school's name in the chat and its messages count against its own
limits; `--remove` goes back to the deployment's default bot."""

from __future__ import annotations

import asyncio

from telegram.error import TelegramError

from bot import logs
from bot.command_line import Context
from bot.config import Settings
from bot.telegram.adapter import CHANNEL
from bot.telegram.connection import RejectedToken, connect
from core.errors import InputError
from storage.db import writing
from storage.school_bots import bot_of_school, give_school_bot, take_school_bot

CONNECT_WAIT = 30.0  # seconds: the CLI says the network is down rather than wait for ever


def school_bot_command(ctx: Context) -> int:
    args, app, settings = ctx.args, ctx.app, ctx.settings
    token = (args.telegram_token or "").strip()
    logs.hide(token)
    username = None
    if token:
        key, username = asyncio.run(_check(settings, token))
    with writing(app.sessions) as session:
        school = ctx.school(session)
        old = bot_of_school(session, school.id, CHANNEL)
        old_token = old.token if old is not None else None
        if token:
            give_school_bot(session, school, CHANNEL, key, token, username, app.clock)
            template = "cli/school_bot_set.j2"
        elif args.remove:
            username = getattr(take_school_bot(session, school, CHANNEL), "username", None)
            template = "cli/school_bot_removed.j2"
        else:
            username = getattr(old, "username", None)
            template = "cli/school_bot_show.j2"
        code = school.code
    if old_token and (args.remove or token) and old_token.split(":")[0] != token.split(":")[0]:
        asyncio.run(_let_go(settings, old_token))
    ctx.say(template, school=code, username=username)
    return 0


async def _let_go(settings: Settings, token: str) -> None:
    """The bot the school no longer uses stops sending us its updates, if Telegram still
    takes its token; nobody serves its webhook path any more."""
    try:
        bot = await asyncio.wait_for(connect(settings, token), CONNECT_WAIT)
    except (RejectedToken, asyncio.TimeoutError):
        return
    try:
        await bot.delete_webhook()
    except TelegramError:
        pass
    finally:
        await bot.shutdown()


async def _check(settings: Settings, token: str) -> tuple[str, str]:
    """The bot's key and username, as getMe gives them."""
    try:
        bot = await asyncio.wait_for(connect(settings, token), CONNECT_WAIT)
    except RejectedToken:
        raise InputError("bad_school_token") from None
    except asyncio.TimeoutError:
        raise InputError("no_network", url=settings.telegram_api_base_url) from None
    try:
        if settings.telegram_token and settings.telegram_token.split(":")[0] == str(bot.id):
            raise InputError("bot_is_default", username=bot.username)
        return str(bot.id), bot.username
    finally:
        await bot.shutdown()
