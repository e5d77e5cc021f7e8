"""The ceiling for bench/serve_bench.py: the least a python-telegram-bot webhook can do on
the same HTTP path — read the update, send one message back, answer 200. Usage:

    TELEGRAM_BOT_TOKEN=… TELEGRAM_API_BASE_URL=… python bench/echo_webhook.py --port 8081
"""

from __future__ import annotations

import argparse
import os
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update

bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], base_url=os.environ["TELEGRAM_API_BASE_URL"])


async def webhook(request: Request) -> Response:
    update = Update.de_json(await request.json(), bot)
    chat = update.effective_chat
    await bot.send_message(chat_id=chat.id, text="ok")
    return Response(status_code=200)


async def health(request: Request) -> Response:
    return Response(status_code=200)


@asynccontextmanager
async def lifespan(_app):
    async with bot:
        yield


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    app = Starlette(routes=[Route("/telegram/webhook", webhook, methods=["POST"]),
                            Route("/healthz", health)], lifespan=lifespan)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
