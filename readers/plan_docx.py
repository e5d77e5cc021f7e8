"""A plan from the school's own Word file."""

from __future__ import annotations

from pathlib import Path

from readers.docx_file import read_blocks
from readers.plan_draft import PlanDraft
from readers.plan_reader import read_document


def parse_plan_docx(path: Path) -> PlanDraft:
    notes: set[str] = set()
    draft = read_document(read_blocks(path, notes), path.name)
    for key in sorted(notes):  # what reading the file did that the reader should know
        draft.warn(key)
    return draft
