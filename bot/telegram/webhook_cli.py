"""`caitien webhook set --url …` and `caitien webhook delete`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram import Update
from telegram.error import TelegramError

from bot.app import build_app
from bot.config import Settings
from bot.telegram.polling import RejectedToken, connect, without_token
from bot.telegram.webhook import PATH, new_secret, store_secret
from templates.render import Renderer


def webhook_command(args: argparse.Namespace, settings: Settings) -> int:
    renderer = Renderer(settings.templates_dir)
    if without_token(settings, renderer):
        return 2
    app = build_app(settings)
    try:
        if args.webhook_command == "set":
            url = webhook_url(args.url)
            # Telegram posts to HTTPS only; a self-hosted Bot API server may use loopback.
            if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                print(renderer.text("errors/webhook_https.j2", url=url), file=sys.stderr)
                return 2
            secret = new_secret()
            # Stored first, so a serving process accepts Telegram's first delivery.
            store_secret(app.sessions, secret)
            asyncio.run(_set(settings, url, secret))
            print(renderer.text("cli/webhook_set.j2", url=url))
        else:
            asyncio.run(_delete(settings))
            store_secret(app.sessions, None)
            print(renderer.text("cli/webhook_deleted.j2"))
    except RejectedToken:
        print(renderer.text("errors/bad_token.j2"), file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(renderer.text("errors/webhook_refused.j2", reason=str(exc)), file=sys.stderr)
        return 2
    return 0


def webhook_url(given: str) -> str:
    """The address Telegram posts to: the public address of `caitien serve`, with our path
    added when it was given without."""
    url = given.strip().rstrip("/")
    return url if url.endswith(PATH) else url + PATH


async def _set(settings: Settings, url: str, secret: str) -> None:
    bot = await connect(settings)
    try:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    finally:
        await bot.shutdown()


async def _delete(settings: Settings) -> None:
    bot = await connect(settings)
    try:
        await bot.delete_webhook()
    finally:
        await bot.shutdown()
