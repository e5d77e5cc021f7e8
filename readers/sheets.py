"""Read a spreadsheet (.xlsx, .xls or .csv) as sheets of rows of clean strings, within the caps of
readers.limits whatever the file claims about its size: rows end at their last filled cell,
and empty rows after the last filled one are not there. A merged cell reads as Word's do: its
text in every cell it covers, across the columns and down the rows."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlrd
from lxml import etree
from openpyxl.utils.cell import range_boundaries

from core.errors import InputError
from core.text import clean_lines, fold_words
from readers.limits import MAX_FILE_BYTES, Budget, Unzipping
from readers.text_file import read_text, visible_only
from readers.xls_file import read_xls_sheets
from readers.xlsx_file import Workbook

# What a malformed or hostile workbook raises on the way out of the zip or the XML parser.
BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError,
          ValueError, TypeError, etree.LxmlError, NotImplementedError)
CSV_SAMPLE = 4096


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]


KINDS = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls"}


def read_rows(path: Path, notes: set[str] | None = None,
              kind: str | None = None) -> list[list[str]]:
    """The rows of the first visible sheet."""
    sheets = read_sheets(path, limit=1, notes=notes, kind=kind)
    return sheets[0].rows if sheets else []


def read_sheets(path: Path, limit: int | None = None, notes: set[str] | None = None,
                kind: str | None = None) -> list[Sheet]:
    """The visible sheets in tab order (the first `limit` of them), within one budget, of a
    "csv", "xlsx" or "xls" file: `kind`, or as the file's name says. `notes` gets
    "legacy_font_tcvn3" / "legacy_font_vni" when text in those encodings was converted to
    Unicode."""
    kind = kind or KINDS.get(path.suffix.lower())
    if not path.is_file():
        raise InputError("file_missing", name=str(path))
    if kind == "csv":
        return [Sheet(path.stem, _read_csv(path, notes))]
    if kind == "xlsx":
        return _read_xlsx(path, limit, notes)
    if kind == "xls":
        return _read_xls(path, limit, notes)
    raise InputError("sheet_wrong_type", name=path.name)


def _read_csv(path: Path, notes: set[str] | None) -> list[list[str]]:
    text = read_text(path, "csv_not_text", notes)
    try:
        dialect = csv.Sniffer().sniff(text[:CSV_SAMPLE], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = _Rows(Budget(path.name))
    try:
        for line, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            rows.budget.cells(len(row))
            rows.add(line, [clean_lines(cell) for cell in row])
    except csv.Error as exc:  # a cell longer than the csv module takes, a stray quote
        raise InputError("csv_not_text", name=path.name) from exc
    return rows.rows


def _read_xlsx(path: Path, limit: int | None, notes: set[str] | None) -> list[Sheet]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    budget = Budget(path.name)
    sheets = []
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = Workbook(Unzipping(archive, "sheet_bomb", path.name), budget, notes)
            for part in workbook.sheets[:limit]:
                budget.sheets()
                rows, merges = _Rows(budget), []
                for line, cells in workbook.read(part, merges):
                    rows.add(line, _row_of(cells, budget))
                _merge(rows.rows, merges, budget)
                sheets.append(Sheet(part.name, rows.rows))
    except BROKEN as exc:
        raise InputError("sheet_broken", name=path.name) from exc
    return sheets


def _merge(rows: list[list[str]], merges: list[str], budget: Budget) -> None:
    """Each merged range's top-left text written into every cell it covers, within the rows
    and columns the sheet fills: a range claiming the whole grid costs what it covers of
    the sheet, and every cell it fills counts against the budget."""
    width = max(map(len, rows), default=0)
    for ref in merges:
        try:
            left, top, right, bottom = range_boundaries(ref)
        except ValueError:  # no program writes one; the cells themselves are still there
            continue
        if None in (left, top) or top > len(rows) or left > len(rows[top - 1]):
            continue
        text = rows[top - 1][left - 1]
        right, bottom = min(right or width, width), min(bottom or len(rows), len(rows))
        if not text or right < left or bottom < top:
            continue
        area = (right - left + 1) * (bottom - top + 1)
        budget.cells(area)
        budget.chars(len(text) * area)
        for row in rows[top - 1:bottom]:
            row.extend([""] * (right - len(row)))
            row[left - 1:right] = [text] * (right - left + 1)


def _read_xls(path: Path, limit: int | None, notes: set[str] | None) -> list[Sheet]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    budget = Budget(path.name)
    sheets = []
    try:
        for sheet in read_xls_sheets(path, budget, limit, notes):
            budget.sheets()
            rows = _Rows(budget)
            for line, cells in sheet.rows:
                rows.add(line, _row_of(cells, budget))
            _merge(rows.rows, sheet.merges, budget)
            sheets.append(Sheet(sheet.name, rows.rows))
    except xlrd.XLRDError as exc:
        key = "docx_encrypted" if "encrypted" in str(exc).lower() else "sheet_broken"
        raise InputError(key, name=path.name) from exc
    except BROKEN + (AssertionError, struct.error) as exc:
        raise InputError("sheet_broken", name=path.name) from exc
    return sheets


def _row_of(cells: dict[int, object], budget: Budget) -> list[str]:
    """The row's texts up to its last filled cell. The empty cells before that count
    against the budget as the written ones did."""
    texts = {column: _cell(value) for column, value in cells.items() if value is not None}
    width = max((column for column, text in texts.items() if text), default=0)
    budget.cells(max(width - len(cells), 0))
    row = [""] * width
    for column, text in texts.items():
        if column <= width:
            row[column - 1] = text
    return row


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_lines(visible_only(value) if isinstance(value, str) else str(value))


class _Rows:
    """Rows in order, each at its own number: empty rows are kept only when a filled one
    comes after them."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.rows: list[list[str]] = []

    def add(self, line: int, cells: list[str]) -> None:
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return
        line = max(line, len(self.rows) + 1)  # a hostile file may number rows backwards
        self.budget.rows(line - len(self.rows))  # this row and the empty ones before it
        self.budget.chars(sum(map(len, cells)))
        self.rows.extend([] for _ in range(line - 1 - len(self.rows)))
        self.rows.append(cells)


def header_matcher(fields: list[tuple[str, tuple[str, ...]]]):
    """A function naming the field a header cell is, by its words (folded, whole words);
    the first field in `fields` whose words appear wins."""

    def match(cell: str) -> str | None:
        words = f" {fold_words(cell)} "
        for name, needles in fields:
            if any(f" {needle} " in words for needle in needles):
                return name
        return None

    return match


def find_header(rows: list[list[str]], match, required: set[str], scan: int = 15):
    """The first row (within `scan`) whose cells name all `required` fields.

    `match(cell) -> field | None`. Returns (row index, {column index: field}) or None.
    """
    best = None
    for index, row in enumerate(rows[:scan]):
        columns: dict[int, str] = {}
        for col, cell in enumerate(row):
            field = match(cell) if cell else None
            if field and field not in columns.values():
                columns[col] = field
        if required <= set(columns.values()):
            return index, columns
        if best is None or len(columns) > len(best[1]):
            best = (index, columns)
    return None if best is None else (None, best[1])
