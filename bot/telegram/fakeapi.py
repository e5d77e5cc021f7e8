"""A local HTTP server that speaks the part of the Telegram Bot API this bot uses.

`caitien demo` and the tests point the real python-telegram-bot client at it. People are
simulated with LocalUser: what they send becomes updates; what the bot sends is kept per
chat. Errors Telegram really returns (429 with retry_after, 403 for a blocked chat, 502)
can be injected."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.local_server import LocalFake

JSON_FIELDS = {"reply_markup", "entities", "commands", "allowed_updates", "link_preview_options",
               "reply_parameters", "caption_entities", "scope"}
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText",
                "editMessageReplyMarkup", "sendChatAction"}
NEW_MESSAGES = {"sendMessage", "sendPhoto", "sendDocument"}


@dataclass(frozen=True)
class Limits:
    """What Telegram allows a bot to send: in any one second, in all; to one private chat;
    to one group in any minute. Over them, a 429 with retry_after, as Telegram answers."""

    per_second: int = 30
    chat_interval: float = 1.0
    chat_burst: int = 3  # a private chat may take a few at once ("short bursts"), no more
    group_per_minute: int = 20


@dataclass
class SentMessage:
    message_id: int
    chat_id: int
    kind: str  # text | photo | document
    text: str | None = None
    reply_markup: dict | None = None
    file_name: str | None = None
    data: bytes | None = None
    edits: int = 0
    at: float = field(default_factory=time.monotonic)  # when the server accepted it

    def button_rows(self) -> list[list[dict]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    def buttons(self) -> list[str]:
        return [b["text"] for row in self.button_rows() for b in row]

@dataclass
class Failure:
    method: str
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None


@dataclass
class Outage:
    """A spell of refusals: until `until` (time.monotonic()), a share `rate` of the calls to
    `method` get `status`, as Telegram answers while it is overloaded or down."""

    method: str
    status: int
    description: str
    until: float
    rate: float = 1.0
    retry_after: int | None = None


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    updates: list[dict] = field(default_factory=list)
    confirmed: int = 0
    sent: dict[int, list[SentMessage]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    refused: dict[tuple[str, int], int] = field(default_factory=dict)  # by (method, status)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    calls: list[str] = field(default_factory=list)
    delays: list[tuple[str, float]] = field(default_factory=list)
    holds: list[tuple[str, threading.Event]] = field(default_factory=list)
    commands: list[dict] = field(default_factory=list)
    recent: deque = field(default_factory=deque)  # when the last messages were accepted
    chat_last: dict[int, float] = field(default_factory=dict)
    group_recent: dict[int, deque] = field(default_factory=dict)
    limited: int = 0  # 429s given for going over the limits
    accepted: int = 0  # messages recorded, in all chats
    hold_after: int | None = None  # new messages wait past this many
    dropped_holds: int = 0  # times the waiting ones were let go without arriving
    holding: int = 0  # messages waiting now
    webhook_url: str = ""  # set: updates are POSTed there, getUpdates answers 409
    webhook_secret: str = ""
    webhook_answers: list[int] = field(default_factory=list)  # the statuses it answered
    webhook_calls: list[str] = field(default_factory=list)  # methods its answers carried
    polls: int = 0  # getUpdates calls so far: a newer one ends the one waiting


class LocalBotApi(LocalFake):
    server_name = "local Bot API server"

    def __init__(self, token: str = "123456789:LOCAL-TEST-TOKEN",
                 username: str = "caitien_local_bot", limits: Limits | None = None) -> None:
        super().__init__()
        self.token = token
        self.limits = limits
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.state = _State()
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._bots = {token: self}  # every bot this server answers for, by token

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def routes(self) -> list:
        return [
            Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
        ]

    # --- what tests and the demo use -------------------------------------------------------

    def add_bot(self, token: str, username: str) -> "LocalBotApi":
        """Another bot on this server (a school's own): its own chats, updates, webhook and
        limits, as Telegram keeps them per bot."""
        other = LocalBotApi(token, username, self.limits)
        other.port, other._bots, other.closing = self.port, self._bots, self.closing
        self._bots[token] = other
        return other

    def user(self, user_id: int, first_name: str, phone: str | None = None) -> "LocalUser":
        return LocalUser(self, user_id, first_name, phone)

    def block(self, chat_id: int) -> None:
        with self.state.lock:
            self.state.blocked.add(chat_id)

    def fail_next(self, method: str, status: int, description: str,
                  retry_after: int | None = None, chat_id: int | None = None) -> None:
        with self.state.lock:
            self.state.failures.append(Failure(method, status, description, retry_after,
                                               chat_id))

    def fail_for(self, method: str, seconds: float, status: int, description: str,
                 rate: float = 1.0, retry_after: int | None = None) -> None:
        """For the next `seconds`, answer a share `rate` of the calls to `method` with
        `status` (drawn from `state.rng`, seedable); spells may overlap, the first one
        started draws first."""
        with self.state.lock:
            self.state.outages.append(Outage(method, status, description,
                                             time.monotonic() + seconds, rate, retry_after))

    def refused(self, status: int | None = None) -> int:
        """How many calls were answered with an injected error (of `status`)."""
        with self.state.lock:
            return sum(n for (_, s), n in self.state.refused.items()
                       if status is None or s == status)

    def hold_messages_after(self, count: int | None) -> None:
        """Past `count` accepted messages, each new one waits until `release_held`."""
        with self.state.lock:
            self.state.hold_after = count

    def release_held(self, arrive: bool = True) -> None:
        """Let the waiting messages go: through, or (`arrive=False`) lost on the way, as
        the requests of a bot killed mid-send are."""
        with self.state.lock:
            self.state.hold_after = None
            if not arrive:
                self.state.dropped_holds += 1

    def message_count(self) -> int:
        with self.state.lock:
            return self.state.accepted

    def held_count(self) -> int:
        """How many messages are waiting for `release_held` now."""
        with self.state.lock:
            return self.state.holding

    def delay_next(self, method: str, seconds: float) -> None:
        """Answer the next call of `method` only after `seconds`, as a slow network does."""
        with self.state.lock:
            self.state.delays.append((method, seconds))

    def hold_next(self, method: str) -> threading.Event:
        """Answer the next call of `method` only once the event returned is set (or the fake
        stops): a call slow for as long as the test needs, however loaded the machine."""
        release = threading.Event()
        with self.state.lock:
            self.state.holds.append((method, release))
        return release

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        with self.state.lock:
            return list(self.state.sent.get(chat_id, []))

    def calls(self, method: str | None = None) -> list[str]:
        with self.state.lock:
            return [c for c in self.state.calls if method is None or c == method]

    def pending_updates(self) -> int:
        with self.state.lock:
            return sum(1 for u in self.state.updates if u["update_id"] >= self.state.confirmed)

    def push_update(self, payload: dict) -> int:
        with self.state.lock:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, **payload}
            self.state.updates.append(update)
            url, secret = self.state.webhook_url, self.state.webhook_secret
        if url:
            threading.Thread(target=self._post_update, args=(url, secret, update),
                             daemon=True).start()
        return update_id

    def _post_update(self, url: str, secret: str, update: dict, tries: int = 10) -> None:
        """As Telegram does: POST the update, and again after a pause until it gets a 2xx."""
        for attempt in range(tries):
            carried = None
            try:
                answer = httpx.post(url, json=update, timeout=60,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": secret})
                status = answer.status_code
                if 200 <= status < 300 and answer.content:
                    carried = answer.json()
            except httpx.HTTPError:
                status = 0
            with self.state.lock:
                self.state.webhook_answers.append(status)
                # A call in the answer: Telegram makes it, telling nobody how it went (Bot
                # API, "Making requests when getting updates").
                if carried is not None:
                    self.state.webhook_calls.append(carried.get("method"))
            if 200 <= status < 300:
                return
            time.sleep(0.2 * (attempt + 1))

    def add_file(self, data: bytes, name: str) -> tuple[str, str]:
        serial = next(self._ids)
        file_id = f"file-{serial}"
        # Named as Telegram names them: the path keeps the suffix, not the name it was sent
        # with (which would otherwise reach the log in the download's URL).
        suffix = f".{name.rpartition('.')[2]}" if "." in name else ""
        with self.state.lock:
            self.state.files[file_id] = (f"documents/file_{serial}{suffix}", data)
        return file_id, f"unique-{serial}"

    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Caitien",
                "username": self.username}

    # --- HTTP ------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        bot = self._bots.get(request.path_params["token"])
        if bot is None:
            return _error(401, "Unauthorized")
        return await bot._answer(request)

    async def _answer(self, request: Request) -> Response:
        method = request.path_params["method"]
        params = await _params(request)
        with self.state.lock:
            self.state.calls.append(method)
            failure = self._take_failure(method, params)
            delay = next((d for d in self.state.delays if d[0] == method), None)
            if delay is not None:
                self.state.delays.remove(delay)
            hold = next((h for h in self.state.holds if h[0] == method), None)
            if hold is not None:
                self.state.holds.remove(hold)
        if delay is not None:
            await self.pause(delay[1])
        while hold is not None and not hold[1].is_set() and not self.closing.is_set():
            await asyncio.sleep(0.02)
        if failure is not None:
            extra = {"retry_after": failure.retry_after} if failure.retry_after else None
            return _error(failure.status, failure.description, extra)
        if method == "getUpdates":
            if self.state.webhook_url:
                return _error(409, "Conflict: can't use getUpdates method while webhook is "
                                   "active; use deleteWebhook to delete the webhook first")
            updates = await self._get_updates(params)
            if updates is None:  # as Telegram answers the older of two pollers
                return _error(409, "Conflict: terminated by other getUpdates request; make "
                                   "sure that only one bot instance is running")
            return _ok(updates)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        chat_id = _int(params.get("chat_id"))
        if method in SEND_METHODS and chat_id in self.state.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if method in NEW_MESSAGES:
            if not await self._held(request):
                return Response(status_code=499)
            with self.state.lock:
                wait = self._over_limits(chat_id)
                if wait is not None:
                    self.state.limited += 1
            if wait is not None:
                return _error(429, f"Too Many Requests: retry after {wait}",
                              {"retry_after": wait})
        return handler(params)

    async def _held(self, request: Request) -> bool:
        """False when this message was held and then lost."""
        with self.state.lock:
            generation = self.state.dropped_holds
        waiting = False
        try:
            while True:
                with self.state.lock:
                    hold = self.state.hold_after
                    count = self.state.accepted
                    if self.state.dropped_holds != generation:
                        return False
                    if hold is None or count < hold:
                        return True
                    if not waiting:
                        self.state.holding += 1
                        waiting = True
                if self.closing.is_set():
                    return False
                await asyncio.sleep(0.02)
        finally:
            if waiting:
                with self.state.lock:
                    self.state.holding -= 1

    def _over_limits(self, chat_id: int | None) -> int | None:
        """None when this message may go now (and counts it); else seconds to wait."""
        limits = self.limits
        if limits is None:
            return None
        now = time.monotonic()
        recent = self.state.recent
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= limits.per_second:
            return max(1, math.ceil(recent[0] + 1.0 - now))
        if chat_id is not None and chat_id < 0:
            group = self.state.group_recent.setdefault(chat_id, deque())
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= limits.group_per_minute:
                return max(1, math.ceil(group[0] + 60.0 - now))
            group.append(now)
        elif chat_id is not None:
            # A "theoretical arrival time" per chat: at most chat_burst at once, then one
            # every chat_interval.
            due = max(self.state.chat_last.get(chat_id, now), now)
            allowance = (limits.chat_burst - 1) * limits.chat_interval
            if due - now > allowance:
                return max(1, math.ceil(due - allowance - now))
            self.state.chat_last[chat_id] = due + limits.chat_interval
        recent.append(now)
        return None

    def _take_failure(self, method: str, params: dict) -> Failure | None:
        chat_id = _int(params.get("chat_id"))
        found = None
        for failure in self.state.failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                self.state.failures.remove(failure)
                found = failure
                break
        now = time.monotonic()
        self.state.outages = [o for o in self.state.outages if o.until > now]
        for outage in self.state.outages:
            if (found is None and outage.method == method
                    and self.state.rng.random() < outage.rate):
                found = Failure(method, outage.status, outage.description, outage.retry_after)
        if found is not None:
            key = (method, found.status)
            self.state.refused[key] = self.state.refused.get(key, 0) + 1
        return found

    async def _download(self, request: Request) -> Response:
        bot = self._bots.get(request.path_params["token"])
        if bot is None:
            return Response(status_code=401)
        path = request.path_params["path"]
        with bot.state.lock:
            found = next((data for p, data in bot.state.files.values() if p == path), None)
        if found is None:
            return Response(status_code=404)
        return Response(found, media_type="application/octet-stream")

    async def _get_updates(self, params: dict) -> list[dict] | None:
        """The updates from the offset; None when another getUpdates came meanwhile (two
        processes polling one bot)."""
        offset = _int(params.get("offset")) or 0
        limit = _int(params.get("limit")) or 100
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self.state.lock:
            self.state.polls += 1
            mine = self.state.polls
        while True:
            with self.state.lock:
                if self.state.polls != mine:
                    return None
            with self.state.lock:
                # An offset confirms every update before it; without one, the unconfirmed.
                if offset:
                    self.state.confirmed = max(self.state.confirmed, offset)
                start = offset or self.state.confirmed
                ready = [u for u in self.state.updates if u["update_id"] >= start][:limit]
            if ready or time.monotonic() >= deadline or self.closing.is_set():
                return ready
            await asyncio.sleep(0.01)

    def _m_getMe(self, params: dict) -> Response:
        return _ok({**self.bot_user(), "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False})

    def _m_deleteWebhook(self, params: dict) -> Response:
        with self.state.lock:
            self.state.webhook_url = self.state.webhook_secret = ""
        return _ok(True)

    def _m_setWebhook(self, params: dict) -> Response:
        secret = params.get("secret_token") or ""
        if not str(params.get("url", "")).startswith(("https://", "http://127.0.0.1")):
            return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        with self.state.lock:
            self.state.webhook_url, self.state.webhook_secret = params["url"], secret
        return _ok(True)

    def _m_getWebhookInfo(self, params: dict) -> Response:
        with self.state.lock:
            return _ok({"url": self.state.webhook_url, "has_custom_certificate": False,
                        "pending_update_count": 0})

    def _m_setMyCommands(self, params: dict) -> Response:
        with self.state.lock:
            self.state.commands = params.get("commands") or []
        return _ok(True)

    def _m_getMyCommands(self, params: dict) -> Response:
        return _ok(self.state.commands)

    def _m_answerCallbackQuery(self, params: dict) -> Response:
        return _ok(True)

    def _m_sendChatAction(self, params: dict) -> Response:
        return _ok(True)

    def _m_sendMessage(self, params: dict) -> Response:
        if not params.get("text"):
            return _error(400, "Bad Request: message text is empty")
        if len(params["text"]) > 4096:
            return _error(400, "Bad Request: message is too long")
        return self._record(params, "text", text=params["text"])

    def _m_sendPhoto(self, params: dict) -> Response:
        return self._record(params, "photo", text=params.get("caption"),
                            upload=params.get("photo"))

    def _m_sendDocument(self, params: dict) -> Response:
        return self._record(params, "document", text=params.get("caption"),
                            upload=params.get("document"))

    def _m_editMessageText(self, params: dict) -> Response:
        return self._edit(params, text=params.get("text"))

    def _m_editMessageReplyMarkup(self, params: dict) -> Response:
        return self._edit(params)

    def _m_getFile(self, params: dict) -> Response:
        file_id = params.get("file_id")
        with self.state.lock:
            found = self.state.files.get(file_id)
        if found is None:
            return _error(400, "Bad Request: invalid file_id")
        path, data = found
        return _ok({"file_id": file_id, "file_unique_id": f"u-{file_id}",
                    "file_size": len(data), "file_path": path})

    def _record(self, params: dict, kind: str, text: str | None = None,
                upload: tuple[str, bytes] | str | None = None) -> Response:
        chat_id = _int(params.get("chat_id"))
        name, data = upload if isinstance(upload, tuple) else (None, None)
        message = SentMessage(next(self._ids), chat_id, kind, text, params.get("reply_markup"),
                              name, data)
        with self.state.lock:
            self.state.sent.setdefault(chat_id, []).append(message)
            self.state.accepted += 1
        return _ok(self._message_json(message))

    def _edit(self, params: dict, text: str | None = None) -> Response:
        chat_id = _int(params.get("chat_id"))
        message_id = _int(params.get("message_id"))
        with self.state.lock:
            message = next((m for m in self.state.sent.get(chat_id, [])
                            if m.message_id == message_id), None)
            if message is None:
                return _error(400, "Bad Request: message to edit not found")
            if text is not None:
                message.text = text
            message.reply_markup = params.get("reply_markup")
            message.edits += 1
        return _ok(self._message_json(message))

    def _message_json(self, message: SentMessage) -> dict:
        data = {"message_id": message.message_id, "date": int(time.time()),
                "chat": {"id": message.chat_id, "type": "private"}, "from": self.bot_user()}
        if message.kind == "text":
            data["text"] = message.text
        elif message.kind == "photo":
            data["photo"] = [{"file_id": f"sent-{message.message_id}",
                              "file_unique_id": f"su-{message.message_id}",
                              "width": 800, "height": 600}]
        else:
            data["document"] = {"file_id": f"sent-{message.message_id}",
                                "file_unique_id": f"su-{message.message_id}",
                                "file_name": message.file_name}
        if message.kind != "text" and message.text:
            data["caption"] = message.text
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data


class LocalUser:
    """A person chatting with the bot in a private chat."""

    def __init__(self, api: LocalBotApi, user_id: int, first_name: str,
                 phone: str | None) -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.phone = phone
        self._seen = 0

    def _message(self, **content) -> dict:
        message = {"message_id": next(self.api._ids), "date": int(time.time()),
                   "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
                   "from": {"id": self.id, "is_bot": False, "first_name": self.first_name},
                   **content}
        self.api.push_update({"message": message})
        return message

    def send(self, text: str) -> None:
        content: dict = {"text": text}
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command)}]
        self._message(**content)

    def share_contact(self, phone: str | None = None, owner_id: int | None = None,
                      first_name: str | None = None) -> None:
        """Share a contact: by default one's own; `owner_id` makes it someone else's."""
        contact = {"phone_number": phone or self.phone,
                   "first_name": first_name or self.first_name}
        user_id = self.id if owner_id is None else owner_id
        if user_id:
            contact["user_id"] = user_id
        self._message(contact=contact)

    def send_photo(self, data: bytes, caption: str | None = None) -> None:
        file_id, unique = self.api.add_file(data, "photo.jpg")
        content: dict = {"photo": [{"file_id": file_id, "file_unique_id": unique,
                                    "width": 1280, "height": 960, "file_size": len(data)}]}
        if caption:
            content["caption"] = caption
        self._message(**content)

    def send_document(self, data: bytes, file_name: str, mime_type: str,
                      size: int | None = None) -> None:
        file_id, unique = self.api.add_file(data, file_name)
        self._message(document={"file_id": file_id, "file_unique_id": unique,
                                "file_name": file_name, "mime_type": mime_type,
                                "file_size": size if size is not None else len(data)})

    def send_sticker(self) -> None:
        self._message(sticker={"file_id": "sticker-1", "file_unique_id": "s1", "width": 512,
                               "height": 512, "is_animated": False, "is_video": False,
                               "type": "regular"})

    def send_voice(self) -> None:
        self._message(voice={"file_id": "voice-1", "file_unique_id": "v1", "duration": 3})

    def press(self, label: str) -> None:
        """Press the inline button whose text starts with `label`, on the newest message
        that has one."""
        for message in reversed(self.api.sent_to(self.id)):
            for row in message.button_rows():
                for button in row:
                    if button["text"].startswith(label):
                        self.press_data(button["callback_data"], message)
                        return
        raise LookupError(f"no button {label!r} in chat {self.id}")

    def press_data(self, data: str, message: SentMessage | None = None) -> None:
        message = message or self.api.sent_to(self.id)[-1]
        self.api.push_update({"callback_query": {
            "id": str(next(self.api._ids)),
            "from": {"id": self.id, "is_bot": False, "first_name": self.first_name},
            "chat_instance": str(self.id),
            "data": data,
            "message": {"message_id": message.message_id, "date": int(time.time()),
                        "chat": {"id": self.id, "type": "private"},
                        "from": self.api.bot_user(), "text": message.text or ""},
        }})

    def all_replies(self) -> list[SentMessage]:
        return self.api.sent_to(self.id)

    async def replies(self, count: int = 1, timeout: float = 15.0) -> list[SentMessage]:
        """Wait for `count` new messages from the bot, then a moment for stragglers."""
        deadline = time.monotonic() + timeout
        while True:
            sent = self.api.sent_to(self.id)
            if len(sent) - self._seen >= count:
                await asyncio.sleep(0.15)
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"user {self.id} waited for {count} replies, got "
                    f"{[m.text for m in sent[self._seen:]]}")
            await asyncio.sleep(0.01)
        sent = self.api.sent_to(self.id)
        new, self._seen = sent[self._seen:], len(sent)
        return new

    async def reply(self, timeout: float = 15.0) -> SentMessage:
        """All the new messages folded into one: their texts joined, the last one's markup."""
        new = await self.replies(1, timeout)
        joined = SentMessage(new[-1].message_id, self.id, "text",
                             "\n\n".join(m.text or "" for m in new), new[-1].reply_markup)
        return joined


async def _params(request: Request) -> dict:
    if request.method == "GET":
        raw = dict(request.query_params)
    elif request.headers.get("content-type", "").startswith("application/json"):
        raw = await request.json()
    else:
        form = await request.form()
        raw = {}
        for key, value in form.multi_items():
            if hasattr(value, "read"):
                raw[key] = (value.filename, await value.read())
            else:
                raw[key] = value
    params = {}
    for key, value in raw.items():
        if key in JSON_FIELDS and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass
        params[key] = value
    # PTB sends an uploaded file as "attach://name" in the field and the bytes under name.
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = raw.get(value.removeprefix("attach://"))
    return params


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ok(result) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict | None = None) -> JSONResponse:
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)
