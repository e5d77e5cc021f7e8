"""Read a spreadsheet (.xlsx or .csv) as rows of clean strings."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from core.errors import InputError
from core.text import clean, fold_words

MAX_ROWS = 20_000


def read_rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("file_missing", name=str(path))
    if suffix == ".csv":
        return _read_csv(path.read_bytes())
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise InputError("sheet_wrong_type", name=path.name)


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[clean(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    return rows[:MAX_ROWS]


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError("sheet_broken", name=path.name) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(v) for v in row])
            if len(rows) >= MAX_ROWS:
                break
        return rows
    finally:
        workbook.close()


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
