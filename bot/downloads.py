"""Files as download links, for channels that cannot carry them (Zalo): the report a
principal asked for, the digest's chart. `caitien serve` answers
`GET /files/<id>/<expiry>/<signature>/<name>`; a link works for the file it was made for,
until it expires, and guessing or altering any part of it gets 404."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import bot.url_ids  # noqa: F401  (the {name:id} path parameter)
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.clock import Clock
from storage.db import writing
from storage.downloads import keep_download, live_download
from storage.settings import lasting_setting
from templates.render import Renderer

PATH = "/files/{id:id}/{expires:int}/{signature}/{name}"
KEY_SETTING = "downloads.signing_key"


class Links:
    def __init__(self, sessions: sessionmaker[Session], renderer: Renderer, clock: Clock,
                 public_url: str, hours: float, timezone_name: str) -> None:
        self.sessions = sessions
        self.renderer = renderer
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.lifetime = timedelta(hours=hours)
        self.tz = ZoneInfo(timezone_name)
        self._key: bytes | None = None

    async def publish(self, name: str, mime_type: str, content: bytes) -> tuple[str, str]:
        """(the link, until when it works as people read it: "17:05 27/11/2026")."""
        return await asyncio.to_thread(self._publish, name, mime_type, content)

    def _publish(self, name: str, mime_type: str, content: bytes) -> tuple[str, str]:
        key = self._signing_key()
        with writing(self.sessions) as session:
            kept = keep_download(session, name, mime_type, content, self.clock.now(),
                                 self.lifetime)
            download_id, expires_at = kept.id, kept.expires_at
        expires = int(expires_at.timestamp())
        signature = _sign(key, download_id, expires)
        url = f"{self.public_url}/files/{download_id}/{expires}/{signature}/{quote(name)}"
        return url, expires_at.astimezone(self.tz).strftime("%H:%M %d/%m/%Y")

    async def serve(self, request: Request) -> Response:
        params = request.path_params
        found = await asyncio.to_thread(self._find, params["id"], params["expires"],
                                        params["signature"])
        if found is None:
            return HTMLResponse(self.renderer.text("web/link_gone.j2"), status_code=404)
        name, mime_type, content = found
        return Response(content, media_type=mime_type, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})

    def _find(self, download_id: int, expires: int, signature: str):
        now = self.clock.now()
        if expires <= now.timestamp():
            return None
        if not hmac.compare_digest(signature.encode(),
                                   _sign(self._signing_key(), download_id, expires).encode()):
            return None
        with self.sessions() as session:
            download = live_download(session, download_id, now)
            if download is None or int(download.expires_at.timestamp()) != expires:
                return None
            return download.name, download.mime_type, download.content

    def _signing_key(self) -> bytes:
        """Made once for the deployment, then kept in memory: a GET reads no more than its
        file."""
        if self._key is None:
            with writing(self.sessions) as session:
                self._key = lasting_setting(session, KEY_SETTING,
                                            secrets.token_hex(32)).encode()
        return self._key


def _sign(key: bytes, download_id: int, expires: int) -> str:
    mac = hmac.new(key, f"{download_id}:{expires}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]
