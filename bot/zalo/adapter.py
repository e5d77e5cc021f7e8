"""The Zalo adapter: Zalo Bot Platform updates in, engine replies out, and what Zalo can do.
Polling (polling.py) and the webhook (webhook.py) both hand updates here.

Zalo carries text and photos only: no buttons, no editing, no contact sharing, no files
either way. Choices are numbered in the text (templates/shaping.py); reports and charts go
out as download links (bot/downloads.py) when the deployment has a public address."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
import time
from dataclasses import replace
from functools import cached_property
from typing import Awaitable, Callable


from bot.channels import ZALO
from bot.fetching import SafeFetcher
from bot.turns import Turns
from bot.zalo.client import ZaloClient, ZaloError
from core.messages import Attachment, Capabilities, Incoming, Reply
from core.text import split_text, utf16_len
from reminders.limits import RateLimiter
from reminders.sender import Delivery
from templates.render import Renderer

log = logging.getLogger(__name__)

CHANNEL = ZALO.name
MAX_ID = 64  # what an account id column holds; longer is not an id Zalo sends
# After "Quota exceeded" (no published numbers, no retry-after): the whole bot waits (the
# quota is the bot's), twice as long each time it comes again, and goes on slower.
QUOTA_BACKOFF = (1.0, 60.0)
# Zalo answers the per-second limit and the month's quota (Basic plan: 3,000 messages a
# month per bot) with the same 429 «Quota exceeded» and no retry-after. We read it as the
# month's quota when our own count (reminders/budget.py, in the database) says the bot has
# used this share of its budget — the per-second limit is not what runs out there — or when
# it comes again for a message sent after the first one's pause: a per-second limit would
# have passed by then. Otherwise it is the per-second limit: wait and go on slower.
QUOTA_SHARE = 0.95
# The chat refuses this bot: 422 "You are not permitted to send messages to this chat_id"
# (a person who blocked or left the bot, recorded by the @openclaw/zalo channel and other
# clients from a real bot) and 410 "The chat_id is invalid". Zalo's own error table calls
# 403 "Internal server error": that one is transient, not a refusal.
REFUSED_CHAT = (410, 422)
UNSUPPORTED_EVENTS = {"sticker": "sticker", "voice": "voice", "unsupported": "file"}

Publish = Callable[[str, str, bytes], Awaitable[tuple[str, str]]]
"""(file name, content type, content) -> (download URL, until when, as people read it)."""


class ZaloTransport:
    """The deployment's Zalo bot: its limiter, and one message out with what Zalo answered."""

    def __init__(self, client: ZaloClient, caps: Capabilities, renderer: Renderer,
                 publish: Publish | None = None, key: str | None = None,
                 allow_private: bool = False) -> None:
        self.client = client
        self.monthly_budget = caps.monthly_messages  # a month's messages; None: not counted
        self.used = 0  # the month's count, as the database last said it
        self.allow_private = allow_private
        self.caps = caps
        self.renderer = renderer
        self.publish = publish
        self.key = key
        self.limiter = RateLimiter(caps)
        self._quota_wait = 0.0
        self._calm_at = 0.0  # when the last pause for the quota ended
        self._pieces: dict[int, int] = {}  # replies cut short: how many pieces went
        self._photo_sent: set[int] = set()  # replies whose photo went, their text not yet

    @cached_property
    def fetcher(self) -> SafeFetcher:
        """Photos people send come as links: fetched only from public addresses (the local
        fake of the tests and the demo is allowed with `allow_private`)."""
        return SafeFetcher(self.client.http, self.allow_private)

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        started = time.monotonic()
        tally = [0]  # messages that went out, a piece of a long text or a photo each
        try:
            message_id = await self._send(chat_id, reply, tally)
        except ZaloError as exc:
            return replace(self._refused(exc, started), count=tally[0])
        if started >= self._calm_at:
            self._quota_wait = 0.0
        self.limiter.speed_up()
        return Delivery("sent", message_id=message_id, count=tally[0])

    def _refused(self, exc: ZaloError, started: float) -> Delivery:
        if exc.code == 429:
            budget = self.monthly_budget
            again = started >= self._calm_at and self._quota_wait > 0
            if again or (budget and self.used >= QUOTA_SHARE * budget):
                log.warning("Zalo: the month's message quota is spent (%d counted): %s",
                            self.used, exc)
                return Delivery("quota", error=str(exc))
            return Delivery("retry_after", retry_after=self._quota_met(started),
                            error=str(exc))
        if exc.code in REFUSED_CHAT:
            return Delivery("blocked", error=str(exc))
        if exc.code in (400, 401, 404):
            return Delivery("rejected", error=str(exc))
        return Delivery("error", error=str(exc))  # 403, 408, 5xx, the network

    def _quota_met(self, started: float) -> float:
        """Seconds this message waits. The messages already on their way when the first 429
        came get one too; only a 429 for a message sent after the pause says the quota is
        still short, and makes the bot wait longer and go slower."""
        now = time.monotonic()
        if started >= self._calm_at:
            low, high = QUOTA_BACKOFF
            self._quota_wait = min(high, self._quota_wait * 2 or low)
            self._calm_at = now + self._quota_wait
            self.limiter.pause_all(self._quota_wait)
            self.limiter.slow_down()
        return max(self._calm_at - now, QUOTA_BACKOFF[0])

    async def _send(self, chat_id: str, reply: Reply, tally: list[int]) -> str | None:
        limit = self.caps.max_text
        if reply.photo is not None and self.publish is not None:
            # A caption Zalo would cut goes as a message of its own after the photo.
            fits = utf16_len(reply.text) <= limit
            if id(reply) not in self._photo_sent:
                url, _until = await self.publish("bieu-do-tien-do.png", "image/png",
                                                 reply.photo)
                sent = await self.client.send_photo(chat_id, url,
                                                    (reply.text if fits else None) or None)
                tally[0] += 1
                if fits or not reply.text:
                    return _message_id(sent)
                self._photo_sent.add(id(reply))  # a refused text after it resends no photo
            await self.limiter.take(chat_id)
        text = reply.text
        if reply.document is not None and self.publish is not None:
            name, data = reply.document
            url, until = await self.publish(name, _content_type(name), data)
            link = self.renderer.text("chat/download_link.j2", name=name, url=url, until=until)
            text = f"{text}\n\n{link}" if text else link
        # A long text goes in pieces, each paced like a message of its own; when one is
        # refused, the retry of this reply resumes there instead of sending the first again.
        pieces = split_text(text, limit)
        done = self._pieces.pop(id(reply), 0)
        message_id = None
        for index in range(done, len(pieces)):
            if index > done:
                await self.limiter.take(chat_id)
            try:
                message_id = _message_id(await self.client.send_message(chat_id, pieces[index]))
                tally[0] += 1
            except ZaloError:
                if index:
                    self._pieces[id(reply)] = index
                raise
        self._photo_sent.discard(id(reply))
        return message_id


