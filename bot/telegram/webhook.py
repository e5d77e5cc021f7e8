"""Telegram by webhook: `POST /telegram/webhook`, for `caitien serve`.

The secret Telegram sends back in a header is compared in constant time before the body is
read. The answer is 200 only once the update's turn committed; if it did not (the database
stayed away), 503, and Telegram sends the update again. A redelivered update is recognised
by its id and applied once."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import Response
from telegram import Update

from bot.telegram.adapter import TelegramTransport, handle_update
from bot.turns import Turns
from bot.webhooks import WebhookSecret, answered, read_capped
from storage.db import writing
from storage.models import SchoolBot
from storage.settings import forget_setting, put_setting, setting

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SETTING = "telegram.webhook_secret"


def store_secret(sessions, secret: str | None, key: str | None = None) -> None:
    """The webhook secret of the default bot, or of the school bot `key`."""
    with writing(sessions) as session:
        if key is not None:
            session.get(SchoolBot, key).webhook_secret = secret
        elif secret is None:
            forget_setting(session, SECRET_SETTING)
        else:
            put_setting(session, SECRET_SETTING, secret)


def load_secret(sessions, key: str | None = None) -> str:
    with sessions() as session:
        if key is not None:
            bot = session.get(SchoolBot, key)
            return (bot.webhook_secret or "") if bot else ""
        return setting(session, SECRET_SETTING) or ""


class TelegramWebhook:
    def __init__(self, sessions, turns: Turns, transport: TelegramTransport) -> None:
        self.sessions = sessions
        self.turns = turns
        self.transport = transport
        self.secret = WebhookSecret(lambda: load_secret(sessions, transport.key))

    async def __call__(self, request: Request) -> Response:
        if not await self.secret.accepts(request.headers.get(SECRET_HEADER, "")):
            return Response(status_code=403)
        body = await read_capped(request)
        if body is None:
            return Response(status_code=413)
        try:
            payload = json.loads(body)
        except ValueError:
            log.warning("malformed webhook body refused (not JSON)")
            return Response(status_code=400)
        try:
            update = Update.de_json(payload, self.transport.bot)
            if update is None:
                raise ValueError("empty update")
        except Exception as exc:
            if isinstance(payload, dict) and isinstance(payload.get("update_id"), int):
                # An update Telegram sent that cannot be read: taken and skipped, or
                # Telegram would offer it again and again, the updates behind it waiting.
                log.warning("Telegram update %s could not be read (%s); skipped",
                            payload["update_id"], type(exc).__name__)
                return Response(status_code=200)
            log.warning("malformed webhook body refused (%s)", type(exc).__name__)
            return Response(status_code=400)
        return await answered(handle_update(self.turns, self.transport, update))
