"""Telegram by webhook: `POST /telegram/webhook`, for `caitien serve`.

The secret Telegram sends back in a header is compared in constant time before the body is
read. The answer is 200 only once the update's turn committed; if it did not (the database
stayed away), 503, and Telegram sends the update again. A redelivered update is recognised
by its id and applied once."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import time

from starlette.requests import Request
from starlette.responses import Response
from telegram import Update

from bot.telegram.adapter import TelegramTransport, handle_update
from bot.turns import NotHandled, Turns
from storage.db import writing
from storage.models import SchoolBot, Setting
from storage.settings import put_setting

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SETTING = "telegram.webhook_secret"
MAX_BODY = 256 * 1024  # an update is a few kilobytes; anything near this is not one
ANSWER_WAIT = 10.0  # seconds the webhook waits for the replies to go before it confirms
RELOAD_SECRET_AFTER = 5.0  # seconds: a secret set by `caitien webhook set` is seen this soon


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 43 characters of A-Z, a-z, 0-9, _ and -


def store_secret(sessions, secret: str | None, key: str | None = None) -> None:
    """The webhook secret of the default bot, or of the school bot `key`."""
    with writing(sessions) as session:
        if key is not None:
            session.get(SchoolBot, key).webhook_secret = secret
        elif secret is None:
            row = session.get(Setting, SECRET_SETTING)
            if row is not None:
                session.delete(row)
        else:
            put_setting(session, SECRET_SETTING, secret)


def load_secret(sessions, key: str | None = None) -> str:
    with sessions() as session:
        if key is not None:
            bot = session.get(SchoolBot, key)
            return (bot.webhook_secret or "") if bot else ""
        row = session.get(Setting, SECRET_SETTING)
        return row.value if row else ""


class TelegramWebhook:
    def __init__(self, sessions, turns: Turns, transport: TelegramTransport) -> None:
        self.sessions = sessions
        self.turns = turns
        self.transport = transport
        self._secret = ""
        self._loaded_at = float("-inf")

    async def __call__(self, request: Request) -> Response:
        if not await self._authentic(request.headers.get(SECRET_HEADER, "")):
            return Response(status_code=403)
        body = await _read_capped(request)
        if body is None:
            return Response(status_code=413)
        try:
            update = Update.de_json(json.loads(body), self.transport.bot)
            if update is None:
                raise ValueError("empty update")
        except Exception as exc:
            log.warning("malformed webhook body refused (%s)", type(exc).__name__)
            return Response(status_code=400)
        try:
            sending = await handle_update(self.turns, self.transport, update)
        except NotHandled:
            return Response(status_code=503)
        if sending is not None:
            # Answered before confirming, as with polling; but not so long that Telegram
            # gives up on us while one chat waits out its limit (the sending goes on).
            await asyncio.wait([sending], timeout=ANSWER_WAIT)
        return Response(status_code=200)

    async def _authentic(self, given: str) -> bool:
        if not self._matches(given) and time.monotonic() - self._loaded_at > RELOAD_SECRET_AFTER:
            self._secret = await asyncio.to_thread(load_secret, self.sessions,
                                                   self.transport.key)
            self._loaded_at = time.monotonic()
        return self._matches(given)

    def _matches(self, given: str) -> bool:
        return bool(self._secret) and hmac.compare_digest(given.encode(), self._secret.encode())


async def _read_capped(request: Request) -> bytes | None:
    """The body, or None when it is over MAX_BODY (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)