async def handle_update(turns: Turns, transport: ZaloTransport, update: dict,
                        kept: int | None = None) -> asyncio.Task | None:
    """Run the update's turn; returns once it committed, with the task sending its replies
    (which forgets `kept`, the update's inbox row, once they are out)."""
    return await handle_incoming(turns, transport, to_incoming(update, transport.key), kept)


async def handle_incoming(turns: Turns, transport: ZaloTransport, incoming: Incoming | None,
                          kept: int | None = None) -> asyncio.Task | None:
    if incoming is None:
        return None
    return await turns.submit(incoming, photo_fetcher(transport), transport, kept)


def to_incoming(update: dict, key: str | None = None) -> Incoming | None:
    """None for what is not a person's message (or not one we can tell apart)."""
    message = update.get("message") if isinstance(update, dict) else None
    if not isinstance(message, dict):
        return None
    sender, chat = message.get("from"), message.get("chat")
    sender = sender if isinstance(sender, dict) else {}
    chat = chat if isinstance(chat, dict) else {}
    user_id, message_id = _id(sender.get("id")), _id(message.get("message_id"))
    if user_id is None or message_id is None or sender.get("is_bot") is True:
        return None
    kind = _kind(update.get("event_name"))
    incoming = Incoming(channel=CHANNEL, user_id=user_id,
                        chat_id=_id(chat.get("id")) or user_id,
                        event_id=_event_id(kind, key, user_id, message_id),
                        private=str(chat.get("chat_type") or "PRIVATE").upper() != "GROUP",
                        bot=key)
    if kind == "image":
        url = message.get("photo_url") or message.get("photo")
        if isinstance(url, str) and url:
            incoming.attachments.append(Attachment("photo", url))
        incoming.text = _str(message.get("caption"))
    elif kind == "text":
        _read_text(_str(message.get("text")) or "", incoming)
    else:
        incoming.unsupported = UNSUPPORTED_EVENTS.get(kind, "file")
    return incoming


def _read_text(text: str, incoming: Incoming) -> None:
    if text.startswith("/"):
        head, _, args = text.partition(" ")
        incoming.command = head[1:].lower()
        incoming.args = args.strip()
    else:
        incoming.text = text


def photo_fetcher(transport: ZaloTransport):
    """Fetch a photo a person sent from the URL Zalo gave, at once (such URLs do not live
    long), through the safe fetcher: only an image, only so big, only from a public
    address, every redirect checked like the first URL, within a time for the whole."""
    limit = transport.caps.max_file_bytes

    async def fetch(attachment: Attachment) -> bytes:
        return await transport.fetcher.fetch(attachment.ref, limit,
                                             lambda kind: kind.startswith("image/"))

    return fetch


def _event_id(kind: str, key: str | None, user_id: str, message_id: str) -> str:
    """What makes a message one: its id as the sender and the bot see it (a message id is
    not promised unique across senders), hashed to fit the column."""
    scope = hashlib.sha256(f"{key or ''}|{user_id}|{message_id}".encode()).hexdigest()[:40]
    return f"{kind}:{scope}"


def _kind(event_name: object) -> str:
    """"message.text.received" -> "text"."""
    parts = str(event_name or "").split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "message" else "unsupported"


def _id(value: object) -> str | None:
    text = str(value) if isinstance(value, (str, int)) and value != "" else None
    return text if text and len(text) <= MAX_ID else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _message_id(result: object) -> str | None:
    return str(result.get("message_id")) if isinstance(result, dict) else None


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
