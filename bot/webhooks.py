"""What every channel's webhook does alike: check the secret the channel sends back, in
constant time, before reading the body; read no more than an update can be."""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from typing import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from bot.turns import NotHandled

MAX_BODY = 256 * 1024  # an update is a few kilobytes; anything near this is not one
ANSWER_WAIT = 10.0  # seconds a webhook waits for the replies to go before it confirms
RELOAD_SECRET_AFTER = 5.0  # seconds: a secret set by `caitien webhook set` is seen this soon


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 43 characters of A-Z, a-z, 0-9, _ and -


class WebhookSecret:
    """The secret as stored (`load` reads it); a wrong one makes it read again, at most
    every few seconds, so a secret just set is accepted without a restart."""

    def __init__(self, load: Callable[[], str]) -> None:
        self._load = load
        self._secret = ""
        self._loaded_at = float("-inf")

    async def accepts(self, given: str) -> bool:
        if not self._matches(given) and time.monotonic() - self._loaded_at > RELOAD_SECRET_AFTER:
            self._secret = await asyncio.to_thread(self._load)
            self._loaded_at = time.monotonic()
        return self._matches(given)

    def _matches(self, given: str) -> bool:
        return bool(self._secret) and hmac.compare_digest(given.encode(), self._secret.encode())


async def read_capped(request: Request) -> bytes | None:
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


async def answered(turn: Awaitable[asyncio.Task | None]) -> Response:
    """200 once the update's turn committed and its replies went out (or ANSWER_WAIT
    passed: the sending goes on, but the channel must not give up on us while one chat
    waits out its limit); 503 when it did not commit, so the channel sends it again."""
    try:
        sending = await turn
    except NotHandled:
        return Response(status_code=503)
    if sending is not None:
        await asyncio.wait([sending], timeout=ANSWER_WAIT)
    return Response(status_code=200)
