"""The independent documents (tests/readers/independent/) and how a reader's draft compares
with their answers: criteria exact, tasks per criterion by normalised text, owners and
timelines as written, checkpoints. Used by tests/readers/test_independent.py and
`bench/import_bench.py --independent`."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.text import clean

FOLDER = Path(__file__).resolve().parent / "independent"
KINDS = (".docx", ".doc", ".pdf", ".txt", ".xlsx", ".csv")

# Documents whose file form or layout another helper is enabling now (issue 25): each entry
# goes when its capability lands, and the strict xfail says so by failing.
PENDING = {
}

# Where the reader still falls short on a layout it is meant to read: measured, not hidden.
# Fix the reader, then add new documents of the kind (README.md), then drop the entry.
SHORT = {
}


def documents() -> list[Path]:
    return sorted(p for p in FOLDER.iterdir() if p.suffix in KINDS)


def answer_of(path: Path) -> dict:
    return json.loads((FOLDER / f"{path.stem}.answer.json").read_text(encoding="utf-8"))


def text_key(text: str | None) -> str:
    """Tasks compared without case, bullets, spacing and a closing stop."""
    key = clean(text).casefold().rstrip(" .;:,")
    return re.sub(r"^[-+•*]\s*|^[a-zđ0-9]{1,2}[.)]\s+", "", key)


def timeline_key(text: str | None) -> str | None:
    key = re.sub(r"^(trong|vào)\s+", "", clean(text).casefold().rstrip(" .;:,"))
    return re.sub(r"\s*[-–—]\s*", " – ", key) or None


@dataclass
class Comparison:
    counts: Counter = field(default_factory=Counter)
    differences: list[str] = field(default_factory=list)

    def check(self, kind: str, right: bool, difference: str) -> None:
        self.counts[kind] += 1
        self.counts[f"{kind}_right"] += right
        if not right:
            self.differences.append(difference)


def compare(answer: dict, draft) -> Comparison:
    result = Comparison()
    got: dict[str, list] = {}
    for criterion in draft.criteria:
        got.setdefault(criterion.id, []).extend(criterion.tasks)
    wanted = answer["criteria"]
    for cid in got.keys() - wanted.keys():
        result.differences.append(f"criterion {cid} is not in the plan ({len(got[cid])} tasks)")
    for cid, tasks in wanted.items():
        result.check("criteria", cid in got, f"criterion {cid} missing")
        _compare_tasks(cid, tasks, got.get(cid, []), result)
    if answer["checkpoints"]:
        have = [timeline_key(c.when) for c in draft.checkpoints]
        for when in answer["checkpoints"]:
            result.check("checkpoints", timeline_key(when) in have, f"checkpoint «{when}» missing")
    return result


def _compare_tasks(cid: str, wanted: list[dict], have: list, result: Comparison) -> None:
    unclaimed: dict[str, list] = {}
    for task in have:
        unclaimed.setdefault(text_key(task.text), []).append(task)
    for want in wanted:
        candidates = unclaimed.get(text_key(want["text"]))
        short = want["text"][:50]
        result.check("tasks", bool(candidates), f"{cid}: task missing «{short}»")
        task = candidates.pop(0) if candidates else None
        owners = [clean(o).casefold() for o in task.owners] if task else None
        result.check("owners", owners == [clean(o).casefold() for o in want["owners"]],
                     f"{cid} «{short}»: owners {task.owners if task else '-'} "
                     f"instead of {want['owners']}")
        timeline = timeline_key(task.timeline) if task else "-"
        result.check("timelines", timeline == timeline_key(want["timeline"]),
                     f"{cid} «{short}»: timeline {task.timeline if task else '-'!r} "
                     f"instead of {want['timeline']!r}")
    for key, extra in unclaimed.items():
        for task in extra:
            result.differences.append(f"{cid}: task not in the plan «{task.text[:50]}»")
