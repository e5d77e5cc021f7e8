"""The demo's scripted staff members, whichever channel they are on: on Telegram they press
buttons; on Zalo, which has none, they type the choice."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.fakeapi import LocalUser
from bot.zalo.fakeapi import FakeZaloUser

# A tiny JPEG-looking photo for Zalo (its image events carry a URL the fake serves).
ZALO_PHOTO = b"\xff\xd8\xff\xe0" + b"demo-evidence" * 20


@dataclass
class Said:
    text: str
    buttons: list[str]


class Person:
    def __init__(self, name: str, channel: str, user: LocalUser | FakeZaloUser) -> None:
        self.name = name
        self.channel = channel
        self.user = user

    def send(self, text: str) -> None:
        self.user.send(text)

    def press(self, label: str) -> str:
        """What the person did, as the transcript shows it."""
        if self.channel == "telegram":
            self.user.press(label)
            return f"[{label}]"
        typed = re.sub(r"^\W+", "", label).rstrip(".")  # "✅ Xong" -> "Xong", "1." -> "1"
        self.user.send(typed)
        return typed

    def send_photo(self, png: bytes) -> None:
        if self.channel == "telegram":
            self.user.send_photo(png)
        else:
            self.user.send_image(ZALO_PHOTO)

    def share_contact(self) -> None:
        self.user.share_contact()

    async def reply(self) -> Said:
        reply = await self.user.reply()
        buttons = reply.buttons() if self.channel == "telegram" else []
        return Said(reply.text or "", buttons)
