"""Read a plan from whatever file the school has."""

from __future__ import annotations

from pathlib import Path

from core.calendar import SchoolCalendar
from core.errors import InputError
from readers.plan_complete import complete_draft
from readers.plan_docx import parse_plan_docx
from readers.plan_draft import PlanDraft
from readers.plan_reader import read_document
from readers.plan_sheet import parse_plan_sheet
from readers.plan_text import read_text_blocks

SHEETS = (".xlsx", ".xlsm", ".csv")


def read_plan(path: Path, school_year: str | None = None,
              cal: SchoolCalendar = SchoolCalendar()) -> PlanDraft:
    """The plan in the file, its timelines read on the school calendar `cal`."""
    suffix = path.suffix.lower()
    if suffix in SHEETS:
        draft = parse_plan_sheet(path)
    elif suffix in (".docx", ".doc"):
        draft = parse_plan_docx(path)
    elif suffix in (".txt", ".md", ".markdown"):
        notes: set[str] = set()
        draft = read_document(read_text_blocks(path, notes), path.name)
        draft.warn_notes(notes)
    else:
        raise InputError("plan_wrong_type", name=path.name)
    return complete_draft(draft, school_year, cal)
