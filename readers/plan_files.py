"""Read a plan from whatever file the school has: what the file is comes from its content
(readers.file_kind), not its name."""

from __future__ import annotations

import tempfile
from pathlib import Path

from core.calendar import SchoolCalendar
from core.errors import InputError
from readers.convert import TARGET, convert
from readers.file_kind import first_guess, kind_of
from readers.limits import CONVERT_SECONDS, PDF_SECONDS
from readers.plan_complete import complete_draft
from readers.plan_docx import parse_plan_docx
from readers.plan_draft import PlanDraft
from readers.plan_reader import read_document
from readers.plan_text import read_text_blocks

# What the chat, the web console and `caitien plan import` take as a plan.
SUFFIXES = (".docx", ".doc", ".odt", ".rtf", ".pdf", ".xlsx", ".xlsm", ".xls", ".ods",
            ".csv", ".txt", ".md")


def read_plan(path: Path, school_year: str | None = None,
              cal: SchoolCalendar = SchoolCalendar()) -> PlanDraft:
    """The plan in the file, its timelines read on the school calendar `cal`."""
    kind = kind_of(path)
    if kind in TARGET:
        with tempfile.TemporaryDirectory(prefix="caitien-convert-") as folder:
            draft = _read_converted(path, kind, Path(folder))
    else:
        draft = _read(path, kind)
    return complete_draft(draft, school_year, cal)


def _read(path: Path, kind: str) -> PlanDraft:
    # The sheet and PDF readers are imported when a file needs them: a plan is read in a
    # process of its own (readers.isolated), and openpyxl (with numpy) and pdfplumber were
    # most of that process's start, which the principal waits for with every Word file.
    if kind in ("xlsx", "xls", "csv"):
        from readers.plan_sheet import parse_plan_sheet

        return parse_plan_sheet(path, kind)
    if kind == "docx":
        return parse_plan_docx(path)
    notes: set[str] = set()
    if kind == "pdf":
        from readers.pdf_file import read_pdf_blocks

        draft = read_document(read_pdf_blocks(path, notes), path.name)
    else:
        draft = read_document(read_text_blocks(path, notes), path.name)
    draft.warn_notes(notes)
    return draft


def _read_converted(path: Path, kind: str, folder: Path) -> PlanDraft:
    converted = convert(path, kind, folder)
    try:
        return _read(converted, TARGET[kind])
    except InputError as error:  # said of the file the school sent, not of our copy
        if "name" in error.params:
            error.params["name"] = path.name
        raise


def extra_seconds(path: Path) -> float:
    """How much longer than a .docx the file may take to read: converting it first, or
    reading a PDF's pages (readers.limits says why). Told from the first bytes only."""
    return {"converted": CONVERT_SECONDS, "pdf": PDF_SECONDS}.get(first_guess(path), 0.0)
