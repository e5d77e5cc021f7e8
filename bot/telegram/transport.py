"""Scheduled messages out through the Bot API: one send, and what Telegram answered, for the
outbox sender to act on (it owns retries and the rate limits)."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.telegram.adapter import MAX_CAPTION, markup, split_text
from core.messages import Reply
from reminders.sender import Delivery


class TelegramTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        pieces = split_text(reply.text)
        message_id = None
        try:
            if reply.photo is not None:
                sent = await self.bot.send_photo(chat_id=chat_id, photo=reply.photo,
                                                 caption=reply.text[:MAX_CAPTION] or None)
                return Delivery("sent", message_id=str(sent.message_id))
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                sent = await self.bot.send_message(chat_id=chat_id, text=piece,
                                                   reply_markup=markup(reply) if last else None)
                message_id = str(sent.message_id)
        except RetryAfter as exc:
            delay = exc.retry_after
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            return Delivery("retry_after", retry_after=seconds, error=str(exc))
        except Forbidden as exc:
            return Delivery("blocked", error=str(exc))
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                return Delivery("blocked", error=str(exc))
            return Delivery("rejected", error=str(exc))
        except NetworkError as exc:  # TimedOut is one too
            return Delivery("error", error=str(exc))
        return Delivery("sent", message_id=message_id)
