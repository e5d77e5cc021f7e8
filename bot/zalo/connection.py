"""Connecting the deployment's Zalo bot: its client, getMe with patience while Zalo is away,
and the transport replies and reminders go out through. A refused token is ZaloRejected,
whose text never carries the token."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Callable

import httpx

from bot import logs
from bot.app import App
from bot.bot_registry import CONNECT_WAIT, BotRegistry
from bot.config import Settings
from bot.downloads import Links
from bot.zalo.adapter import CHANNEL, ZaloTransport
from bot.zalo.client import ZaloClient, ZaloError
from storage.conversations import forget_old_events
from storage.db import writing
from storage.school_bots import DEFAULT_NAME_SETTING, bot_tokens
from storage.settings import put_setting

log = logging.getLogger(__name__)

NAME_SETTING = DEFAULT_NAME_SETTING
CONNECTIONS = 64  # replies to many people go out at once
START_BACKOFF_MAX = 60.0


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


class ZaloChannel(BotRegistry[ZaloTransport]):
    """Every Zalo bot while a process runs: the deployment's default bot (ZALO_BOT_TOKEN)
    and each bot of the schools' pools (`caitien school bot --zalo-token`), each connected
    in the background (Zalo being away delays nothing else)."""

    channel = CHANNEL

    def __init__(self, app: App,
                 on_added: Callable[[ZaloTransport], None] | None = None,
                 on_dropped: Callable[[ZaloTransport], None] | None = None) -> None:
        super().__init__(app, on_added, on_dropped)
        self.transport: ZaloTransport | None = None  # the default bot's, once connected
        self._connecting: asyncio.Task | None = None

    async def start(self) -> None:
        if self.app.settings.zalo_token:
            self._connecting = asyncio.create_task(self._connect())
        await self.refresh()
        self._keep_refreshing()

    async def ready(self) -> ZaloTransport | None:
        """The default bot's transport once it connected (a refused token raises
        ZaloRejected); None when the deployment has no default Zalo bot."""
        if self._connecting is not None:
            await self._connecting
        return self.transport

    def _token_of(self, transport: ZaloTransport) -> str:
        return transport.client.token

    async def _close(self, transport: ZaloTransport) -> None:
        await transport.client.close()

    async def _add_stored(self, key: str, token: str, school: str) -> None:
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
        self._added(key, make_transport(self.app, client, key))
        log.info("Zalo bot %s connected (school %s's pool)", client.name, school)

    async def _connect(self) -> None:
        client = await connect(self.app.settings)
        self.transport = make_transport(self.app, client)
        self._added(None, self.transport)
        await asyncio.to_thread(self._record, client.name)
        log.info("running on Zalo as %s", client.name)

    def _record(self, name: str | None) -> None:
        """The bot's name, for the invitation sheet; old records go."""
        with writing(self.app.sessions) as session:
            if name:
                put_setting(session, NAME_SETTING, name)
            forget_old_events(session, self.app.clock)

    async def stop(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        await self._stop_all()
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
