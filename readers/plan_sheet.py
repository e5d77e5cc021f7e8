"""The plan spreadsheet: one row per task, read (reports/plan_template.py writes it)."""

from __future__ import annotations

import re
from pathlib import Path

from core.errors import InputError
from readers.columns import Header, find_header
from readers.plan_builder import PlanBuilder
from readers.plan_draft import PlanDraft
from readers.plan_meta import LEVELS, detect_meta, framework_hint
from readers.plan_tables import read_table
from readers.plan_reader import read_document
from readers.sheets import Sheet, read_sheets
from readers.workbook_blocks import sheet_blocks
from core.text import fold_words

_YEAR = re.compile(r"(20\d\d)\s*[-–—/]\s*(20\d\d)")
REQUIRED = {"criterion", "task"}
PROBLEMS = ("row_without_criterion",)


def parse_plan_sheet(path: Path, kind: str | None = None) -> PlanDraft:
    """A sheet in our template's columns — the template, the plan export, a school's own
    table with a criterion and a task column — is read strictly. A school's workbook of
    several sheets (a cover, the tasks, the monitoring), or a sheet whose criteria head
    their rows instead of filling a column, is read as a document is, sheet by sheet. The
    preview is told when text in a legacy font was converted. `kind`: "csv", "xlsx" or
    "xls", when the name may not say."""
    notes: set[str] = set()
    draft = _parse_sheets(path, notes, kind)
    draft.warn_notes(notes)
    return draft


def _parse_sheets(path: Path, notes: set[str], kind: str | None) -> PlanDraft:
    sheets = [sheet for sheet in read_sheets(path, notes=notes, kind=kind)
              if any(any(row) for row in sheet.rows)]
    if not sheets:
        raise InputError("plan_empty", name=path.name)
    if len(sheets) > 1:
        return _parse_workbook(sheets, path)
    rows = sheets[0].rows
    header = find_header(rows)
    missing = REQUIRED - (set(header.fields.values()) if header else set())
    if not missing:
        return _parse_one_sheet(rows, header, path)
    try:
        draft = read_document(sheet_blocks(sheets), path.name)
    except InputError:
        draft = None
    if draft is None or not draft.task_count:
        raise InputError("plan_missing_columns", name=path.name, missing=sorted(missing))
    return draft


def _parse_workbook(sheets: list[Sheet], path: Path) -> PlanDraft:
    try:
        return read_document(sheet_blocks(sheets), path.name)
    except InputError as error:
        if error.key != "plan_no_criteria":
            raise
        raise InputError("plan_no_criteria", name=path.name, sheets=len(sheets),
                         skipped=error.params["skipped"]) from error


def _parse_one_sheet(rows: list[list[str]], header: Header, path: Path) -> PlanDraft:
    """Our spreadsheet is filled by hand for this product, so any row we cannot place is an
    error to fix, never a warning."""
    preamble = [cell for row in rows[:header.last_row] for cell in row if cell]
    plan = PlanBuilder(framework_hint(preamble))
    read_table(rows, plan)
    draft = plan.draft
    problems = [(w.params["row"], w.params["text"]) for w in draft.warnings
                if w.key in PROBLEMS]
    if problems:
        raise InputError("plan_unknown_criteria", name=path.name, rows=problems)
    if not draft.task_count:
        raise InputError("plan_no_tasks", name=path.name)
    draft.skipped.clear()
    read_preamble(rows[:header.last_row], draft)
    detect_meta([line for cell in preamble for line in cell.split("\n")], draft)
    return draft


def read_preamble(rows: list[list[str]], draft: PlanDraft) -> None:
    """The title rows above the header: the school («Trường …»), the school year, the
    circular the plan rests on («Căn cứ Thông tư số 18/2018/TT-BGDĐT») and the level
    («Cấp học: THCS»), as `plan export` writes them and people type them."""
    for cell in (cell for row in rows for cell in row if cell):
        words = fold_words(cell)
        year = _YEAR.search(cell)
        if year and draft.school_year is None:
            draft.school_year = f"{year.group(1)}-{year.group(2)}"
        if draft.school is None and words.startswith("truong "):
            draft.school = cell
        if draft.framework is None:
            draft.framework = framework_hint([cell])
        if draft.level is None and words.startswith("cap hoc "):
            draft.level = _level(words)


def _level(words: str) -> str | None:
    return next((level for level, needles in LEVELS
                 if any(re.search(rf"\b{re.escape(n)}\b", words) for n in needles)), None)
