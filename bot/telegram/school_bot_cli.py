"""`caitien school bot --school CODE --telegram-token …`: a school's own Telegram bot, so
its staff see the school's name in the chat and its messages count against its own
limits; `--remove` goes back to the deployment's default bot."""

from __future__ import annotations

import argparse
import asyncio

from bot.app import build_app
from bot.config import Settings
from bot.telegram.adapter import CHANNEL
from bot.telegram.connection import RejectedToken, connect
from core.errors import InputError
from storage.db import writing
from storage.schools import pick_school
from storage.school_bots import bot_of_school, give_school_bot, take_school_bot

CONNECT_WAIT = 30.0  # seconds: the CLI says the network is down rather than wait for ever


def school_bot_command(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    username = None
    if args.telegram_token:
        key, username = asyncio.run(_check(settings, args.telegram_token.strip()))
    with writing(app.sessions) as session:
        school = pick_school(session, args.school, app.clock)
        if args.telegram_token:
            give_school_bot(session, school, CHANNEL, key, args.telegram_token.strip(),
                            username, app.clock)
            template = "cli/school_bot_set.j2"
        elif args.remove:
            username = getattr(take_school_bot(session, school, CHANNEL), "username", None)
            template = "cli/school_bot_removed.j2"
        else:
            username = getattr(bot_of_school(session, school.id, CHANNEL), "username", None)
            template = "cli/school_bot_show.j2"
        code = school.code
    print(app.renderer.text(template, school=code, username=username))
    return 0


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
