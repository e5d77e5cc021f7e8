"""A plan written as prose per criterion:

    Tiêu chí 1.2: Hội đồng trường và các hội đồng khác
    Mục tiêu cần đạt: Mức 2
    Giải pháp thực hiện:
    - Kiện toàn Hội đồng trường …
    - …

Each bullet (or paragraph) under a criterion is one task."""

from __future__ import annotations

import re

from readers.frameworks import known_criterion_ids
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from core.text import fold

_HEADING = re.compile(r"^tieu chi\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\s*[:.\-–]?\s*(.*)$")
_STANDARD = re.compile(r"^(\d+\s*[.)]\s*)?tieu chuan\s*\d")
_SECTION = re.compile(r"^(i|ii|iii|iv|v|vi|vii|viii|ix|x)\s*[.)]\s")
_TARGET = re.compile(r"^(muc tieu(?: can dat)?|ket qua can dat)\s*:\s*(.*)$")
_SOLUTIONS = re.compile(r"^(giai phap|bien phap|cong viec)[^:]*:\s*(.*)$")
NOTHING = {"khong", "khong co", "khong co gi"}  # "Không có": an empty cell, not a task
_BULLET = re.compile(r"^\s*(?:[-–+•*·]|\d+[.)]|[a-zđ][.)])\s+")


def read_prose(lines: list[str], draft: PlanDraft, first_only: bool = False) -> None:
    """`first_only`: the implementation report laid out as text, where the paragraph after
    each criterion is its plan column and the ones after it are results, not tasks."""
    current: CriterionDraft | None = None
    seen: dict[str, int] = {}
    for line in lines:
        folded = fold(line)
        heading = _HEADING.match(folded)
        if heading:
            code = f"{int(heading.group(1))}.{int(heading.group(2))}"
            title = line[len(line) - len(heading.group(3)):].strip() if heading.group(3) else None
            if code not in known_criterion_ids():
                draft.warn("criterion_unknown", code=code)
            if code in seen:
                draft.warn("criterion_repeated", code=code)
            seen[code] = seen.get(code, 0) + 1
            current = CriterionDraft(id=code, title=title or None)
            draft.criteria.append(current)
            continue
        if _STANDARD.match(folded) or _SECTION.match(folded):
            current = None
            continue
        if current is None:
            continue
        target = _TARGET.match(folded)
        if target:
            current.target = line[len(line) - len(target.group(2)):].strip() or None
            continue
        solutions = _SOLUTIONS.match(folded)
        if solutions:
            rest = line[len(line) - len(solutions.group(2)):].strip()
            if rest:
                current.tasks.append(TaskDraft(text=rest))
            continue
        text = _BULLET.sub("", line).strip()
        if first_only and current.tasks:
            continue
        if text and fold(text).strip(" .") not in NOTHING:
            current.tasks.append(TaskDraft(text=text))


def is_report(lines: list[str]) -> bool:
    """The ministry's implementation report: a plan column, then what was done."""
    folded = " ".join(fold(line) for line in lines[:200])
    return "ke hoach" in folded and "dau nam" in folded and "da trien khai xong" in folded
