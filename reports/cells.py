"""Cells of the spreadsheets and CSV files the product writes: what people or documents wrote
is text, never a formula. openpyxl takes a string beginning with "=" for a formula (a staff
name «=HYPERLINK(…)» would become a live link); a CSV cell beginning with =, +, -, @, a tab
or a carriage return is one to Excel when opened, so it gets a leading apostrophe (OWASP's
advice for CSV injection). Characters XML cannot hold are dropped rather than failing the
whole file."""

from __future__ import annotations

import csv
from io import StringIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def append_text(sheet: Worksheet, values: list) -> None:
    """A row whose strings are text cells."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                  for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def text_cell(sheet, value: object) -> WriteOnlyCell:
    """One cell of a write-only sheet, a string as text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def csv_text(value: object) -> object:
    """A CSV cell Excel shows as written, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: list[list]) -> bytes:
    """Rows as CSV with a byte-order mark, so that Excel reads it as UTF-8."""
    out = StringIO()
    csv.writer(out).writerows([[csv_text(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")
