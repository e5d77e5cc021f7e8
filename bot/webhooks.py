"""What every channel's webhook does alike: check the secret the channel sends back, in
constant time, before reading the body; read no more than an update can be; keep the update
in the inbox before saying 200, then run its turn from there (KeptUpdates)."""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response

from bot.turns import NotHandled
from storage.db import writing
from storage.inbox import claim_abandoned, earlier_ids, forget_update, keep_claimed, payloads_of

MAX_BODY = 256 * 1024  # an update is a few kilobytes; anything near this is not one
RELOAD_SECRET_AFTER = 5.0  # seconds: a secret set by `caitien webhook set` is seen this soon
CLAIM_SECONDS = 120.0  # a turn not done by then is taken by another replica
SWEEP_SECONDS = 10.0  # how often a replica looks for updates whose claim ran out
MAX_RUNNING = 200  # updates handled at once; the others wait their turn, already kept
ANSWER_WAIT = 10.0  # seconds a stranger's update waits for its replies before the 200
ORDER_WAIT = 0.05  # seconds between looks at whether a person's earlier message is done


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


Handle = Callable[[dict, int | None], Awaitable[asyncio.Task | None]]
"""Runs an update's turn; returns once it committed, with the task sending its replies,
which forgets the update's inbox row (the int) as it records the turn answered."""


class KeptUpdates:
    """A webhook's updates of staff from the moment they are acknowledged until answered.

    Each is kept in the inbox in one short transaction before the channel gets its 200,
    whatever its turn will cost (a photo from a slow server, a busy moment); the turn runs
    from the inbox, claimed by this replica for CLAIM_SECONDS. One whose claim ran out (its
    replica died, or the database was away for its turn) is taken by whichever replica
    sweeps first. One person's updates are handled in the order they came, whichever
    replica took each; a redelivered update is applied once (the engine knows its id)."""

    def __init__(self, sessions, lane: str, handle: Handle,
                 sender: Callable[[dict], str | None]) -> None:
        self.sessions = sessions
        self.lane = lane
        self._handle_update = handle
        self._sender = sender
        self._running: set[asyncio.Task] = set()
        # Whose each row of the lane is: an update's sender is read from its payload once,
        # not at every look at who is ahead of whom. The rows this replica handles, and the
        # ones it saw ahead of them (another replica's), until they leave the inbox.
        self._senders: dict[int, str | None] = {}
        self._others: dict[int, str | None] = {}
        self._room = asyncio.Semaphore(MAX_RUNNING)
        self._sweeping: asyncio.Task | None = None

    async def run_now(self, update: dict) -> Response:
        """A stranger's update is not kept (a flood of them must cost no writes): its turn
        runs before the 200; 503 when it did not commit, so the channel sends it again."""
        try:
            sending = await self._handle_update(update, None)
        except NotHandled:
            return Response(status_code=503)
        if sending is not None:
            await asyncio.wait([sending], timeout=ANSWER_WAIT)
        return Response(status_code=200)

    async def take(self, update: dict, sender: str | None) -> Response:
        """200 once kept, the turn started; 503 when it could not be kept (the channel
        sends it again)."""
        try:
            row_id = await asyncio.to_thread(self._keep, update)
        except DBAPIError:
            return Response(status_code=503)
        self._senders[row_id] = sender
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
            await self._handle_kept(row_id, update)
        finally:
            self._senders.pop(row_id, None)

    async def _handle_kept(self, row_id: int, update: dict) -> None:
        try:
            await self._after_earlier(row_id, update)
        except DBAPIError:
            return  # kept, and taken again once its claim runs out
        async with self._room:  # a burst of posts is kept at once, handled so many at a time
            try:
                sending = await self._handle_update(update, row_id)
                if sending is None:  # no turn, so nobody forgets it but us
                    await asyncio.to_thread(self._forget, row_id)
                else:
                    await sending
            except (NotHandled, DBAPIError):
                pass  # kept, and taken again once its claim runs out

    async def _after_earlier(self, row_id: int, update: dict) -> None:
        """Wait while an earlier update of the same person is still in the inbox (being
        handled here or elsewhere, or waiting for its claim to run out)."""
        if row_id not in self._senders:  # swept: not read when it came
            self._senders[row_id] = self._sender(update)
        sender = self._senders[row_id]
        while True:
            known = self._senders.keys() | self._others.keys()
            ahead, found = await asyncio.to_thread(self._ahead, row_id, known)
            for other, payload in found.items():
                self._others[other] = self._sender(payload)
            still = set(ahead)  # a row before this one and not ahead has left the inbox
            for other in [i for i in self._others if i < row_id and i not in still]:
                del self._others[other]
            if not any(self._senders.get(i, self._others.get(i)) == sender for i in ahead):
                return
            await asyncio.sleep(ORDER_WAIT)

    def _ahead(self, row_id: int, known: set[int]) -> tuple[list[int], dict[int, dict]]:
        """The rows ahead of this one, by id; the payloads of those not seen before."""
        with self.sessions() as session:
            ahead = earlier_ids(session, self.lane, row_id)
            unknown = [i for i in ahead if i not in known]
            return ahead, payloads_of(session, unknown) if unknown else {}

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
            return keep_claimed(session, self.lane, update, now,
                                now + timedelta(seconds=CLAIM_SECONDS))

    def _abandoned(self) -> list[tuple[int, dict]]:
        now = _wall()
        with writing(self.sessions) as session:
            return claim_abandoned(session, self.lane, now,
                                   now + timedelta(seconds=CLAIM_SECONDS))

    def _forget(self, row_id: int) -> None:
        with writing(self.sessions) as session:
            forget_update(session, row_id)


class Handlers:
    """One webhook handler per connected bot of a channel (`make` builds one for a
    transport), sweeping from the moment the bot connects; a bot reconnected gets a new
    one, a bot let go loses its own."""

    def __init__(self, make: Callable) -> None:
        self.make = make
        self.handlers: dict = {}
        self._stopping: set[asyncio.Task] = set()  # held: the loop keeps only weak references

    def of(self, transport):
        handler = self.handlers.get(transport.key)
        if handler is None or handler.transport is not transport:
            if handler is not None:
                self._stop_later(handler)
            handler = self.handlers[transport.key] = self.make(transport)
            handler.start_sweeping()
        return handler

    def forget(self, transport) -> None:
        handler = self.handlers.pop(transport.key, None)
        if handler is not None:
            self._stop_later(handler)

    def _stop_later(self, handler) -> None:
        task = asyncio.ensure_future(handler.stop())
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    async def stop(self) -> None:
        for handler in self.handlers.values():
            await handler.stop()
        self.handlers.clear()
        await asyncio.gather(*self._stopping)


def _wall() -> datetime:
    """Claims are about processes, not the school's calendar: wall time, never the app's
    (possibly shifted) clock."""
    return datetime.now(timezone.utc)
