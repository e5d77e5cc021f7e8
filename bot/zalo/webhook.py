"""Zalo by webhook: `POST /zalo/webhook` (the default bot) and `/zalo/webhook/<key>` (each
bot of a school's pool, with its own secret), for `caitien serve` — the way Zalo's documentation
recommends for production («để tránh bỏ lỡ event»).

The secret Zalo sends back (X-Bot-Api-Secret-Token) is compared in constant time before the
body is read. The update is then kept in the inbox in one short transaction and answered
200 at once, whatever its turn costs (a photo from a slow image server, a busy database):
503 only when it could not be kept, so Zalo sends it again. The turn runs from the inbox,
claimed by this replica for CLAIM_SECONDS; an update whose claim ran out (its replica died,
or the database was away for its turn) is taken by whichever replica sweeps first. A
redelivered update (the same sender and message id) is applied once. Zalo posts the update
either wrapped as {"ok": true, "result": update} or bare: both are read."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response

from bot.turns import NotHandled, Turns
from bot.webhooks import WebhookSecret, read_capped
from bot.zalo.adapter import ZaloTransport, handle_update, to_incoming
from storage.db import writing
from storage.inbox import claim_abandoned, earlier_updates, forget_update, keep_claimed
from storage.models import SchoolBot
from storage.settings import forget_setting, put_setting, setting

log = logging.getLogger(__name__)

PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SECRET_SETTING = "zalo.webhook_secret"
LANE = "zalo-webhook"  # the inbox's rows of this webhook (polling keeps its own)
CLAIM_SECONDS = 120.0  # a turn not done by then is taken by another replica
SWEEP_SECONDS = 10.0  # how often a replica looks for updates whose claim ran out
MAX_RUNNING = 200  # updates handled at once; the others wait their turn, already kept
ORDER_WAIT = 0.05  # seconds between looks at whether a person's earlier message is done


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
        self.sessions = sessions
        self.turns = turns
        self.transport = transport
        self.secret = WebhookSecret(lambda: load_secret(sessions, transport.key))
        self.lane = inbox_lane(transport.key)
        self._running: set[asyncio.Task] = set()
        self._room = asyncio.Semaphore(MAX_RUNNING)
        self._sweeping: asyncio.Task | None = None

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
        try:
            row_id = await asyncio.to_thread(self._keep, update)
        except DBAPIError:
            return Response(status_code=503)  # not kept: Zalo sends it again
        self._start(row_id, update)
        return Response(status_code=200)

    def start_sweeping(self) -> None:
        self._sweeping = asyncio.create_task(self._sweep())

    async def stop(self) -> None:
        """No more sweeping; the turns under way may finish (one cut off is swept later)."""
        if self._sweeping is not None:
            self._sweeping.cancel()
            await asyncio.gather(self._sweeping, return_exceptions=True)
        if self._running:
            await asyncio.wait(self._running, timeout=10)

    def _start(self, row_id: int, update: dict) -> None:
        task = asyncio.create_task(self._handle(row_id, update))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _handle(self, row_id: int, update: dict) -> None:
        try:
            await self._after_earlier(row_id, update)
        except DBAPIError:
            return  # kept, and taken again once its claim runs out
        async with self._room:  # a burst of posts is kept at once, handled so many at a time
            try:
                sending = await handle_update(self.turns, self.transport, update)
                if sending is not None:
                    await sending
                await asyncio.to_thread(self._forget, row_id)
            except (NotHandled, DBAPIError):
                pass  # kept, and taken again once its claim runs out

    async def _after_earlier(self, row_id: int, update: dict) -> None:
        """One person's messages in the order they came, whichever replica took each: this
        one waits while an earlier one of theirs is still in the inbox (being handled, or
        waiting for its claim to run out)."""
        sender = _sender(update, self.transport.key)
        while await asyncio.to_thread(self._earlier_of, row_id, sender):
            await asyncio.sleep(ORDER_WAIT)

    def _earlier_of(self, row_id: int, sender: str | None) -> bool:
        with self.sessions() as session:
            return any(_sender(u, self.transport.key) == sender
                       for u in earlier_updates(session, self.lane, row_id))

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                found = await asyncio.to_thread(self._abandoned)
            except DBAPIError:
                continue
            for row_id, update in found:
                self._start(row_id, update)

    def _keep(self, update: dict) -> int:
        now = _wall()
        with writing(self.sessions) as session:
            return keep_claimed(session, self.lane, update, now, now + timedelta(
                seconds=CLAIM_SECONDS))

    def _abandoned(self) -> list[tuple[int, dict]]:
        now = _wall()
        with writing(self.sessions) as session:
            return claim_abandoned(session, self.lane, now,
                                   now + timedelta(seconds=CLAIM_SECONDS))

    def _forget(self, row_id: int) -> None:
        with writing(self.sessions) as session:
            forget_update(session, row_id)


def _sender(update: dict, key: str | None) -> str | None:
    incoming = to_incoming(update, key)
    return incoming.user_id if incoming is not None else None


def _wall() -> datetime:
    """Claims are about processes, not the school's calendar: wall time, never the app's
    (possibly shifted) clock."""
    return datetime.now(timezone.utc)


def unwrapped(body: object) -> dict:
    if isinstance(body, dict) and isinstance(body.get("result"), dict) and "ok" in body:
        return body["result"]
    if isinstance(body, dict):
        return body
    raise ValueError("not an update")
