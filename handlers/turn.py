"""One incoming message being handled: its transaction, its sender, the replies so far."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from core.errors import InputError
from core.messages import EVERYTHING, Button, Capabilities, Incoming, Reply
from readers.plan_draft import PlanDraft
from templates.render import Renderer
from core.clock import Clock
from storage.evidence_store import EvidenceStore
from storage.models import Conversation, Staff


# Work a turn leaves for after its commit (the report's files): slow, so done off the write
# lock and off the serving process's interpreter where it can. Given the sessions (to read,
# never to write), the renderer and the evidence store; returns replies sent after the turn's.
Later = Callable[[sessionmaker[Session], Renderer, EvidenceStore], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class PlanRead:
    """A plan file sent in chat, read before the turn's transaction began
    (handlers/plan_upload.read_ahead): its bytes and what the reader made of them, the draft
    or why not."""

    path: str  # where the file was downloaded, as the turn's stored files name it
    data: bytes
    draft: PlanDraft | None = None
    refused: InputError | None = None


@dataclass
class Turn:
    session: Session
    msg: Incoming
    staff: list[Staff]
    conversation: Conversation | None
    renderer: Renderer
    clock: Clock
    evidence: EvidenceStore
    caps: Capabilities = EVERYTHING
    public_url: str | None = None  # where `caitien serve` is reached: the web console
    # Channels whose bots have a monthly message quota (Zalo): messages a month per bot.
    budgets: dict[str, int] = field(default_factory=dict)
    plan_read: PlanRead | None = None
    replies: list[Reply] = field(default_factory=list)
    # Files to delete once the transaction that forgets them has committed.
    discarded: list[str] = field(default_factory=list)
    later: list[Later] = field(default_factory=list)

    def say(self, template: str, buttons: list[list[Button]] | None = None, /,
            **context: object) -> Reply:
        """The template is told what the channel can do: press buttons (`typed` if not),
        send files other than photos (`files_in`), share a contact (`contact`), hear the bot in
        groups (`groups`)."""
        caps = self.caps
        text = self.renderer.text(template, typed=not caps.buttons, files_in=caps.files_in,
                                  contact=caps.contact, groups=caps.groups, **context)
        reply = Reply(text, buttons or [])
        self.replies.append(reply)
        return reply

    def discard(self, path: str) -> None:
        self.discarded.append(path)

    def button(self, label_key: str, data: str) -> Button:
        return Button(self.renderer.label(label_key), data)

    @property
    def staff_ids(self) -> list[int]:
        return [m.id for m in self.staff]

    def staff_in(self, school_id: int) -> Staff | None:
        return next((m for m in self.staff if m.school_id == school_id), None)
