"""`caitien serve`: one ASGI application for every channel and, later, the web pages.

Several replicas may serve one PostgreSQL database behind any load balancer: each turn is
one transaction under the person's conversation row lock, reminders are planned and sent by
the one replica holding the lease, and nothing a later turn needs lives in one process."""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import asynccontextmanager

import uvicorn
from sqlalchemy import select, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import App, build_app
from bot.config import Settings
from bot.telegram.bots import TelegramBots
from bot.telegram.connection import RejectedToken, connect
from bot.telegram.webhook import PATH as TELEGRAM_PATH
from bot.telegram.webhook import TelegramWebhook
from reminders.scheduler import LEASE
from storage.db import schema_state
from storage.models import Lease
from templates.render import Renderer

log = logging.getLogger(__name__)


def create_server(app: App) -> Starlette:
    bots = TelegramBots(app)
    webhooks: dict[str | None, TelegramWebhook] = {}

    async def telegram_webhook(request: Request) -> Response:
        """The default bot's updates at /telegram/webhook, a school bot's at
        /telegram/webhook/<its key>."""
        key = request.path_params.get("bot")
        transport = await bots.find(key) if key else bots.get(None)
        if transport is None:
            return Response(status_code=404)
        handler = webhooks.get(key)
        if handler is None or handler.transport is not transport:
            handler = webhooks[key] = TelegramWebhook(app.sessions, app.turns, transport)
        return await handler(request)

    async def healthz(request: Request) -> Response:
        report = await asyncio.to_thread(health, app)
        return JSONResponse(report, status_code=200 if report["ok"] else 503)

    @asynccontextmanager
    async def lifespan(_server: Starlette):
        await bots.start()
        app.start_reminders()
        try:
            yield
        finally:
            await app.turns.drain()
            app.stop_reminders()
            await bots.stop()

    return Starlette(routes=[
        Route(TELEGRAM_PATH, telegram_webhook, methods=["POST"]),
        Route(TELEGRAM_PATH + "/{bot}", telegram_webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ], lifespan=lifespan)


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
    if settings.telegram_token:
        try:
            asyncio.run(_check_token(settings))
        except RejectedToken:
            print(Renderer(settings.templates_dir).text("errors/bad_token.j2"), file=sys.stderr)
            return 2
    app = build_app(settings)
    config = uvicorn.Config(create_server(app), host=host, port=port, log_level="info",
                            access_log=False, lifespan="on")
    uvicorn.Server(config).run()
    return 0


async def _check_token(settings: Settings) -> None:
    """Before serving: a rejected token is one sentence and exit 2, not a traceback."""
    bot = await connect(settings)
    await bot.shutdown()
