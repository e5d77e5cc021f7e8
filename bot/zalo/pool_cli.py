"""`caitien school bot --school CODE --zalo-token …`: one more Zalo bot in the school's pool
(checked with getMe first). Zalo's Basic plan carries 50 people a bot (3 bots an account),
so a school of more adds bots; each person is linked through one with room
(handlers/bot_pool.py). `caitien school bot` lists the pool with each bot's users."""

from __future__ import annotations

import asyncio

from bot import logs
from bot.command_line import Context
from bot.config import Settings
from bot.zalo.adapter import CHANNEL
from bot.zalo.client import ZaloError
from bot.zalo.connection import ZaloRejected, connect
from core.errors import InputError
from storage.db import writing
from storage.school_bots import add_pool_bot, pool_of_school

CONNECT_WAIT = 30.0  # seconds: the CLI says Zalo cannot be reached rather than wait for ever


def add_zalo_bot(ctx: Context) -> int:
    app, settings = ctx.app, ctx.settings
    token = ctx.args.zalo_token.strip()
    logs.hide(token)
    key, name = asyncio.run(_check(settings, token))
    with writing(app.sessions) as session:
        school = ctx.school(session)
        add_pool_bot(session, school, CHANNEL, key, token, name, app.clock)
        pool = pool_of_school(session, school.id, CHANNEL, settings.zalo_users_per_bot,
                              default=bool(settings.zalo_token))
        code = school.code
    ctx.say("cli/zalo_bot_added.j2", school=code, name=name or key, bots=len(pool),
            limit=settings.zalo_users_per_bot, room=sum(b.limit for b in pool))
    return 0


def show_zalo_pool(ctx: Context) -> None:
    """The school's Zalo bots, each with its people; nothing when it has none."""
    app, settings = ctx.app, ctx.settings
    with app.sessions() as session:
        school = ctx.school(session)
        pool = pool_of_school(session, school.id, CHANNEL, settings.zalo_users_per_bot,
                              default=bool(settings.zalo_token))
        code = school.code
    if pool:
        rows = [{"name": b.name or b.key or "Zalo", "key": b.key, "users": b.users,
                 "limit": b.limit} for b in pool]
        ctx.say("cli/zalo_pool.j2", school=code, rows=rows)


async def _check(settings: Settings, token: str) -> tuple[str, str | None]:
    """The bot's key and the name people see, as getMe gives them."""
    try:
        client = await asyncio.wait_for(connect(settings, False, token), CONNECT_WAIT)
    except ZaloRejected:
        raise InputError("bad_zalo_school_token") from None
    except (asyncio.TimeoutError, ZaloError):
        raise InputError("no_zalo_network", url=settings.zalo_api_base_url) from None
    await client.close()
    if settings.zalo_token and settings.zalo_token.split(":")[0] == client.bot_id:
        raise InputError("zalo_bot_is_default", name=client.name or client.bot_id)
    return client.bot_id, client.name
