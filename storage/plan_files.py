"""Read a plan from whatever file the school has."""

from __future__ import annotations

from pathlib import Path

from reminders.calendar import SchoolCalendar
from storage.errors import InputError
from storage.plan_complete import complete_draft
from storage.plan_docx import parse_plan_blocks, parse_plan_docx
from storage.plan_draft import PlanDraft
from storage.plan_sheet import parse_plan_sheet
from storage.plan_text import read_text_blocks

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
        draft = parse_plan_blocks(read_text_blocks(path), path.name)
    else:
        raise InputError("plan_wrong_type", name=path.name)
    return complete_draft(draft, school_year, cal)
