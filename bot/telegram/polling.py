"""Running the bot: long polling for `caitien run`, and in-process for the demo and tests."""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager
from typing import AsyncIterator

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.adapter import build_application
from templates.render import Renderer

log = logging.getLogger(__name__)


def run_polling(settings: Settings) -> int:
    renderer = Renderer(settings.templates_dir)
    if not settings.telegram_token:
        print(renderer.text("errors/no_token.j2"), file=sys.stderr)
        return 2
    app = build_app(settings)
    application = build_application(app)
    # run_polling runs on, and then closes, the current event loop: give it its own.
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(renderer.text("errors/bad_token.j2"), file=sys.stderr)
        return 2
    except NetworkError as exc:
        log.debug("start-up failed", exc_info=exc)
        print(renderer.text("errors/no_network.j2", url=settings.telegram_api_base_url),
              file=sys.stderr)
        return 2
    return 0


@asynccontextmanager
async def running_bot(app: App, poll_timeout: float = 1.0) -> AsyncIterator[None]:
    """The same application `run` builds, polling inside the current event loop."""
    application = build_application(app)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout,
                                            allowed_updates=Update.ALL_TYPES)
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()


async def fetch_username(settings: Settings) -> str:
    bot = Bot(settings.telegram_token, base_url=settings.telegram_api_base_url,
              base_file_url=settings.telegram_file_base_url)
    try:
        async with bot:
            return bot.username
    except (InvalidToken, NetworkError) as exc:
        log.error("getMe failed: %s", exc)
        from core.errors import InputError

        raise InputError("no_bot_username") from exc
