"""What every page of the console shares: the signed session cookie, the CSRF token of
each form, and the security headers."""

from __future__ import annotations

import hashlib
import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "caitien_web"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# Scripts and styles only from our own files; no frames, no foreign form targets.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def sign(key: bytes, token: str) -> str:
    return f"{token}.{_mac(key, 'cookie', token)}"


def unsign(key: bytes, value: str | None) -> str | None:
    token, _, mac = (value or "").rpartition(".")
    if not token or not hmac.compare_digest(mac, _mac(key, "cookie", token)):
        return None
    return token


def csrf_token(key: bytes, session_token: str) -> str:
    return _mac(key, "csrf", session_token)


def csrf_ok(key: bytes, session_token: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(sent, csrf_token(key, session_token))


def _mac(key: bytes, purpose: str, token: str) -> str:
    return hmac.new(key, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()[:43]


class SecurityHeaders:
    """Adds the headers to every response under /web (pages, downloads, the sandbox)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)
