"""The plan spreadsheet: one row per task. Read it, and write the empty template."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.errors import InputError
from readers.plan_draft import PlanDraft
from readers.plan_table import REQUIRED, read_plan_table
from readers.sheets import read_rows
from core.text import fold_words

# What the template's header row says, in the order of its columns.
TEMPLATE_COLUMNS = [
    ("criterion", "Tiêu chí"),
    ("title", "Tên tiêu chí"),
    ("target", "Kết quả cần đạt"),
    ("task", "Công việc/giải pháp"),
    ("owners", "Chủ trì, phối hợp"),
    ("output", "Sản phẩm"),
    ("timeline", "Thời gian thực hiện"),
    ("support", "Điều kiện hỗ trợ"),
    ("note", "Ghi chú"),
]
TEMPLATE_EXAMPLE = {
    "criterion": "1.2",
    "title": "Hội đồng trường và các hội đồng khác",
    "target": "Duy trì Mức 2",
    "task": "Rà soát, kiện toàn Hội đồng trường; họp định kỳ theo quy chế",
    "owners": "HT, PHT, TTCM",
    "output": "Quyết định kiện toàn; biên bản họp",
    "timeline": "Tháng 9/2026",
    "support": "",
    "note": "",
}

_YEAR = re.compile(r"(20\d\d)\s*[-–—/]\s*(20\d\d)")


def parse_plan_sheet(path: Path) -> PlanDraft:
    """Our spreadsheet is filled by hand for this product, so any row we cannot place is an
    error to fix, never a warning."""
    rows = read_rows(path)
    if not any(any(row) for row in rows):
        raise InputError("plan_empty", name=path.name)
    draft = PlanDraft()
    read = read_plan_table(rows, draft)
    if not read.found:
        missing = REQUIRED - set(read.columns.values())
        raise InputError("plan_missing_columns", name=path.name, missing=sorted(missing))
    if read.problems:
        raise InputError("plan_unknown_criteria", name=path.name, rows=read.problems)
    if not draft.task_count:
        raise InputError("plan_no_tasks", name=path.name)
    read_preamble(rows[:read.header_at], draft)
    return draft


def read_preamble(rows: list[list[str]], draft: PlanDraft) -> None:
    for row in rows:
        for cell in row:
            if not cell:
                continue
            year = _YEAR.search(cell)
            if year and draft.school_year is None:
                draft.school_year = f"{year.group(1)}-{year.group(2)}"
            if draft.school is None and fold_words(cell).startswith("truong "):
                draft.school = cell


def write_plan_template(path: Path) -> None:
    headers = [label for _, label in TEMPLATE_COLUMNS]
    example = [TEMPLATE_EXAMPLE[field] for field, _ in TEMPLATE_COLUMNS]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([headers, example])
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kế hoạch"
    sheet.append(headers)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [9, 30, 24, 48, 22, 28, 20, 20, 16]
    for letter, width in zip("ABCDEFGHI", widths):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.save(path)
