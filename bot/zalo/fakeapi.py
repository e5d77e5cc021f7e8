"""A local HTTP server that speaks the part of the Zalo Bot Platform API this bot uses.

The tests and the demo point the Zalo client at it. People are simulated with FakeZaloUser:
what they send becomes updates (queued for getUpdates, or POSTed to the webhook); what the
bot sends is kept per chat. Errors Zalo really returns (429 "Quota exceeded", any other) can
be injected, and it can behave as the real platform was seen to, each switched on by a test:

- a chat that refuses the bot answers 422 "You are not permitted to send messages to this
  chat_id" (recorded from a real bot in the tests of the @openclaw/zalo channel and other
  clients; Zalo's own error table has 403 as "Internal server error", not as a refusal); a
  chat id Zalo no longer knows answers 410 "The chat_id is invalid";
- `replay=True`: an update already handed out is handed out again at once while nothing
  newer came (getUpdates has no offset; measured against a real bot by zalo-bot-mcp, whose
  poller keeps a floor between polls for it);
- `instant_idle=True`: an idle getUpdates answers 408 at once instead of after `timeout`;
- `monthly_quota=N`: past N messages (texts, photos, stickers) the bot answers 429 «Quota
  exceeded» until `new_month()`. The Basic (free) plan allows 3,000 outgoing messages a
  month per bot, as documented by several client libraries (python-zalo-bot, zalo-bot-mcp,
  the @openclaw/zalo channel), answered with this 429 once spent;
- `media_delay`: the image server takes that many seconds to answer (people's photos come
  as links to Zalo's CDN, which the bot must fetch: a slow one was seen to take 7 s);
- `ZaloLimits.users`: a bot reaches at most that many people (the Basic plan of the Zalo
  Bot Platform: 50 users a bot, 3 bots an account, as documented by several client
  libraries — python-zalo-bot, zalo-bot-mcp, the @openclaw/zalo channel): sending to a
  chat past that many distinct ones is refused. No source records the error itself; it is
  modelled as the refusal to a chat they do record, 422 "You are not permitted to send
  messages to this chat_id".

getMe answers, as the real platform does, with the bot's handle (`account_name`,
«bot.<id>») and the name people see (`display_name`)."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.local_server import LocalFake
from core.text import utf16_len

TEXT_LIMIT = 2000  # "từ 1 đến 2000 ký tự", counted as the clients count: UTF-16 units
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TO_A_CHAT = {"sendMessage", "sendPhoto", "sendSticker", "sendChatAction"}
RECORDED = {"sendMessage", "sendPhoto", "sendSticker"}  # what counts against the limits
LOCAL_WEBHOOKS = ("https://", "http://127.0.0.1", "http://localhost")


@dataclass(frozen=True)
class ZaloLimits:
    """Messages the bot may send: in any one second, in all; and the least time between two
    to one chat. None switches a limit off. Over them, 429 "Quota exceeded"."""

    per_second: float | None = 20
    chat_interval: float | None = 0.0
    users: int | None = None  # distinct chats a bot may send to (Basic plan: 50)


@dataclass
class ZaloSent:
    message_id: str
    chat_id: str
    kind: str  # text | photo | sticker
    text: str | None = None  # the message's text, or the photo's caption
    photo_url: str | None = None
    data: bytes | None = None  # the photo's bytes, as fetched when it was sent
    at: float = field(default_factory=time.monotonic)  # when the server accepted it
    sticker: str | None = None


class _Refused(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    updates: deque[dict] = field(default_factory=deque)
    sent: dict[str, list[ZaloSent]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    gone: set[str] = field(default_factory=set)
    last_update: dict | None = None  # the last one handed out, for `replay`
    failures: list[tuple[str, int, str]] = field(default_factory=list)
    delays: list[tuple[str, float]] = field(default_factory=list)
    recent: deque[float] = field(default_factory=deque)  # when the last messages went
    chat_last: dict[str, float] = field(default_factory=dict)
    reached: set[str] = field(default_factory=set)  # the chats sent to, against `users`
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_updated_at: int = 0
    pushes: list[int] = field(default_factory=list)  # each push's final status; 0: no answer
    month_sent: int = 0  # messages this month, against `monthly_quota`


class FakeZaloApi(LocalFake):
    server_name = "fake Zalo API server"
    graceful_seconds = 1

    def __init__(self, token: str = "1234567890:ZALO-LOCAL-TOKEN", name: str = "Caitien",
                 limits: ZaloLimits | None = None, wrap_webhook: bool = True,
                 replay: bool = False, instant_idle: bool = False,
                 monthly_quota: int | None = None) -> None:
        super().__init__()
        self.token, self.name, self.limits = token, name, limits
        self.monthly_quota = monthly_quota
        self.replay, self.instant_idle = replay, instant_idle
        self.media_delay = 0.0
        self.bot_id = token.split(":", 1)[0]
        self.wrap_webhook = wrap_webhook  # webhook body {"ok": true, "result": update}
        self.state = _State()
        self._bots = {token: self}  # every bot this server answers for, by token
        self._media: dict[str, tuple[str, bytes]] = {}  # served at /img/{name}, shared

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self) -> list:
        return [
            Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
            Route("/img/{name}", self._serve_media, methods=["GET"]),
        ]

    # --- what tests and the demo use -------------------------------------------------------

    def add_bot(self, token: str, name: str) -> "FakeZaloApi":
        """Another bot on this server: its own chats, updates, webhook and limits."""
        other = FakeZaloApi(token, name, self.limits, self.wrap_webhook, self.replay,
                            self.instant_idle, self.monthly_quota)
        other.port, other._bots, other._media = self.port, self._bots, self._media
        other.closing = self.closing
        self._bots[token] = other
        return other

    def user(self, user_id: str, display_name: str) -> "FakeZaloUser":
        return FakeZaloUser(self, user_id, display_name)

    def add_image(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Serve `data` at a new URL on this server, as Zalo's CDN serves what users send."""
        name = uuid.uuid4().hex + (mimetypes.guess_extension(content_type) or ".bin")
        self._media[name] = (content_type, data)
        return f"{self.base_url}/img/{name}"

    def block(self, chat_id: str) -> None:
        with self.state.lock:
            self.state.blocked.add(chat_id)

    def forget_chat(self, chat_id: str) -> None:
        """Zalo no longer knows this chat id (410)."""
        with self.state.lock:
            self.state.gone.add(chat_id)

    def fail_next(self, method: str, status: int, description: str) -> None:
        with self.state.lock:
            self.state.failures.append((method, status, description))

    def delay_next(self, method: str, seconds: float) -> None:
        """Answer the next call of `method` only after `seconds`, as a slow network does."""
        with self.state.lock:
            self.state.delays.append((method, seconds))

    def sent_to(self, chat_id: str) -> list[ZaloSent]:
        with self.state.lock:
            return list(self.state.sent.get(chat_id, []))

    def calls(self, method: str | None = None) -> list[str]:
        with self.state.lock:
            return [c for c in self.state.calls if method is None or c == method]

    def pending_updates(self) -> int:
        with self.state.lock:
            return len(self.state.updates)

    def message_count(self) -> int:
        with self.state.lock:
            return sum(len(messages) for messages in self.state.sent.values())

    def webhook_pushes(self) -> list[int]:
        """The final HTTP status of each finished webhook push (0: no answer), in order."""
        with self.state.lock:
            return list(self.state.pushes)

    def push_update(self, update: dict) -> None:
        """Deliver an update: POSTed to the webhook when one is set, else queued."""
        with self.state.lock:
            url, secret = self.state.webhook_url, self.state.webhook_secret
            if not url:
                self.state.updates.append(update)
        if url:
            body = {"ok": True, "result": update} if self.wrap_webhook else update
            threading.Thread(target=self._post_update, args=(url, secret, body),
                             daemon=True).start()

    def _post_update(self, url: str, secret: str, body: dict, tries: int = 4) -> None:
        """POST the update, and again after a short pause until it gets a 2xx."""
        for attempt in range(tries):
            if attempt:
                time.sleep(0.05 * 2 ** (attempt - 1))
            try:
                status = httpx.post(url, json=body, headers={SECRET_HEADER: secret},
                                    timeout=30).status_code
            except httpx.HTTPError:
                status = 0
            if 200 <= status < 300:
                break
        with self.state.lock:
            self.state.pushes.append(status)

    # --- HTTP ------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        bot = self._bots.get(request.path_params["token"])
        if bot is None:
            return _error(401, "Unauthorized")
        try:
            return _ok(await bot._answer(request.path_params["method"], request))
        except _Refused as refused:
            return _error(refused.status, refused.description)

    async def _answer(self, method: str, request: Request):
        params = await _params(request)
        with self.state.lock:
            self.state.calls.append(method)
            failure = _take(self.state.failures, method)
            delay = _take(self.state.delays, method)
        if delay is not None:
            await self.pause(delay[1])
        if failure is not None:
            raise _Refused(failure[1], failure[2])
        if method == "getUpdates":
            return await self._get_updates(params, request)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            raise _Refused(404, "Method not found")
        if method in TO_A_CHAT:
            chat_id = str(params.get("chat_id") or "")
            if not chat_id:
                raise _Refused(400, "chat_id is required")
            if chat_id in self.state.gone:
                raise _Refused(410, "The chat_id is invalid")
            if chat_id in self.state.blocked:
                raise _Refused(422, "You are not permitted to send messages to this chat_id")
            if method in RECORDED:
                self._count_against_limits(chat_id)
        return await handler(params)

    def new_month(self) -> None:
        """The calendar month turned: the monthly quota is whole again."""
        with self.state.lock:
            self.state.month_sent = 0

    def _count_against_limits(self, chat_id: str) -> None:
        with self.state.lock:
            if self.monthly_quota is not None and self.state.month_sent >= self.monthly_quota:
                raise _Refused(429, "Quota exceeded")
        self._count_per_second(chat_id)
        with self.state.lock:
            self.state.month_sent += 1

    def _count_per_second(self, chat_id: str) -> None:
        limits = self.limits
        if limits is None:
            return
        now = time.monotonic()
        with self.state.lock:
            reached = self.state.reached
            if (limits.users is not None and chat_id not in reached
                    and len(reached) >= limits.users):
                raise _Refused(422, "You are not permitted to send messages to this chat_id")
            recent, last = self.state.recent, self.state.chat_last.get(chat_id)
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            if ((limits.per_second is not None and len(recent) >= limits.per_second)
                    or (limits.chat_interval is not None and last is not None
                        and now - last < limits.chat_interval)):
                raise _Refused(429, "Quota exceeded")
            recent.append(now)
            self.state.chat_last[chat_id] = now
            reached.add(chat_id)

    async def _serve_media(self, request: Request) -> Response:
        # `media_delay` is read again while the image is held, so a test can hold it for as
        # long as it looks and then let it go (0) instead of racing a fixed delay.
        started = time.monotonic()
        while time.monotonic() - started < self.media_delay and not self.closing.is_set():
            await asyncio.sleep(0.02)
        found = self._media.get(request.path_params["name"])
        if found is None:
            return Response(status_code=404)
        return Response(found[1], media_type=found[0])

    async def _m_getMe(self, params: dict) -> dict:
        return {"id": self.bot_id, "account_name": f"bot.{self.bot_id}",
                "display_name": self.name, "account_type": "BASIC", "can_join_groups": False}

    async def _get_updates(self, params: dict, request: Request) -> dict:
        """One update, waiting up to `timeout`; none is taken for a poller that went away."""
        if self.state.webhook_url:
            raise _Refused(400, "Webhook is active; delete it to use getUpdates")
        try:
            deadline = time.monotonic() + float(params.get("timeout", 30))
        except (TypeError, ValueError):
            raise _Refused(400, "timeout must be a number") from None
        while True:
            with self.state.lock:
                if self.state.updates:
                    self.state.last_update = self.state.updates.popleft()
                    return self.state.last_update
                if self.replay and self.state.last_update is not None:
                    return self.state.last_update
            if (self.instant_idle or time.monotonic() >= deadline or self.closing.is_set()
                    or await request.is_disconnected()):
                raise _Refused(408, "Request timeout")
            await asyncio.sleep(0.01)

    async def _m_setWebhook(self, params: dict) -> dict:
        url, secret = str(params.get("url") or ""), str(params.get("secret_token") or "")
        if not url.startswith(LOCAL_WEBHOOKS):
            raise _Refused(400, "Webhook url must be https")
        if not 8 <= len(secret) <= 256:
            raise _Refused(400, "secret_token must be 8 to 256 characters")
        return self._set_webhook(url, secret)

    async def _m_deleteWebhook(self, params: dict) -> dict:
        return self._set_webhook("", "")

    async def _m_getWebhookInfo(self, params: dict) -> dict:
        with self.state.lock:
            return {"url": self.state.webhook_url, "updated_at": self.state.webhook_updated_at}

    def _set_webhook(self, url: str, secret: str) -> dict:
        with self.state.lock:
            self.state.webhook_url, self.state.webhook_secret = url, secret
            self.state.webhook_updated_at = _now_ms()
            return {"url": url, "updated_at": self.state.webhook_updated_at}

    async def _m_sendChatAction(self, params: dict) -> bool:
        return True

    async def _m_sendMessage(self, params: dict) -> dict:
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= utf16_len(text) <= TEXT_LIMIT:
            raise _Refused(400, f"text must be 1 to {TEXT_LIMIT} characters")
        return self._record(ZaloSent(_hex(), str(params["chat_id"]), "text", text))

    async def _m_sendPhoto(self, params: dict) -> dict:
        url, caption = params.get("photo"), params.get("caption")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _Refused(400, "photo must be a URL")
        if caption is not None and utf16_len(str(caption)) > TEXT_LIMIT:
            raise _Refused(400, f"caption must be at most {TEXT_LIMIT} characters")
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                answer = await client.get(url)
        except (httpx.HTTPError, httpx.InvalidURL):
            answer = None
        if answer is None or answer.status_code != 200:
            raise _Refused(400, "photo url not reachable")
        return self._record(ZaloSent(_hex(), str(params["chat_id"]), "photo", caption, url,
                                     answer.content))

    async def _m_sendSticker(self, params: dict) -> dict:
        sticker = params.get("sticker")
        if not sticker:
            raise _Refused(400, "sticker is required")
        return self._record(ZaloSent(_hex(), str(params["chat_id"]), "sticker",
                                     sticker=str(sticker)))

    def _record(self, message: ZaloSent) -> dict:
        with self.state.lock:
            self.state.sent.setdefault(message.chat_id, []).append(message)
        return {"message_id": message.message_id, "date": _now_ms()}


