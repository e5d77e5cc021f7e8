"""Zalo by webhook: `POST /zalo/webhook` (the default bot) and `/zalo/webhook/<key>` (each
bot of a school's pool, with its own secret), for `caitien serve` — the way Zalo's documentation
recommends for production («để tránh bỏ lỡ event»).

The secret Zalo sends back (X-Bot-Api-Secret-Token) is compared in constant time before the
body is read. The update is then kept in the inbox and answered 200 at once, its turn run
from there (bot/webhooks.KeptUpdates): a photo from a slow image server keeps nobody
waiting. A redelivered update (the same sender and message id) is applied once. Zalo posts
the update either wrapped as {"ok": true, "result": update} or bare: both are read."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import Response

from bot.turns import Turns
from bot.webhooks import KeptUpdates, WebhookSecret, read_capped
from bot.zalo.adapter import ZaloTransport, handle_update, to_incoming
from storage.db import writing
from storage.models import SchoolBot
from storage.settings import forget_setting, put_setting, setting

log = logging.getLogger(__name__)

PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_SETTING = "zalo.webhook_secret"
LANE = "zalo-webhook"  # the inbox's rows of this webhook (polling keeps its own)


def store_secret(sessions, secret: str | None, key: str | None = None) -> None:
    """The webhook secret of the default bot, or of the pool's bot `key`."""
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


class ZaloWebhook:
    def __init__(self, sessions, turns: Turns, transport: ZaloTransport) -> None:
        self.transport = transport
        self.engine = turns.engine
        self.secret = WebhookSecret(lambda: load_secret(sessions, transport.key))
        self.kept = KeptUpdates(sessions, inbox_lane(transport.key),
                                lambda update, kept: handle_update(turns, transport, update,
                                                                   kept),
                                lambda update: _sender(update, transport.key))

    async def __call__(self, request: Request) -> Response:
        if not await self.secret.accepts(request.headers.get(SECRET_HEADER, "")):
            return Response(status_code=403)
        body = await read_capped(request)
        if body is None:
            return Response(status_code=413)
        try:  # whatever the body holds (100,000 nested brackets, odd types): one 400
            update = unwrapped(json.loads(body))
            incoming = to_incoming(update, self.transport.key)
        except Exception as exc:
            log.warning("malformed Zalo webhook body refused (%s)", type(exc).__name__)
            return Response(status_code=400)
        if incoming is None:  # not a person's message: nothing to do, nothing to resend
            return Response(status_code=200)
        if await self.engine.is_staff(incoming.channel, incoming.user_id):
            return await self.kept.take(update, incoming.user_id)
        return await self.kept.run_now(update)

    def start_sweeping(self) -> None:
        self.kept.start_sweeping()

    async def stop(self) -> None:
        await self.kept.stop()


def _sender(update: dict, key: str | None) -> str | None:
    incoming = to_incoming(update, key)
    return incoming.user_id if incoming is not None else None


def unwrapped(body: object) -> dict:
    if isinstance(body, dict) and isinstance(body.get("result"), dict) and "ok" in body:
        return body["result"]
    if isinstance(body, dict):
        return body
    raise ValueError("not an update")
