"""The plan as the reader walks a document: criteria in the order they first appear, each
gathering its target and tasks from every block that names it — prose, tables, a
self-assessment report's plan section — with where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from readers.frameworks import known_criterion_ids
from readers.plan_draft import CriterionDraft, PlanDraft, Skipped, TaskDraft
from readers.columns import Header

FIRST_WORDS = 60


@dataclass
class Context:
    """What the walk knows at a point of the document: the standard and criteria the text
    is under, the focus table's numbering, the last task table's columns (a table cut by a
    page break continues without its header)."""

    standard: int | None = None
    current: list[str] = field(default_factory=list)
    subject: str = ""  # the criterion cell of the table row before
    focus: dict[str, list[str]] = field(default_factory=dict)
    task_header: Header | None = None
    task_width: int = 0
    levels: dict[str, int] = field(default_factory=dict)


class PlanBuilder:
    def __init__(self, framework: str | None = None) -> None:
        self.draft = PlanDraft()
        self.framework = framework
        self.context = Context()
        self._by_id: dict[str, CriterionDraft] = {}
        self._unknown: set[str] = set()

    def criterion(self, code: str, source: str) -> CriterionDraft | None:
        if code not in known_criterion_ids():
            if code not in self._unknown:
                self._unknown.add(code)
                self.draft.warn("criterion_unknown", code=code)
            return None
        criterion = self._by_id.get(code)
        if criterion is None:
            criterion = self._by_id[code] = CriterionDraft(id=code)
            self.draft.criteria.append(criterion)
        if source not in criterion.sources:
            criterion.sources.append(source)
        return criterion

    def has(self, code: str) -> bool:
        return code in self._by_id

    def sources_of(self, code: str) -> list[str]:
        criterion = self._by_id.get(code)
        return criterion.sources if criterion else []

    def known(self, codes: list[str]) -> list[str]:
        return [code for code in codes if code in known_criterion_ids()]

    def add_task(self, codes: list[str], task: TaskDraft, source: str) -> list[TaskDraft]:
        """Each criterion named gets the task (a copy: their progress is separate); returns
        the copies."""
        added = []
        for code in codes:
            criterion = self.criterion(code, source)
            if criterion is not None:
                added.append(replace(task, owners=list(task.owners)))
                criterion.tasks.append(added[-1])
        return added

    def set_target(self, codes: list[str], text: str | None, source: str) -> None:
        for code in codes:
            criterion = self.criterion(code, source)
            if criterion is not None and text and not criterion.target:
                criterion.target = text

    def set_title(self, codes: list[str], text: str | None, source: str) -> None:
        for code in codes:
            criterion = self.criterion(code, source)
            if criterion is not None and text and not criterion.title:
                criterion.title = text

    def skip(self, kind: str, text: str) -> None:
        words = " ".join(text.split())
        if len(words) > FIRST_WORDS:
            words = words[:FIRST_WORDS].rsplit(" ", 1)[0] + " …"
        self.draft.skipped.append(Skipped(kind, words))
