"""A plan as read from a document, before it is written: what `plan import --json` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

from cattrs.errors import BaseValidationError
from cattrs.preconf.json import make_converter

from readers.timelines import Schedule

# The draft as plain JSON and back, dates as ISO strings: what a preview showed is kept with
# the upload, so that «Nhập» stores it as it was, without reading the file again.
_JSON = make_converter()


@dataclass
class TaskDraft:
    text: str
    owners: list[str] = field(default_factory=list)
    owners_text: str | None = None
    output: str | None = None
    timeline: str | None = None
    support: str | None = None
    note: str | None = None
    schedule: Schedule | None = None


@dataclass
class CriterionDraft:
    id: str
    title: str | None = None
    target: str | None = None
    tasks: list[TaskDraft] = field(default_factory=list)
    assessed_level: int | None = None  # from a self-assessment table, when the plan has one
    sources: list[str] = field(default_factory=list)  # "table" | "prose" | "report"


@dataclass
class CheckpointDraft:
    """A review moment from the plan's monitoring table (57/2026 section VI): not a task."""

    when: str
    content: str | None = None
    reviewer: str | None = None
    schedule: Schedule | None = None


@dataclass(frozen=True)
class Warning:
    """Something the reader should check; the words are templates/warnings/<key>.j2."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A block of the document not taken as tasks: `kind` names why (templates/skipped/),
    `words` are its first words, so a person can find it."""

    kind: str
    words: str


@dataclass
class PlanDraft:
    school: str | None = None
    framework: str | None = None
    level: str | None = None
    school_year: str | None = None
    criteria: list[CriterionDraft] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    checkpoints: list[CheckpointDraft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return sum(len(c.tasks) for c in self.criteria)

    def warn(self, key: str, **params: object) -> None:
        self.warnings.append(Warning(key, params))

    def warn_notes(self, notes: set[str]) -> None:
        """What a file reader noted on the way (a legacy font converted …): each key a
        warning without parameters, put first: it is about the whole document, and the
        preview shows only the first warnings."""
        self.warnings[:0] = [Warning(key) for key in sorted(notes)]

    def to_json(self, say: Callable[[Warning], str]) -> dict:
        """The `plan import --json` contract; `say` words each warning."""
        return {
            "school": self.school,
            "framework": self.framework,
            "level": self.level,
            "school_year": self.school_year,
            "criteria": [
                {"id": c.id, "title": c.title, "target": c.target,
                 "tasks": [_task_json(t) for t in c.tasks]}
                for c in self.criteria
            ],
            "warnings": [say(w) for w in self.warnings],
        }


def draft_to_json(draft: PlanDraft) -> dict:
    return _JSON.unstructure(draft)


def draft_from_json(data: dict) -> PlanDraft | None:
    """The draft draft_to_json kept; None when `data` is not one (kept by another version)."""
    try:
        return _JSON.structure(data, PlanDraft)
    except BaseValidationError:
        return None


def _task_json(task: TaskDraft) -> dict:
    data = {key: value for key, value in asdict(task).items()
            if key in ("text", "owners", "output", "timeline", "support")}
    data["schedule"] = (task.schedule or Schedule("unknown")).to_json()
    return data
