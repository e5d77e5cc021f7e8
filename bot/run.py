"""`caitien run`: every channel that has a token, by polling (no public address needed),
in one process and one database; reminders go out through them all."""

from __future__ import annotations

import asyncio
import sys
from contextlib import AsyncExitStack

from telegram.error import Conflict

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.connection import RejectedToken
from bot.telegram.polling import has_bots, running_bot
from bot.zalo.connection import ZaloRejected, has_zalo_bots
from bot.zalo.polling import WebhookActive, running_zalo

# What ends a run, and the sentence that says why.
FAILURES = {RejectedToken: "errors/bad_token.j2", Conflict: "errors/webhook_set.j2",
            ZaloRejected: "errors/zalo_bad_token.j2",
            WebhookActive: "errors/zalo_webhook_set.j2"}


def run(settings: Settings) -> int:
    app = build_app(settings)
    telegram, zalo = has_bots(app), has_zalo_bots(app)
    if not (telegram or zalo):
        print(app.renderer.text("errors/no_token.j2"), file=sys.stderr)
        return 2
    try:
        asyncio.run(_run_until_stopped(app, telegram, zalo))
    except tuple(FAILURES) as exc:
        print(app.renderer.text(_sentence(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def _sentence(failure: Exception) -> str:
    """Telegram's Conflict says which: a webhook is set, or another process polls the same
    bot («terminated by other getUpdates request»)."""
    if isinstance(failure, Conflict) and "getupdates request" in str(failure).lower():
        return "errors/another_run.j2"
    return FAILURES[type(failure)]


async def _run_until_stopped(app: App, telegram: bool, zalo: bool) -> None:
    """Until interrupted, or until a channel fails for good (its first failure is raised)."""
    async with AsyncExitStack() as stack:
        ending: list[asyncio.Future] = []
        if telegram:
            ending.append((await stack.enter_async_context(running_bot(app))).failed)
        if zalo:
            ending.append(await stack.enter_async_context(running_zalo(app)))
        done, _ = await asyncio.wait(ending, return_when=asyncio.FIRST_COMPLETED)
        done.pop().result()
