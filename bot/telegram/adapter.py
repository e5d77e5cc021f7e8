"""The Telegram adapter: python-telegram-bot updates in, engine replies out, and what
Telegram can do. Polling (polling.py) and the webhook (webhook.py) both hand updates here.

Nothing outside bot/telegram imports python-telegram-bot."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels import TELEGRAM
from bot.fetching import capped_download, file_client
from bot.turns import Turns
from core.errors import FileRefused
from core.messages import Attachment, Incoming, Reply
from core.text import split_text
from reminders.limits import RateLimiter
from reminders.sender import Delivery

log = logging.getLogger(__name__)

CHANNEL = TELEGRAM.name
MAX_CAPTION = 1024
COMMANDS = ("start", "nhiemvu", "capnhat", "huy", "huongdan", "tiendo", "lich", "tamdung",
            "baocao", "quahan", "minhchung", "web")
UNSUPPORTED = ("sticker", "voice", "audio", "video_note", "animation", "location", "venue",
               "poll", "dice", "game")



class TelegramTransport:
    """One bot: its limiter, and one message out with what Telegram answered. `key` is
    None for the deployment's default bot, else the school bot's key."""

    def __init__(self, bot: Bot, per_second: float = TELEGRAM.per_second,
                 key: str | None = None) -> None:
        self.bot = bot
        self.key = key
        self.caps = replace(TELEGRAM, per_second=per_second)
        self.limiter = RateLimiter(self.caps)
        self.files = file_client()

    async def close(self) -> None:
        await self.files.aclose()
        await self.bot.shutdown()

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        try:
            return Delivery("sent", message_id=await self._send(chat_id, reply))
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

    async def _send(self, chat_id: str, reply: Reply) -> str:
        caption = reply.text[:MAX_CAPTION] or None
        if reply.photo is not None:
            sent = await self.bot.send_photo(chat_id=chat_id, photo=reply.photo, caption=caption)
            return str(sent.message_id)
        if reply.document is not None:
            name, data = reply.document
            sent = await self.bot.send_document(
                chat_id=chat_id, document=InputFile(data, filename=name), caption=caption)
            return str(sent.message_id)
        pieces = split_text(reply.text, TELEGRAM.max_text)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            sent = await self.bot.send_message(chat_id=chat_id, text=piece,
                                               reply_markup=markup(reply) if last else None)
        return str(sent.message_id)


async def handle_update(turns: Turns, transport: TelegramTransport, update: Update,
                        kept: int | None = None, pressed_answered: bool = False
                        ) -> asyncio.Task | None:
    """Run the update's turn; returns once it committed, with the task sending its replies
    (which forgets `kept`, the update's inbox row, once they are out). `pressed_answered`:
    a press's spinner was already stopped (the webhook's 200 carried it)."""
    bot = transport.bot
    incoming = to_incoming(bot, update, transport.key)
    if incoming is None:
        return None
    # A press is settled while its turn runs, not before it: the two round trips to the Bot
    # API cost the person nothing more than the turn itself (they were a tenth of a turn).
    settling = (asyncio.create_task(_settle_button(bot, update, pressed_answered))
                if update.callback_query is not None else None)

    limit = transport.caps.max_file_bytes

    async def fetch(attachment: Attachment) -> bytes:
        file = await bot.get_file(attachment.ref)
        if file.file_size and file.file_size > limit:
            raise FileRefused("too_big")
        return await capped_download(file.file_path, limit, http=transport.files)

    try:
        return await turns.submit(incoming, fetch, transport, kept)
    finally:
        if settling is not None:  # the update is confirmed only once its press is settled
            await settling


def press_answer(update: Update) -> dict | None:
    """A webhook's answer may carry one Bot API call: for a press, the one that stops its
    spinner, a round trip less (Telegram makes it; nobody learns whether it failed, which
    for a spinner is no loss). Source: the Bot API, "Making requests when getting updates"
    (core.telegram.org/bots/api#making-requests-when-getting-updates, since 29 August 2015)."""
    if update.callback_query is None:
        return None
    return {"method": "answerCallbackQuery", "callback_query_id": update.callback_query.id}


async def _settle_button(bot: Bot, update: Update, answered: bool) -> None:
    """Stop the spinner (unless done) and take the buttons off the message, so they are
    pressed once."""
    query = update.callback_query
    try:
        if not answered:
            await query.answer()
        if query.message is not None:
            await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # the press is answered all the same
        log.warning("could not settle a button press (%s: %s)", type(exc).__name__, exc)
    except Exception:
        log.exception("settling a button press failed; the press is answered all the same")


def to_incoming(bot: Bot, update: Update, key: str | None = None) -> Incoming | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    incoming = Incoming(channel=CHANNEL, user_id=str(user.id), chat_id=str(chat.id),
                        event_id=f"{bot.id}:{update.update_id}", private=chat.type == "private",
                        bot=key)
    if update.callback_query is not None:
        incoming.choice = update.callback_query.data or ""
        return incoming
    message = update.message
    if message is None:
        return None
    _read_message(message, incoming)
    return incoming


def _read_message(message: Message, incoming: Incoming) -> None:
    text = message.text or message.caption
    if message.text and message.text.startswith("/"):
        head, _, args = message.text.partition(" ")
        incoming.command = head[1:].split("@", 1)[0].lower()
        incoming.args = args.strip()
    else:
        incoming.text = text
    if message.contact is not None:
        incoming.contact_phone = message.contact.phone_number
        user_id = message.contact.user_id
        incoming.contact_user_id = str(user_id) if user_id is not None else None
    if message.photo:
        largest = message.photo[-1]
        incoming.attachments.append(Attachment("photo", largest.file_id, None, "image/jpeg",
                                               largest.file_size))
    for kind in ("document", "video"):
        item = getattr(message, kind)
        if item is not None:
            incoming.attachments.append(Attachment(kind, item.file_id, item.file_name,
                                                   item.mime_type, item.file_size))
    for kind in UNSUPPORTED:
        if getattr(message, kind, None):
            incoming.unsupported = kind
            break


def markup(reply: Reply):
    if reply.buttons:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
             for row in reply.buttons]
        )
    if reply.ask_contact:
        return ReplyKeyboardMarkup([[KeyboardButton(reply.ask_contact, request_contact=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None