class FakeZaloUser:
    """A person chatting with the bot; in a private chat, the chat's id is the user's."""

    def __init__(self, api: FakeZaloApi, user_id: str, display_name: str) -> None:
        self.api, self.id, self.display_name = api, user_id, display_name
        self.last_update: dict | None = None
        self._seen = 0

    def _event(self, event_name: str, chat: dict | None = None, **content) -> dict:
        message = {"message_id": _hex(), "date": _now_ms(),
                   "from": {"id": self.id, "display_name": self.display_name, "is_bot": False},
                   "chat": chat or {"id": self.id, "chat_type": "PRIVATE"}, **content}
        self.last_update = {"event_name": event_name, "message": message}
        self.api.push_update(self.last_update)
        return self.last_update

    def send(self, text: str) -> dict:
        return self._event("message.text.received", text=text)

    def send_in_group(self, group_id: str, text: str) -> dict:
        return self._event("message.text.received", {"id": group_id, "chat_type": "GROUP"},
                           text=text)

    def send_image(self, data: bytes, caption: str | None = None,
                   content_type: str = "image/jpeg", key: str = "photo_url") -> dict:
        """An image, served by the fake; `key="photo"` names the URL as some payloads do."""
        content = {key: self.api.add_image(data, content_type)}
        if caption is not None:
            content["caption"] = caption
        return self._event("message.image.received", **content)

    def send_sticker(self, sticker: str = "bfe3fe1c3d49d41a8d58") -> dict:
        return self._event("message.sticker.received", sticker=sticker)

    def send_voice(self, data: bytes = b"voice", content_type: str = "audio/aac") -> dict:
        return self._event("message.voice.received", url=self.api.add_image(data, content_type))

    def send_unsupported(self) -> dict:
        """What a document, a file or a location looks like: the ids, nothing else."""
        return self._event("message.unsupported.received")

    def resend_last(self) -> None:
        """Deliver the last update again, identical, as Zalo does after a failed push."""
        if self.last_update is None:
            raise LookupError(f"user {self.id} has sent nothing yet")
        self.api.push_update(self.last_update)

    def all_replies(self) -> list[ZaloSent]:
        return self.api.sent_to(self.id)

    async def replies(self, count: int = 1, timeout: float = 15.0) -> list[ZaloSent]:
        """Wait for `count` new messages from the bot, then a moment for stragglers."""
        deadline = time.monotonic() + timeout
        while len(self.api.sent_to(self.id)) - self._seen < count:
            if time.monotonic() > deadline:
                got = [m.text for m in self.api.sent_to(self.id)[self._seen:]]
                raise TimeoutError(f"user {self.id} waited for {count} replies, got {got}")
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.15)
        sent = self.api.sent_to(self.id)
        new, self._seen = sent[self._seen:], len(sent)
        return new

    async def reply(self, timeout: float = 15.0) -> ZaloSent:
        """All the new messages folded into one: their texts joined."""
        new = await self.replies(1, timeout)
        return ZaloSent(new[-1].message_id, self.id, "text",
                        "\n\n".join(m.text or "" for m in new))


async def _params(request: Request) -> dict:
    """Query, then form or JSON body, merged: Zalo takes parameters any of these ways."""
    params: dict = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            raise _Refused(400, "Invalid JSON body") from None
        if not isinstance(body, dict):
            raise _Refused(400, "Invalid JSON body")
        params.update(body)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        params.update(form.multi_items())  # an uploaded file stays an UploadFile
    return params


def _take(items: list[tuple], method: str) -> tuple | None:
    found = next((item for item in items if item[0] == method), None)
    if found is not None:
        items.remove(found)
    return found


def _hex() -> str:
    return uuid.uuid4().hex


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ok(result) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": status, "description": description},
                        status_code=status)
