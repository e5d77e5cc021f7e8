"""Progress counts by standard and criterion."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from storage.plans import open_tasks

BUCKETS = ("done", "in_progress", "late", "not_started", "none")


@dataclass
class Counts:
    code: str
    title: str | None = None
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def done_share(self) -> int:
        return round(100 * self.by_status["done"] / self.total) if self.total else 0


@dataclass
class Progress:
    overall: Counts
    standards: list[tuple[Counts, list[Counts]]]


def school_progress(session: Session, school_id: int,
                    owners: set[int] | None = None) -> Progress:
    """The whole school's open tasks, or those owned by any of `owners` (a tổ)."""
    overall = Counts("all")
    standards: dict[int, tuple[Counts, dict[str, Counts]]] = {}
    for task in open_tasks(session, school_id):
        if owners is not None and not owners & {o.staff_id for o in task.owners}:
            continue
        criterion = task.criterion
        standard, criteria = standards.setdefault(
            criterion.standard, (Counts(str(criterion.standard)), {}))
        counts = criteria.setdefault(criterion.code, Counts(criterion.code, criterion.title))
        bucket = task.status or "none"
        for target in (overall, standard, counts):
            target.by_status[bucket] += 1
    return Progress(overall, [(s, list(c.values())) for _, (s, c) in sorted(standards.items())])
