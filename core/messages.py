"""What a channel adapter hands the engine, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Awaitable, Callable


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    kind: str  # "photo" | "document"
    ref: str  # the channel's file id
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass
class Incoming:
    channel: str
    user_id: str
    chat_id: str
    event_id: str | None = None
    private: bool = True
    text: str | None = None
    command: str | None = None
    args: str = ""
    choice: str | None = None
    contact_phone: str | None = None
    contact_user_id: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    unsupported: str | None = None  # "sticker", "voice", ... what we cannot read


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    ask_contact: str | None = None  # label of a share-my-phone button
    remove_keyboard: bool = False
    document: tuple[str, bytes] | None = None  # (file name, content), `text` its caption
    photo: bytes | None = None  # a PNG, `text` its caption


Fetch = Callable[[Attachment], Awaitable[bytes]]
