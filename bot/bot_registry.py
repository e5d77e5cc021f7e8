"""What every channel's set of bots does alike while a process runs: the deployment's
default bot and the schools' own, each with its own transport (and so its own limiter) in
`app.transports` under its lane; bots added or removed with the CLI picked up within
REFRESH_EVERY, or at once when a webhook names one not known yet (at most every
LOOK_AGAIN_AFTER); `on_added` / `on_dropped` hear of each. A channel says how to connect one
stored bot, read a transport's token, and close it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable, Generic, TypeVar

from bot.app import App
from reminders.sender import lane
from storage.school_bots import bot_tokens

log = logging.getLogger(__name__)

REFRESH_EVERY = 60.0  # seconds: a bot added or removed with the CLI is picked up this soon
LOOK_AGAIN_AFTER = 5.0  # seconds between lookups for a webhook path of a bot not yet known
CONNECT_WAIT = 30.0  # seconds a school's bot may take to connect before the next refresh

T = TypeVar("T")


class BotRegistry(Generic[T]):
    channel: str

    def __init__(self, app: App, on_added: Callable[[T], None] | None = None,
                 on_dropped: Callable[[T], None] | None = None) -> None:
        self.app = app
        self.on_added = on_added
        self.on_dropped = on_dropped
        self.connected: dict[str | None, T] = {}
        self._refused: dict[str, str] = {}  # key → the token the channel refused
        self._looked_at = float("-inf")
        self._lock = asyncio.Lock()
        self._refreshing: asyncio.Task | None = None

    def get(self, key: str | None) -> T | None:
        return self.connected.get(key)

    async def find(self, key: str | None) -> T | None:
        """The bot, looking in the database when it is not known here yet (added while this
        process ran): at most every few seconds, whoever asks, and never while a lookup is
        under way."""
        if (key not in self.connected and not self._lock.locked()
                and time.monotonic() - self._looked_at > LOOK_AGAIN_AFTER):
            self._looked_at = time.monotonic()
            await self.refresh()
        return self.connected.get(key)

    async def refresh(self) -> None:
        """Connect the schools' bots added since; let go of those removed or whose token
        changed."""
        async with self._lock:
            self._looked_at = time.monotonic()
            stored = await asyncio.to_thread(self._stored)
            for key, transport in list(self.connected.items()):
                if key is not None and stored.get(key, (None,))[0] != self._token_of(transport):
                    await self._drop(key)
            for key, (token, school) in stored.items():
                if key not in self.connected and self._refused.get(key) != token:
                    await self._add_stored(key, token, school)

    def _stored(self) -> dict[str, tuple[str, str]]:
        with self.app.sessions() as session:
            return bot_tokens(session, self.channel)

    def _added(self, key: str | None, transport: T) -> None:
        self.connected[key] = transport
        self.app.transports[lane(self.channel, key)] = transport
        if self.on_added is not None:
            self.on_added(transport)

    async def _drop(self, key: str | None) -> None:
        transport = self.connected.pop(key)
        self.app.transports.pop(lane(self.channel, key), None)
        if self.on_dropped is not None:
            self.on_dropped(transport)
        await self._close(transport)

    def _keep_refreshing(self) -> None:
        self._refreshing = asyncio.create_task(self._keep_fresh())

    async def _keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY)
            try:
                await self.refresh()
            except Exception:  # the database away for a moment: next time
                log.exception("looking for new %s bots failed", self.channel)

    async def _stop_all(self) -> None:
        if self._refreshing is not None and not self._refreshing.done():
            self._refreshing.cancel()
            await asyncio.gather(self._refreshing, return_exceptions=True)
        for key in list(self.connected):
            await self._drop(key)

    def _token_of(self, transport: T) -> str:
        raise NotImplementedError

    async def _add_stored(self, key: str, token: str, school: str) -> None:
        raise NotImplementedError

    async def _close(self, transport: T) -> None:
        raise NotImplementedError
