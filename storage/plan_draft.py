"""A plan as read from a document, before it is written: what `plan import --json` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class TaskDraft:
    text: str
    owners: list[str] = field(default_factory=list)
    owners_text: str | None = None
    output: str | None = None
    timeline: str | None = None
    support: str | None = None
    note: str | None = None


@dataclass
class CriterionDraft:
    id: str
    title: str | None = None
    target: str | None = None
    tasks: list[TaskDraft] = field(default_factory=list)


@dataclass
class PlanDraft:
    school: str | None = None
    framework: str | None = None
    level: str | None = None
    school_year: str | None = None
    criteria: list[CriterionDraft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return sum(len(c.tasks) for c in self.criteria)

    def to_json(self) -> dict:
        data = asdict(self)
        for criterion in data["criteria"]:
            for task in criterion["tasks"]:
                del task["owners_text"], task["note"]
        return data
