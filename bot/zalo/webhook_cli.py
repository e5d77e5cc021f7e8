"""`caitien webhook set --channel zalo --url …` and `caitien webhook delete --channel zalo`:
Zalo posts to `/zalo/webhook` of `caitien serve`, with a secret only we and Zalo know."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import build_app
from bot.config import Settings
from bot.webhooks import new_secret
from bot.zalo.client import ZaloError
from bot.zalo.connection import ZaloRejected, connect
from bot.zalo.webhook import PATH, store_secret
from templates.render import Renderer

CHANNEL_NAME = "Zalo"


def webhook_command(args: argparse.Namespace, settings: Settings) -> int:
    renderer = Renderer(settings.templates_dir)
    if not settings.zalo_token:
        print(renderer.text("errors/no_zalo_token.j2"), file=sys.stderr)
        return 2
    app = build_app(settings)
    try:
        if args.webhook_command == "set":
            url = webhook_url(args.url)
            if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                print(renderer.text("errors/webhook_https.j2", url=url, channel=CHANNEL_NAME),
                      file=sys.stderr)
                return 2
            secret = new_secret()
            # Stored first, so a serving process accepts Zalo's first delivery.
            store_secret(app.sessions, secret)
            asyncio.run(_call(settings, "set_webhook", url, secret))
            print(renderer.text("cli/webhook_set.j2", url=url, channel=CHANNEL_NAME))
        else:
            asyncio.run(_call(settings, "delete_webhook"))
            store_secret(app.sessions, None)
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


async def _call(settings: Settings, method: str, *args: str) -> None:
    client = await connect(settings, patient=False)
    try:
        await getattr(client, method)(*args)
    finally:
        await client.close()
