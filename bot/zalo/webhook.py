"""Zalo by webhook: `POST /zalo/webhook`, for `caitien serve`.

As for Telegram: the secret Zalo sends back (X-Bot-Api-Secret-Token) is compared in
constant time before the body is read; 200 only once the turn committed, 503 when it did
not (the database stayed away), so the update comes again; a redelivered update (the same
event and message id) is answered again and applied once. Zalo posts the update either
wrapped as {"ok": true, "result": update} or bare: both are read."""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import Response

from bot.turns import Turns
from bot.webhooks import WebhookSecret, answered, read_capped
from bot.zalo.adapter import ZaloTransport, handle_incoming, to_incoming
from storage.db import writing
from storage.settings import forget_setting, put_setting, setting

log = logging.getLogger(__name__)

PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_SETTING = "zalo.webhook_secret"


def store_secret(sessions, secret: str | None) -> None:
    with writing(sessions) as session:
        if secret is None:
            forget_setting(session, SECRET_SETTING)
        else:
            put_setting(session, SECRET_SETTING, secret)


def load_secret(sessions) -> str:
    with sessions() as session:
        return setting(session, SECRET_SETTING) or ""


class ZaloWebhook:
    def __init__(self, sessions, turns: Turns, transport: ZaloTransport) -> None:
        self.turns = turns
        self.transport = transport
        self.secret = WebhookSecret(lambda: load_secret(sessions))

    async def __call__(self, request: Request) -> Response:
        if not await self.secret.accepts(request.headers.get(SECRET_HEADER, "")):
            return Response(status_code=403)
        body = await read_capped(request)
        if body is None:
            return Response(status_code=413)
        try:  # whatever the body holds (100,000 nested brackets, odd types): one 400
            incoming = to_incoming(unwrapped(json.loads(body)), self.transport.key)
        except Exception as exc:
            log.warning("malformed Zalo webhook body refused (%s)", type(exc).__name__)
            return Response(status_code=400)
        return await answered(handle_incoming(self.turns, self.transport, incoming))


def unwrapped(body: object) -> dict:
    if isinstance(body, dict) and isinstance(body.get("result"), dict) and "ok" in body:
        return body["result"]
    if isinstance(body, dict):
        return body
    raise ValueError("not an update")
