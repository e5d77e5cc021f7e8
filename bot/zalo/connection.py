"""Connecting the deployment's Zalo bot: its client, getMe with patience while Zalo is away,
and the transport replies and reminders go out through. A refused token is ZaloRejected,
whose text never carries the token."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx

from bot.app import App
from bot.config import Settings
from bot.downloads import Links
from bot.zalo.adapter import ZaloTransport
from bot.zalo.client import ZaloClient, ZaloError
from storage.conversations import forget_old_events
from storage.db import writing
from storage.settings import put_setting

log = logging.getLogger(__name__)

NAME_SETTING = "zalo.bot_name"
CONNECTIONS = 64  # replies to many people go out at once
START_BACKOFF_MAX = 60.0


class ZaloRejected(Exception):
    """Zalo refused ZALO_BOT_TOKEN."""


def make_client(settings: Settings) -> ZaloClient:
    # TCP_NODELAY: a request written in two pieces otherwise waits out the peer's delayed
    # acknowledgement, 40 ms a message.
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    http = httpx.AsyncClient(transport=transport, timeout=20.0)
    return ZaloClient(settings.zalo_token or "", settings.zalo_api_base_url, http)


def links_of(app: App) -> Links | None:
    """Download links for files, when the deployment has a public address."""
    settings = app.settings
    if not settings.public_url:
        return None
    return Links(app.sessions, app.renderer, app.clock, settings.public_url,
                 settings.link_hours, settings.timezone)


def make_transport(app: App, client: ZaloClient) -> ZaloTransport:
    links = links_of(app)
    return ZaloTransport(client, app.engine.caps("zalo"), app.renderer,
                         links.publish if links else None,
                         allow_private=app.settings.fetch_private)


async def connect(settings: Settings, patient: bool = True) -> ZaloClient:
    """The client once getMe answered; while Zalo cannot be reached, it keeps trying (or,
    not `patient`, gives up at the first failure)."""
    client = make_client(settings)
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
    """The Zalo bot while a process runs: connected in the background (Zalo being away
    delays nothing else), its transport in `app.transports` once it is."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.transport: ZaloTransport | None = None
        self._connecting: asyncio.Task | None = None

    async def start(self) -> None:
        self._connecting = asyncio.create_task(self._connect())

    async def ready(self) -> ZaloTransport:
        await self._connecting
        return self.transport

    async def _connect(self) -> None:
        client = await connect(self.app.settings)
        self.transport = make_transport(self.app, client)
        self.app.transports[self.transport.caps.name] = self.transport
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
        if self.transport is not None:
            self.app.transports.pop(self.transport.caps.name, None)
            await self.transport.client.close()
            self.transport = None


async def fetch_name(settings: Settings) -> str | None:
    """The Zalo bot's name as getMe says it; None when Zalo does not answer."""
    try:
        client = await connect(settings, patient=False)
    except (ZaloError, ZaloRejected) as exc:
        log.error("Zalo getMe failed: %s", type(exc).__name__)
        return None
    await client.close()
    return client.name
