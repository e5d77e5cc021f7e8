"""`caitien serve`: one ASGI application for every channel and, later, the web pages.

Several replicas may serve one PostgreSQL database behind any load balancer: each turn is
one transaction under the person's conversation row lock, reminders are planned and sent by
the one replica holding the lease, and nothing a later turn needs lives in one process."""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager
from functools import partial

import uvicorn
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.middleware import Middleware
from starlette.routing import Route

from bot.app import App, build_app
from bot.downloads import PATH as FILES_PATH
from bot.config import Settings
from bot.telegram.bots import TelegramBots
from bot.telegram.connection import USERNAME_SETTING as TELEGRAM_NAME_SETTING
from bot.telegram.connection import RejectedToken, connect
from bot.telegram.webhook import PATH as TELEGRAM_PATH
from bot.telegram.webhook import TelegramWebhook
from bot.zalo.client import ZaloError
from bot.web.console import Console
from bot.web.guard import SecurityHeaders
from bot.webhooks import Handlers
from bot.web.routes import web_routes
from bot.web.sandbox import Sandboxes
from bot.zalo.connection import ZaloChannel, ZaloRejected, links_of
from bot.zalo.connection import connect as connect_zalo
from bot.zalo.webhook import PATH as ZALO_PATH
from bot.zalo.webhook import ZaloWebhook
from reminders.scheduler import LEASE
from storage.db import schema_state
from storage.models import Lease
from storage.school_bots import PoolBot, bot_of_school, pool_of_school
from storage.settings import setting
from templates.render import Renderer

log = logging.getLogger(__name__)
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open


