"""Connecting the deployment's Zalo bot: its client, getMe with patience while Zalo is away,
and the transport replies and reminders go out through. A refused token is ZaloRejected,
whose text never carries the token."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Callable

import httpx

from bot import logs
from bot.app import App
from bot.config import Settings
from bot.downloads import Links
from bot.zalo.adapter import CHANNEL, ZaloTransport
from bot.zalo.client import ZaloClient, ZaloError
from reminders.sender import lane
from storage.conversations import forget_old_events
from storage.db import writing
from storage.school_bots import DEFAULT_NAME_SETTING, bot_tokens
from storage.settings import put_setting

log = logging.getLogger(__name__)

NAME_SETTING = DEFAULT_NAME_SETTING
CONNECTIONS = 64  # replies to many people go out at once
START_BACKOFF_MAX = 60.0
REFRESH_EVERY = 60.0  # seconds: a bot added or removed with the CLI is picked up this soon
LOOK_AGAIN_AFTER = 5.0  # seconds between lookups for a webhook path of a bot not yet known
CONNECT_WAIT = 30.0  # seconds a pool's bot may take to connect before the next refresh


class ZaloRejected(Exception):
    """Zalo refused ZALO_BOT_TOKEN (or a pool bot's token)."""


def make_client(settings: Settings, token: str | None = None) -> ZaloClient:
    # TCP_NODELAY: a request written in two pieces otherwise waits out the peer's delayed
    # acknowledgement, 40 ms a message.
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    http = httpx.AsyncClient(transport=transport, timeout=20.0)
    return ZaloClient(token or settings.zalo_token or "", settings.zalo_api_base_url, http)


def links_of(app: App) -> Links | None:
    """Download links for files, when the deployment has a public address."""
    settings = app.settings
    if not settings.public_url:
        return None
    return Links(app.sessions, app.renderer, app.clock, settings.public_url,
                 settings.link_hours, settings.timezone)


def make_transport(app: App, client: ZaloClient, key: str | None = None) -> ZaloTransport:
    """`key`: a pool bot's (None: the default bot)."""
    links = links_of(app)
    return ZaloTransport(client, app.engine.caps("zalo"), app.renderer,
                         links.publish if links else None, key=key,
                         allow_private=app.settings.fetch_private)


async def connect(settings: Settings, patient: bool = True,
                  token: str | None = None) -> ZaloClient:
    """The client once getMe answered; while Zalo cannot be reached, it keeps trying (or,
    not `patient`, gives up at the first failure). `token`: another bot than the
    default."""
    client = make_client(settings, token)
    delay = 1.0
    try:
        while True:
            try:
                await client.get_me()
                return client
            except ZaloError as exc:
                if exc.code == 401:  # Zalo's "Unauthorized": the token is not a bot's
                    raise ZaloRejected() from None
                if not patient:
                    raise
                log.warning("Zalo did not answer getMe (%s); again in %.0f s", exc.code, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, START_BACKOFF_MAX)
    except BaseException:
        await client.close()
        raise


class ZaloChannel:
    """Every Zalo bot while a process runs: the deployment's default bot (ZALO_BOT_TOKEN)
    and each bot of the schools' pools (`caitien school bot --zalo-token`), each connected
    in the background (Zalo being away delays nothing else) with its own transport, and so
    its own limiter, in `app.transports` under its lane. Bots added or removed with the CLI
    are picked up within REFRESH_EVERY; `on_added` / `on_dropped` hear of each."""

    def __init__(self, app: App,
                 on_added: Callable[[ZaloTransport], None] | None = None,
                 on_dropped: Callable[[ZaloTransport], None] | None = None) -> None:
        self.app = app
        self.on_added = on_added
        self.on_dropped = on_dropped
        self.transport: ZaloTransport | None = None  # the default bot's, once connected
        self.connected: dict[str | None, ZaloTransport] = {}
        self._connecting: asyncio.Task | None = None
        self._refused: dict[str, str] = {}  # key → the token Zalo refused
        self._refreshing: asyncio.Task | None = None
        self._lock = asyncio.Lock()
        self._looked_at = float("-inf")

    async def start(self) -> None:
        if self.app.settings.zalo_token:
            self._connecting = asyncio.create_task(self._connect())
        await self.refresh()
        self._refreshing = asyncio.create_task(self._keep_fresh())

    async def ready(self) -> ZaloTransport | None:
        """The default bot's transport once it connected (a refused token raises
        ZaloRejected); None when the deployment has no default Zalo bot."""
        if self._connecting is not None:
            await self._connecting
        return self.transport

    def get(self, key: str | None) -> ZaloTransport | None:
        return self.connected.get(key)

    async def find(self, key: str | None) -> ZaloTransport | None:
        """The bot, looking in the database when it is not known here yet (added while this
        process ran): at most every few seconds, whoever asks."""
        if (key not in self.connected and not self._lock.locked()
                and time.monotonic() - self._looked_at > LOOK_AGAIN_AFTER):
            await self.refresh()
        return self.connected.get(key)

    async def refresh(self) -> None:
        """Connect the pools' bots added since; let go of those removed or whose token
        changed."""
        async with self._lock:
            self._looked_at = time.monotonic()
            stored = await asyncio.to_thread(self._stored)
            for key, transport in list(self.connected.items()):
                if key is not None and stored.get(key, (None,))[0] != transport.client.token:
                    await self._drop(key)
            for key, (token, school) in stored.items():
                if key not in self.connected and self._refused.get(key) != token:
                    await self._add_pool_bot(key, token, school)

    def _stored(self) -> dict[str, tuple[str, str]]:
        with self.app.sessions() as session:
            return bot_tokens(session, CHANNEL)

    async def _add_pool_bot(self, key: str, token: str, school: str) -> None:
        logs.hide(token)
        try:
            client = await asyncio.wait_for(connect(self.app.settings, False, token),
                                            CONNECT_WAIT)
        except ZaloRejected:
            self._refused[key] = token
            log.error("Zalo refused the token of school %s's bot %s; its people are not "
                      "reachable until `caitien school bot` gives it a good one", school, key)
            return
        except (asyncio.TimeoutError, ZaloError) as exc:
            log.warning("school %s's Zalo bot %s did not connect (%s); trying again later",
                        school, key, getattr(exc, "code", type(exc).__name__))
            return
        self._added(make_transport(self.app, client, key))
        log.info("Zalo bot %s connected (school %s's pool)", client.name, school)

    def _added(self, transport: ZaloTransport) -> None:
        self.connected[transport.key] = transport
        self.app.transports[lane(CHANNEL, transport.key)] = transport
        if self.on_added is not None:
            self.on_added(transport)

    async def _drop(self, key: str | None) -> None:
        transport = self.connected.pop(key)
        self.app.transports.pop(lane(CHANNEL, key), None)
        if self.on_dropped is not None:
            self.on_dropped(transport)
        await transport.client.close()

    async def _connect(self) -> None:
        client = await connect(self.app.settings)
        self.transport = make_transport(self.app, client)
        self._added(self.transport)
        await asyncio.to_thread(self._record, client.name)
        log.info("running on Zalo as %s", client.name)

    def _record(self, name: str | None) -> None:
        """The bot's name, for the invitation sheet; old records go."""
        with writing(self.app.sessions) as session:
            if name:
                put_setting(session, NAME_SETTING, name)
            forget_old_events(session, self.app.clock)

    async def _keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY)
            try:
                await self.refresh()
            except Exception:  # the database away for a moment: next time
                log.exception("looking for new Zalo bots failed")

    async def stop(self) -> None:
        for task in (self._connecting, self._refreshing):
            if task is not None and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        for key in list(self.connected):
            await self._drop(key)
        self.transport = None


def has_zalo_bots(app: App) -> bool:
    """A default Zalo bot, or a school's pool with one."""
    if app.settings.zalo_token:
        return True
    with app.sessions() as session:
        return bool(bot_tokens(session, CHANNEL))


async def fetch_name(settings: Settings) -> str | None:
    """The Zalo bot's name as getMe says it; None when Zalo does not answer."""
    try:
        client = await connect(settings, patient=False)
    except (ZaloError, ZaloRejected) as exc:
        log.error("Zalo getMe failed: %s", type(exc).__name__)
        return None
    await client.close()
    return client.name
