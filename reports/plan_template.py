"""The plan spreadsheet as written: its columns, the look it shares with an exported plan,
and the empty template with one example row (`caitien plan template`, and sent in chat with
a file that held no plan). Its words are templates/reports/plan_columns.j2 and
plan_template_example.j2; readers/plan_sheet.py reads it back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from templates.render import Renderer

# The columns in their order, each with its width on the sheet.
COLUMNS = (("criterion", 9), ("title", 30), ("target", 24), ("task", 48), ("owners", 22),
           ("output", 28), ("timeline", 20), ("support", 20), ("note", 16))
FIELDS = [field for field, _ in COLUMNS]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def plan_headers(renderer: Renderer) -> list[str]:
    """The header row's words, in the columns' order."""
    words = renderer.pairs("reports/plan_columns.j2")
    return [words[field] for field in FIELDS]


def write_plan_template(path: Path, renderer: Renderer) -> None:
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(_template_rows(renderer))
        return
    _template_workbook(renderer).save(path)


def plan_template_bytes(renderer: Renderer) -> bytes:
    """The empty template as an .xlsx file's bytes, to send in chat."""
    buffer = io.BytesIO()
    _template_workbook(renderer).save(buffer)
    return buffer.getvalue()


def _template_rows(renderer: Renderer) -> list[list[str]]:
    example = renderer.pairs("reports/plan_template_example.j2")
    return [plan_headers(renderer), [example[field] for field in FIELDS]]


def _template_workbook(renderer: Renderer) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = renderer.pairs("reports/plan_workbook_words.j2")["sheet"]
    for row in _template_rows(renderer):
        sheet.append(row)
    format_plan_sheet(sheet, 1)
    return workbook


def format_plan_sheet(sheet: Worksheet, header_row: int) -> None:
    """The look the template and an exported plan share, for reading on a small screen as
    well as a PC: the header stands out and stays in view, every cell wraps its text."""
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in sheet.iter_rows(min_row=header_row, max_col=len(COLUMNS)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
