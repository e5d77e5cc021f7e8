"""Files sent as download links: kept in the database (every replica serves them) until
their link expires."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import Download


def keep_download(session: Session, name: str, mime_type: str, content: bytes,
                  now: datetime, lifetime: timedelta) -> Download:
    """The file, stored until now + lifetime. The same file sent to many people at once (the
    digest's chart) is stored once while its copy has more than half its life ahead."""
    digest = hashlib.sha256(name.encode() + b"\0" + content).hexdigest()
    found = session.scalar(select(Download).where(
        Download.digest == digest, Download.expires_at > now + lifetime / 2)
        .order_by(Download.expires_at.desc()).limit(1))
    if found is not None:
        return found
    session.execute(delete(Download).where(Download.expires_at <= now))
    download = Download(digest=digest, name=name, mime_type=mime_type, content=content,
                        created_at=now, expires_at=now + lifetime)
    session.add(download)
    session.flush()
    return download


def live_download(session: Session, download_id: int, now: datetime) -> Download | None:
    download = session.get(Download, download_id)
    return download if download is not None and download.expires_at > now else None
