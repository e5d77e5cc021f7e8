"""What a channel adapter hands the engine, what it gets back, and what the channel can
do."""

from __future__ import annotations

import base64
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


def reply_to_body(reply: Reply, files: bool = True) -> dict:
    """A reply as JSON, the one form the outbox, the record of an answered event and the
    reminders keep: everything a channel needs to send it again as it was. Without `files`,
    a document or photo is left out (the record of an event keeps only words)."""
    body: dict = {"text": reply.text,
                  "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons]}
    if reply.ask_contact is not None:
        body["ask_contact"] = reply.ask_contact
    if reply.remove_keyboard:
        body["remove_keyboard"] = True
    if reply.listed:
        body["listed"] = True
    if files and reply.document is not None:
        name, data = reply.document
        body["document"] = {"name": name, "data": base64.b64encode(data).decode()}
    if files and reply.photo is not None:
        body["photo"] = base64.b64encode(reply.photo).decode()
    return body


def reply_from_body(body: dict) -> Reply:
    document = body.get("document")
    photo = body.get("photo")
    return Reply(body.get("text", ""),
                 [[Button(label, data) for label, data in row] for row in body.get("buttons", [])],
                 ask_contact=body.get("ask_contact"),
                 remove_keyboard=bool(body.get("remove_keyboard")),
                 document=(document["name"], base64.b64decode(document["data"]))
                 if document else None,
                 photo=base64.b64decode(photo) if photo else None,
                 listed=bool(body.get("listed")))


def private_chats(_chat_id: str) -> bool:
    return False


@dataclass(frozen=True)
class Capabilities:
    """What one channel can do; the engine and the sender shape what they send by it."""

    name: str
    buttons: bool = True
    contact: bool = True  # a person can share their phone number
    documents_out: bool = True  # Word and Excel files can be sent
    photos_out: bool = True  # a picture can be sent (the digest's chart)
    files_in: bool = True  # a person can send files other than photos
    max_file_bytes: int = 20 * 1024 * 1024  # the largest file the bot may fetch
    max_text: int = 4096
    # Outgoing messages a bot may send in a calendar month (Zalo's plans); None: no quota.
    monthly_messages: int | None = None
    groups: bool = True
    per_second: float = 30.0  # messages a second from one bot, in all
    chat_interval: float = 1.0  # seconds between messages to one chat, over a short burst
    chat_burst: int = 3
    group_per_minute: int = 20
    is_group: Callable[[str], bool] = private_chats
    users_per_bot: int | None = None  # people one bot may carry (Zalo); None: no limit


EVERYTHING = Capabilities("any")


Fetch = Callable[[Attachment], Awaitable[bytes]]
