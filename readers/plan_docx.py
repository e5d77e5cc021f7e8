"""A plan from the school's own Word file: its tables, whatever their layout."""

from __future__ import annotations

import re
from pathlib import Path

from readers.docx_file import Block, read_blocks
from core.errors import InputError
from readers.plan_draft import CheckpointDraft, PlanDraft
from readers.plan_meta import detect_meta
from readers.plan_prose import is_report, read_prose
from readers.plan_table import criterion_ids, match_header, read_plan_table
from readers.sheets import find_header, header_matcher
from core.text import fold_words


def parse_plan_docx(path: Path) -> PlanDraft:
    return parse_plan_blocks(read_blocks(path), path.name)


def parse_plan_blocks(blocks: list[Block], name: str) -> PlanDraft:
    draft = PlanDraft()
    tables = [b.rows for b in blocks if b.rows]
    focus = _focus_criteria(tables)
    levels: dict[str, int] = {}
    for rows in tables:
        draft.checkpoints += read_checkpoints(rows)
        levels.update(read_assessed_levels(rows))
        read = read_plan_table(rows, draft, focus)
        for line, text in read.problems:
            draft.warn("row_without_criterion", row=line, text=text)
    paragraphs = [b.text for b in blocks if b.text]
    if not draft.task_count:
        read_prose(paragraphs, draft, first_only=is_report(paragraphs))
    for criterion in draft.criteria:
        criterion.assessed_level = levels.get(criterion.id)
    detect_meta(paragraphs + [cell for rows in tables for row in rows[:3] for cell in row],
                draft)
    if not draft.criteria:
        raise InputError("plan_no_criteria", name=name)
    return draft


def _focus_criteria(tables: list[list[list[str]]]) -> dict[str, list[str]]:
    """TT → criterion ids, from a 57/2026 focus-issues table ("Tiêu chí liên quan")."""
    for rows in tables:
        found = find_header(rows, _focus_header, {"number", "related"})
        if found is None or found[0] is None:
            continue
        header_at, columns = found
        number_col = next(c for c, f in columns.items() if f == "number")
        related_col = next(c for c, f in columns.items() if f == "related")
        return {fold_words(row[number_col]): criterion_ids(row[related_col])
                for row in rows[header_at + 1:] if len(row) > max(number_col, related_col)}
    return {}


def _focus_header(cell: str) -> str | None:
    if "tieu chi lien quan" in fold_words(cell):
        return "related"
    return "number" if match_header(cell) == "number" else None


CHECKPOINT_FIELDS = header_matcher([
    ("when", ("thoi diem",)),
    ("content", ("noi dung theo doi", "noi dung giam sat")),
    ("reviewer", ("nguoi danh gia", "nguoi giam sat", "nguoi kiem tra")),
])


def read_checkpoints(rows: list[list[str]]) -> list[CheckpointDraft]:
    """Rows of a monitoring table (Thời điểm · Nội dung theo dõi · … · Người đánh giá)."""
    found = find_header(rows, CHECKPOINT_FIELDS, {"when", "content"})
    if found is None or found[0] is None:
        return []
    header_at, columns = found
    checkpoints = []
    for row in rows[header_at + 1:]:
        cells = {f: (row[c] if c < len(row) else "") for c, f in columns.items()}
        if cells["when"]:
            checkpoints.append(CheckpointDraft(cells["when"], cells.get("content") or None,
                                          cells.get("reviewer") or None))
    return checkpoints


_LEVEL = re.compile(r"^muc\s*([1-4])$")
TICK_WORDS = {"x", "v", "dat", "co"}
TICK_MARKS = {"\u2713", "\u2714", "\u221a", "+"}


def _ticked(cell: str) -> bool:
    return fold_words(cell) in TICK_WORDS or cell.strip() in TICK_MARKS


def read_assessed_levels(rows: list[list[str]]) -> dict[str, int]:
    """Criterion → the highest level ticked in a self-assessment table ("Mức 1 … Mức 4"
    columns with x or ✓); such a table holds no tasks."""
    level_cols: dict[int, int] = {}
    criterion_col = None
    for row in rows[:3]:
        for col, cell in enumerate(row):
            words = fold_words(cell)
            match = _LEVEL.match(words)
            if match:
                level_cols[col] = int(match.group(1))
            elif criterion_col is None and "tieu chi" in words:
                criterion_col = col
    if not level_cols or criterion_col is None:
        return {}
    levels = {}
    for row in rows:
        ids = criterion_ids(row[criterion_col]) if criterion_col < len(row) else []
        ticked = [level for col, level in level_cols.items()
                  if col < len(row) and _ticked(row[col])]
        if len(ids) == 1 and ticked:
            levels[ids[0]] = max(ticked)
    return levels
