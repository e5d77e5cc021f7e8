"""How a conversation is declared: its entry commands and words, its steps (what each takes
— typed text, a choice, files — how it asks, how it answers), its buttons and how it is
cancelled. The engine routes every message from these declarations; a handler module
declares its dialogue once, next to the functions it names.

Button data is packed and unpacked by one `Callback` a kind of button: «prefix:field:…»,
ASCII, short, its numbers small enough for a database id — anything else is not ours."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.orm import Session

from core.messages import Attachment
from handlers.turn import Turn

TEXT, CHOICE, FILES = "text", "choice", "files"
_INT = re.compile(r"^[0-9]{1,9}$")
_WORD = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")


@dataclass(frozen=True)
class Callback:
    """One kind of button: `Callback("task", "task_id:int")` packs task 12 as «task:12» and
    unpacks «task:12» as {"task_id": 12}; None for data that is not of this kind."""

    prefix: str
    fields: tuple[str, ...] = ()

    def __init__(self, prefix: str, *fields: str) -> None:
        object.__setattr__(self, "prefix", prefix)
        object.__setattr__(self, "fields", fields)

    def pack(self, *values: object) -> str:
        if len(values) != len(self.fields):
            raise ValueError(f"{self.prefix} takes {len(self.fields)} values")
        return ":".join([self.prefix, *(str(v) for v in values)])

    def unpack(self, data: str | None) -> dict | None:
        parts = (data or "").split(":")
        if parts[0] != self.prefix or len(parts) != len(self.fields) + 1:
            return None
        found: dict = {}
        for spec, value in zip(self.fields, parts[1:]):
            name, _, kind = spec.partition(":")
            if kind == "int":
                if not _INT.match(value):
                    return None
                found[name] = int(value)
            elif not _WORD.match(value):
                return None
            else:
                found[name] = value
        return found


@dataclass(frozen=True)
class Step:
    """One question of a dialogue. `takes` what answers it (TEXT, CHOICE, FILES); `buttons`
    the callbacks it accepts; `ask` asks it; `answer` applies an answer (text or button).
    A step that takes files says where they are downloaded (`stores`: (school code,
    folder), or None not to download them), what to do with them (`files`), and whether
    the downloaded files are kept once it is done (`keeps_files`)."""

    name: str
    ask: Callable[[Turn], None]
    answer: Callable[[Turn], None]
    takes: frozenset[str] = frozenset({TEXT})
    buttons: tuple[Callback, ...] = ()
    files: Callable[[Turn, list[dict]], None] | None = None
    stores: Callable[[Session, dict, list[Attachment]], tuple[str, str] | None] | None = None
    keeps_files: bool = True

    def accepts(self, data: str) -> bool:
        return any(c.unpack(data) is not None for c in self.buttons)


@dataclass(frozen=True)
class Dialogue:
    """A conversation of several steps. `commands` and `words` (typed_words.j2 keys) start it;
    `begin` asks its first question. Another command mid-way either leaves it (`leaves`:
    short dialogues) or is answered and the question asked again (the update). Its buttons
    outside any step (`buttons`, handled by `button`) work at every step, and start it when
    it is not open. `busy` is what is said when, mid-way, another dialogue is asked for
    (a dialogue that does not leave)."""

    flow: str
    steps: tuple[Step, ...]
    begin: Callable[[Turn], None]
    cancel: Callable[[Turn], None]
    commands: tuple[str, ...] = ()
    words: str | None = None
    leaves: bool = True
    busy: str = "chat/already_updating.j2"  # said when another dialogue is asked for
    buttons: tuple[Callback, ...] = ()
    button: Callable[[Turn], None] | None = None
    by_name: dict[str, Step] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({s.name: s for s in self.steps})

    def step(self, name: str | None) -> Step | None:
        return self.by_name.get(name or "")

    def handles(self, data: str) -> bool:
        """Whether `data` is one of the buttons it handles at every step."""
        return self.button is not None and any(c.unpack(data) is not None
                                               for c in self.buttons)


@dataclass(frozen=True)
class Command:
    """A command that answers at once: its names (/nhiemvu, /help), the typed words that mean
    it when no dialogue is open, and what it does."""

    names: tuple[str, ...]
    run: Callable[[Turn], None]
    words: str | None = None
