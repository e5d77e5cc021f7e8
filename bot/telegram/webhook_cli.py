"""`caitien webhook set --url …` and `caitien webhook delete`: for the default bot and for
every school's own bot, each at its own path with its own secret."""

from __future__ import annotations

import asyncio
import sys

from telegram import Update
from telegram.error import TelegramError

from bot.app import App
from bot.command_line import Context
from bot.config import Settings
from bot.telegram.adapter import CHANNEL
from bot.telegram.connection import RejectedToken, connected
from bot.telegram.polling import without_token
from bot.telegram.webhook import PATH, store_secret
from bot.webhooks import new_secret
from storage.school_bots import bot_tokens
from templates.render import Renderer


def webhook_command(ctx: Context) -> int:
    args, settings, renderer, app = ctx.args, ctx.settings, ctx.renderer, ctx.app
    if without_token(app):
        return 2
    try:
        if args.webhook_command == "set":
            url = webhook_url(args.url)
            # Telegram posts to HTTPS only; a self-hosted Bot API server may use loopback.
            if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                print(renderer.text("errors/webhook_https.j2", url=url,
                                     channel="Telegram"), file=sys.stderr)
                return 2
            for key, token, school in _bots(app):
                secret = new_secret()
                # Stored first, so a serving process accepts Telegram's first delivery.
                store_secret(app.sessions, secret, key)
                _each(renderer, school, _set(settings, token,
                                             url if key is None else f"{url}/{key}", secret))
            print(renderer.text("cli/webhook_set.j2", url=url, channel="Telegram"))
        else:
            for key, token, school in _bots(app):
                _each(renderer, school, _delete(settings, token))
                store_secret(app.sessions, None, key)
            print(renderer.text("cli/webhook_deleted.j2", channel="Telegram"))
    except RejectedToken:
        print(renderer.text("errors/bad_token.j2"), file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(renderer.text("errors/webhook_refused.j2", reason=str(exc),
                                     channel="Telegram"), file=sys.stderr)
        return 2
    return 0


def webhook_url(given: str) -> str:
    """The address Telegram posts to: the public address of `caitien serve`, with our path
    added when it was given without."""
    url = given.strip().rstrip("/")
    return url if url.endswith(PATH) else url + PATH


def _each(renderer: Renderer, school: str | None, call) -> None:
    """One bot's call; a school bot whose token Telegram refuses is named and skipped, the
    default bot's stops the command."""
    try:
        asyncio.run(call)
    except RejectedToken:
        if school is None:
            raise
        print(renderer.text("errors/school_bot_refused.j2", school=school), file=sys.stderr)


def _bots(app: App) -> list[tuple[str | None, str, str | None]]:
    """(key, token, school code) of the default bot, if any, and of each school's own."""
    default = ([(None, app.settings.telegram_token, None)] if app.settings.telegram_token
               else [])
    with app.sessions() as session:
        return default + [(key, token, school) for key, (token, school)
                          in sorted(bot_tokens(session, CHANNEL).items())]


async def _set(settings: Settings, token: str, url: str, secret: str) -> None:
    async with connected(settings, token) as bot:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)


async def _delete(settings: Settings, token: str) -> None:
    async with connected(settings, token) as bot:
        await bot.delete_webhook()
