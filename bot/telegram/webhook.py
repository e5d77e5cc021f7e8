"""Telegram by webhook: `POST /telegram/webhook`, for `caitien serve`.

The secret Telegram sends back in a header is compared in constant time before the body is
read. The update is then kept in the inbox and answered 200 at once, its turn run from
there (bot/webhooks.KeptUpdates); 503 only when it could not be kept, and Telegram sends it
again. A redelivered update is recognised by its id and applied once."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from telegram import Update

from bot.telegram.adapter import CHANNEL, TelegramTransport, handle_update, press_answer
from bot.turns import Turns
from bot.webhooks import KeptUpdates, WebhookSecret, read_capped
from storage.db import writing
from storage.models import SchoolBot
from storage.settings import forget_setting, put_setting, setting

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SETTING = "telegram.webhook_secret"
LANE = "telegram-webhook"  # the inbox's rows of the default bot's webhook


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


def inbox_lane(key: str | None) -> str:
    """The inbox's rows of one bot's webhook."""
    return LANE if key is None else f"{LANE}:{key}"


class TelegramWebhook:
    def __init__(self, sessions, turns: Turns, transport: TelegramTransport) -> None:
        self.transport = transport
        self.engine = turns.engine
        self.secret = WebhookSecret(lambda: load_secret(sessions, transport.key))
        bot = transport.bot
        self.kept = KeptUpdates(
            sessions, inbox_lane(transport.key),
            lambda payload, kept: handle_update(turns, transport, Update.de_json(payload, bot),
                                                kept, pressed_answered=True),
            lambda payload: _sender(payload, bot))

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
        user = update.effective_user
        if user is None:  # nobody's message: nothing to do or resend
            return Response(status_code=200)
        if await self.engine.is_staff(CHANNEL, str(user.id)):
            answer = await self.kept.take(payload, str(user.id))
        else:
            answer = await self.kept.run_now(payload)
        carried = press_answer(update)
        if answer.status_code != 200 or carried is None:
            return answer
        return JSONResponse(carried)

    def start_sweeping(self) -> None:
        self.kept.start_sweeping()

    async def stop(self) -> None:
        await self.kept.stop()


def _sender(payload: dict, bot) -> str | None:
    user = Update.de_json(payload, bot).effective_user
    return str(user.id) if user is not None else None
