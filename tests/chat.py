"""Talk to the engine directly, as a channel adapter would: a transcript in a test.

On a channel without buttons ("plain") pressing a button means typing the number the reply
lists it under, as a person would."""

from __future__ import annotations

import itertools
import re

from handlers.engine import Engine
from core.messages import Attachment, Incoming, Reply

_events = itertools.count(1)
CHOICE_LINE = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


class Chat:
    def __init__(self, engine: Engine, user_id: int, channel: str = "test") -> None:
        self.engine = engine
        self.user_id = str(user_id)
        self.channel = channel
        self.files: dict[str, bytes] = {}
        self.last: list[Reply] = []

    def _incoming(self, **fields) -> Incoming:
        return Incoming(channel=self.channel, user_id=self.user_id, chat_id=self.user_id,
                        event_id=str(next(_events)), **fields)

    async def _send(self, incoming: Incoming) -> str:
        async def fetch(attachment: Attachment) -> bytes:
            return self.files[attachment.ref]

        self.last = await self.engine.handle(incoming, fetch)
        return "\n".join(r.text for r in self.last)

    async def send(self, text: str) -> str:
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            return await self._send(self._incoming(command=head[1:], args=args))
        return await self._send(self._incoming(text=text))

    @property
    def typed(self) -> bool:
        return not self.engine.caps(self.channel).buttons

    def _choices(self) -> list[tuple[str, str]]:
        """(number, text) of every numbered line in the last replies."""
        return [m.groups() for reply in self.last for m in CHOICE_LINE.finditer(reply.text)]

    async def press(self, label: str) -> str:
        """Press the button whose label starts with `label` in the last replies."""
        if self.typed:
            for number, text in reversed(self._choices()):
                if text.startswith(label) or f"{number}. {text}".startswith(label):
                    return await self.send(number)
            raise LookupError(f"no choice {label!r} in {self.buttons()}")
        for reply in reversed(self.last):
            for row in reply.buttons:
                for button in row:
                    if button.label.startswith(label):
                        return await self._send(self._incoming(choice=button.data))
        raise LookupError(f"no button {label!r} in {self.buttons()}")

    async def press_data(self, data: str) -> str:
        return await self._send(self._incoming(choice=data))

    async def share_contact(self, phone: str, owner: str | None = "self") -> str:
        owner_id = self.user_id if owner == "self" else owner
        return await self._send(self._incoming(contact_phone=phone, contact_user_id=owner_id))

    async def send_file(self, data: bytes, kind: str = "photo", name: str | None = None,
                        mime: str | None = "image/jpeg", size: int | None = None) -> str:
        ref = f"f{len(self.files) + 1}"
        self.files[ref] = data
        attachment = Attachment(kind, ref, name, mime, size if size is not None else len(data))
        return await self._send(self._incoming(attachments=[attachment]))

    async def send_unsupported(self, kind: str) -> str:
        return await self._send(self._incoming(unsupported=kind))

    async def replay(self, incoming: Incoming) -> str:
        return await self._send(incoming)

    def buttons(self) -> list[str]:
        if self.typed:
            return [text for _, text in self._choices()]
        return [b.label for r in self.last for row in r.buttons for b in row]