def create_server(app: App) -> Starlette:
    # Each bot's webhook sweeps for updates another replica took and never finished from
    # the moment the bot connects, not only once a post came to this one.
    telegram_hooks = Handlers(lambda transport: TelegramWebhook(app.sessions, app.turns,
                                                                transport))
    zalo_hooks = Handlers(lambda transport: ZaloWebhook(app.sessions, app.turns, transport))
    bots = TelegramBots(app, on_added=telegram_hooks.of, on_dropped=telegram_hooks.forget)
    zalo = ZaloChannel(app, on_added=zalo_hooks.of, on_dropped=zalo_hooks.forget)
    links = links_of(app)
    console = Console(app)
    sandboxes = Sandboxes.of(console)

    async def telegram_webhook(request: Request) -> Response:
        """The default bot's updates at /telegram/webhook, a school bot's at
        /telegram/webhook/<its key>."""
        key = request.path_params.get("bot")
        transport = await bots.find(key) if key else bots.get(None)
        if transport is None:
            return Response(status_code=404)
        return await telegram_hooks.of(transport)(request)

    async def zalo_updates(request: Request) -> Response:
        """The default bot's updates at /zalo/webhook, a pool bot's at /zalo/webhook/<its
        key>."""
        key = request.path_params.get("bot")
        if key is None and not app.settings.zalo_token:
            return Response(status_code=404)
        transport = await zalo.find(key) if key else zalo.get(None)
        if transport is None:  # not connected yet (or no such bot): Zalo sends it again
            return Response(status_code=503 if key is None else 404)
        return await zalo_hooks.of(transport)(request)

    async def download(request: Request) -> Response:
        if links is None:
            return Response(status_code=404)
        return await links.serve(request)

    async def healthz(request: Request) -> Response:
        report = await asyncio.to_thread(health, app)
        return JSONResponse(report, status_code=200 if report["ok"] else 503)

    @asynccontextmanager
    async def lifespan(_server: Starlette):
        await bots.start()
        await zalo.start()
        app.start_reminders()
        try:
            yield
        finally:
            await zalo_hooks.stop()
            await telegram_hooks.stop()
            await app.turns.drain()
            app.stop_reminders()
            sandboxes.close()
            await bots.stop()
            await zalo.stop()

    return Starlette(routes=[
        Route(TELEGRAM_PATH, telegram_webhook, methods=["POST"]),
        Route(TELEGRAM_PATH + "/{bot}", telegram_webhook, methods=["POST"]),
        Route(ZALO_PATH, zalo_updates, methods=["POST"]),
        Route(ZALO_PATH + "/{bot}", zalo_updates, methods=["POST"]),
        Route(FILES_PATH, download, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        *web_routes(console, sandboxes, partial(invitation_names, app.settings)),
    ], middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)


def invitation_names(settings: Settings, session: Session, school_id: int
                     ) -> tuple[str | None, list[PoolBot]]:
    """What invitation cards name: the school's own Telegram bot, else the deployment's,
    as the running bot reported it; the school's pool of Zalo bots, each card naming one
    with room (storage/school_bots.py spread)."""
    own = bot_of_school(session, school_id, "telegram")
    username = ((own.username if own is not None else None) or settings.bot_username
                or setting(session, TELEGRAM_NAME_SETTING))
    return username, pool_of_school(session, school_id, "zalo", settings.zalo_users_per_bot,
                                    default=bool(settings.zalo_token))


def health(app: App) -> dict:
    """Whether the database answers and is at the schema this code needs, and who sends the
    reminders."""
    report: dict = {"ok": False, "database": False, "schema": None, "schema_head": None,
                    "reminders": None}
    try:
        with app.db.connect() as conn:
            conn.execute(text("SELECT 1"))
            lease = conn.execute(select(Lease.holder, Lease.expires_at)
                                 .where(Lease.name == LEASE)).first()
        report["database"] = True
        report["schema"], report["schema_head"] = schema_state(app.db)
    except Exception as exc:  # the answer is the report, whatever went wrong
        report["error"] = type(exc).__name__
        return report
    if lease is not None:
        report["reminders"] = {"holder": lease.holder,
                               "until": lease.expires_at.isoformat(),
                               "this_process": app.reminders is not None
                               and app.reminders.holder == lease.holder}
    report["ok"] = report["schema"] == report["schema_head"]
    return report


def serve(settings: Settings, host: str, port: int) -> int:
    renderer = Renderer(settings.templates_dir)
    try:
        asyncio.run(_check_tokens(settings))
    except RejectedToken:
        print(renderer.text("errors/bad_token.j2"), file=sys.stderr)
        return 2
    except ZaloRejected:
        print(renderer.text("errors/zalo_bad_token.j2"), file=sys.stderr)
        return 2
    app = build_app(settings)
    uvicorn.Server(server_config(create_server(app), settings, host=host, port=port)).run()
    return 0


def server_config(asgi, settings: Settings, **options) -> uvicorn.Config:
    """How uvicorn serves: a forwarded client address is believed only from the proxies the
    settings name; an idle connection is closed after KEEP_ALIVE seconds (header and body
    timeouts are the proxy's: docs/district.md). No log configuration of uvicorn's own: its lines go
    through the root handlers, and so through the filter that masks secrets and personal
    data (bot/logs.py)."""
    proxies = settings.trusted_proxies
    return uvicorn.Config(asgi, proxy_headers=bool(proxies), forwarded_allow_ips=proxies or "",
                          timeout_keep_alive=KEEP_ALIVE, log_level=options.pop(
                              "log_level", "info"), log_config=None, access_log=False,
                          lifespan="on", **options)


async def _check_tokens(settings: Settings) -> None:
    """Before serving: a rejected token is one sentence and exit 2, not a traceback."""
    if settings.telegram_token:
        bot = await connect(settings)
        await bot.shutdown()
    if settings.zalo_token:
        try:
            client = await connect_zalo(settings, patient=False)
        except ZaloError as exc:  # Zalo away: serve anyway, the channel connects later
            log.warning("Zalo does not answer (%s); its webhook waits for it", exc.code)
        else:
            await client.close()
