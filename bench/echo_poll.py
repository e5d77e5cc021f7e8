"""The ceiling for bench/poll_bench.py: a bare python-telegram-bot bot polling getUpdates,
answering every message with one message, updates handled concurrently. Usage:

    TELEGRAM_BOT_TOKEN=… TELEGRAM_API_BASE_URL=… python bench/echo_poll.py
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_message("ok")


def main() -> None:
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"]).concurrent_updates(True).build())
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(poll_interval=0.0, timeout=10)


if __name__ == "__main__":
    main()
