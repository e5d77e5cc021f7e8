"""`caitien webhook set --channel zalo --url …` and `caitien webhook delete --channel zalo`:
Zalo posts to `/zalo/webhook` of `caitien serve` for the default bot and to
`/zalo/webhook/<key>` for each bot of the schools' pools, each with a secret only we and
Zalo know."""

from __future__ import annotations

import asyncio
import sys

from bot import logs
from bot.command_line import Context
from bot.config import Settings
from bot.webhooks import new_secret
from bot.zalo.adapter import CHANNEL
from bot.zalo.client import ZaloError
from bot.zalo.connection import ZaloRejected, connect
from bot.zalo.webhook import PATH, store_secret
from storage.school_bots import bot_tokens

CHANNEL_NAME = "Zalo"


def webhook_command(ctx: Context) -> int:
    args, settings, renderer, app = ctx.args, ctx.settings, ctx.renderer, ctx.app
    bots = _bots(app)
    if not bots:
        print(renderer.text("errors/no_zalo_token.j2"), file=sys.stderr)
        return 2
    try:
        if args.webhook_command == "set":
            url = webhook_url(args.url)
            if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                print(renderer.text("errors/webhook_https.j2", url=url, channel=CHANNEL_NAME),
                      file=sys.stderr)
                return 2
            for key, token in bots:
                secret = new_secret()
                # Stored first, so a serving process accepts Zalo's first delivery.
                store_secret(app.sessions, secret, key)
                asyncio.run(_call(settings, token, "set_webhook",
                                  url if key is None else f"{url}/{key}", secret))
            print(renderer.text("cli/webhook_set.j2", url=url, channel=CHANNEL_NAME))
        else:
            for key, token in bots:
                asyncio.run(_call(settings, token, "delete_webhook"))
                store_secret(app.sessions, None, key)
            print(renderer.text("cli/webhook_deleted.j2", channel=CHANNEL_NAME))
    except ZaloRejected:
        print(renderer.text("errors/zalo_bad_token.j2"), file=sys.stderr)
        return 2
    except ZaloError as exc:
        print(renderer.text("errors/webhook_refused.j2", reason=exc.description or exc.code,
                            channel=CHANNEL_NAME), file=sys.stderr)
        return 2
    return 0


def webhook_url(given: str) -> str:
    url = given.strip().rstrip("/")
    return url if url.endswith(PATH) else url + PATH


def _bots(app) -> list[tuple[str | None, str]]:
    """(key, token) of the default bot, if any, and of each bot of the schools' pools."""
    default = [(None, app.settings.zalo_token)] if app.settings.zalo_token else []
    with app.sessions() as session:
        pools = bot_tokens(session, CHANNEL)
    for token, _school in pools.values():
        logs.hide(token)
    return default + [(key, token) for key, (token, _school) in sorted(pools.items())]


async def _call(settings: Settings, token: str, method: str, *args: str) -> None:
    client = await connect(settings, patient=False, token=token)
    try:
        await getattr(client, method)(*args)
    finally:
        await client.close()
