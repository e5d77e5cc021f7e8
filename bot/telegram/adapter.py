"""The Telegram adapter: python-telegram-bot updates in, engine replies out.

Nothing outside bot/telegram imports python-telegram-bot."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.app import App
from core.messages import Attachment, Incoming, Reply
from reminders.limits import RateLimiter
from reminders.scheduler import ReminderService
from storage.db import writing
from storage.conversations import forget_old_events
from storage.models import Setting

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_CAPTION = 1024
COMMANDS = ("start", "nhiemvu", "capnhat", "huy", "huongdan", "tiendo", "lich", "tamdung",
            "baocao", "quahan")
UNSUPPORTED = ("sticker", "voice", "audio", "video_note", "animation", "location", "venue",
               "poll", "dice", "game")
SEND_ATTEMPTS = 4


def build_application(app: App) -> Application:
    settings = app.settings
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .post_init(lambda application: _on_start(application, app))
        .post_stop(lambda application: _on_stop(app))
        .build()
    )

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await handle_update(app, context.bot, update)

    application.add_handler(TypeHandler(Update, on_update))
    return application


async def _on_start(application: Application, app: App) -> None:
    bot = application.bot
    commands = [BotCommand(c, app.renderer.label(f"command.{c}")) for c in COMMANDS]
    await bot.set_my_commands(commands)
    with writing(app.sessions) as session:
        session.merge(Setting(key="telegram.bot_username", value=bot.username))
        forget_old_events(session, app.clock)
    log.info("running as @%s", bot.username)
    if app.settings.reminders:
        from bot.telegram.transport import TelegramTransport

        app.reminders = ReminderService(app.sessions, app.renderer, app.clock,
                                        {CHANNEL: TelegramTransport(bot)}, app.limiter,
                                        app.settings.reminder_tick_seconds)
        app.reminders.start()


async def _on_stop(app: App) -> None:
    if app.reminders is not None:
        app.reminders.stop()
        app.reminders = None


async def handle_update(app: App, bot: Bot, update: Update) -> None:
    incoming = to_incoming(bot, update)
    if incoming is None:
        return
    if update.callback_query is not None:
        await _settle_button(bot, update)

    async def fetch(attachment: Attachment) -> bytes:
        file = await bot.get_file(attachment.ref)
        return bytes(await file.download_as_bytearray())

    try:
        replies = await app.engine.handle(incoming, fetch)
    except Exception:
        log.exception("could not handle update %s", update.update_id)
        replies = [Reply(app.renderer.text("chat/error.j2"))]
    for reply in replies:
        await send_reply(bot, incoming.chat_id, reply, app.limiter)


async def _settle_button(bot: Bot, update: Update) -> None:
    """Stop the spinner and take the buttons off the message, so they are pressed once."""
    query = update.callback_query
    try:
        await query.answer()
        if query.message is not None:
            await query.edit_message_reply_markup(reply_markup=None)
    except (BadRequest, Forbidden, NetworkError) as exc:
        log.info("could not settle button press: %s", exc)


def to_incoming(bot: Bot, update: Update) -> Incoming | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    incoming = Incoming(channel=CHANNEL, user_id=str(user.id), chat_id=str(chat.id),
                        event_id=f"{bot.id}:{update.update_id}", private=chat.type == "private")
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


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces under Telegram's limit, cut at line ends where possible."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces


async def send_reply(bot: Bot, chat_id: str, reply: Reply,
                     limiter: RateLimiter | None = None) -> bool:
    """Send one reply; the markup goes with the last piece. False when it could not go."""
    if reply.document is not None or reply.photo is not None:
        return await _send_file(bot, chat_id, reply, limiter)
    pieces = split_text(reply.text)
    for index, piece in enumerate(pieces):
        keyboard = markup(reply) if index == len(pieces) - 1 else None
        if not await _send_text(bot, chat_id, piece, keyboard, limiter):
            return False
    return True


async def _send_file(bot: Bot, chat_id: str, reply: Reply,
                     limiter: RateLimiter | None) -> bool:
    async def send() -> None:
        caption = reply.text[:MAX_CAPTION] or None
        if reply.photo is not None:
            await bot.send_photo(chat_id=chat_id, photo=reply.photo, caption=caption)
        else:
            name, data = reply.document
            await bot.send_document(chat_id=chat_id, document=InputFile(data, filename=name),
                                    caption=caption)

    return await _with_retries(chat_id, send, limiter)


async def _send_text(bot: Bot, chat_id: str, text: str, keyboard,
                     limiter: RateLimiter | None) -> bool:
    return await _with_retries(chat_id, lambda: bot.send_message(
        chat_id=chat_id, text=text, reply_markup=keyboard), limiter)


async def _with_retries(chat_id: str, send, limiter: RateLimiter | None) -> bool:
    for attempt in range(SEND_ATTEMPTS):
        if limiter is not None:
            await limiter.take(chat_id, per_chat=False)
        try:
            await send()
            return True
        except RetryAfter as exc:
            delay = exc.retry_after
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            log.warning("429 for chat %s, retrying after %.1fs", chat_id, seconds)
            if limiter is not None:
                limiter.pause(seconds)
            await asyncio.sleep(seconds)
        except Forbidden:
            log.warning("chat %s blocked the bot; reply dropped", chat_id)
            return False
        except BadRequest as exc:
            log.error("Telegram refused a reply to chat %s: %s", chat_id, exc)
            return False
        except (TimedOut, NetworkError) as exc:
            log.warning("sending to %s failed (%s), attempt %d", chat_id, exc, attempt + 1)
            await asyncio.sleep(0.5 * 2**attempt)
    log.error("gave up sending to chat %s", chat_id)
    return False
