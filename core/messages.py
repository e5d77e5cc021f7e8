"""What a channel adapter hands the engine, what it gets back, and what the channel can
do."""

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
    bot: str | None = None  # which of the channel's bots it came through; None: the default
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
    listed: bool = False  # the text already numbers the buttons, in their order
    # Sent only if the bot and the chat are free now, else dropped: an answer to someone we
    # do not know must never make a member of staff wait.
    best_effort: bool = False


def private_chats(_chat_id: str) -> bool:
    return False


@dataclass(frozen=True)
class Capabilities:
    """What one channel can do; the engine and the sender shape what they send by it."""

    name: str
    buttons: bool = True
    edit: bool = True  # change a message already sent (take its buttons off)
    contact: bool = True  # a person can share their phone number
    documents_out: bool = True  # Word and Excel files can be sent
    photos_out: bool = True  # a picture can be sent (the digest's chart)
    files_in: bool = True  # a person can send files other than photos
    max_file_bytes: int = 20 * 1024 * 1024  # the largest file the bot may fetch
    max_text: int = 4096
    groups: bool = True
    per_second: float = 30.0  # messages a second from one bot, in all
    chat_interval: float = 1.0  # seconds between messages to one chat, over a short burst
    chat_burst: int = 3
    group_per_minute: int = 20
    is_group: Callable[[str], bool] = private_chats


EVERYTHING = Capabilities("any")


Fetch = Callable[[Attachment], Awaitable[bytes]]
