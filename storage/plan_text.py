"""A plan exported as plain text or Markdown (.txt, .md): paragraphs, tab- or
pipe-separated tables, stray HTML and Markdown marks, rows broken by page breaks."""

from __future__ import annotations

import html
import re
from pathlib import Path

from storage.docx_file import MAX_FILE_BYTES, Block
from storage.errors import InputError
from storage.plan_table import REQUIRED, criterion_ids, is_standard_row, match_header
from storage.sheets import find_header
from storage.text import clean
from storage.timelines import parse_timeline

_TAGS = re.compile(r"<[^>]{0,200}>")
_MARKS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w))")
_RULE = re.compile(r"^[\s|:+\-–=]+$")
FRAGMENT = 4
LOOK_BACK = 3  # data rows a page-break fragment may belong to


def read_text_blocks(path: Path) -> list[Block]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    raw = path.read_bytes()
    if b"\0" in raw[:4096]:
        raise InputError("text_not_text", name=path.name)
    text = raw.decode("utf-8-sig", errors="replace")
    blocks: list[Block] = []
    table: list[list[str]] | None = None
    for line in text.splitlines():
        if not line.strip():
            continue  # blank lines fall between the pieces of a table cut by page breaks
        cells = _cells(line)
        if cells is not None:
            if table is None:
                table = []
                blocks.append(Block(rows=table))
            if not _RULE.match(line):
                table.append(cells)
            continue
        if table is not None and len(line.strip()) <= FRAGMENT:
            continue  # letters of a heading split over lines by the export, inside a table
        table = None
        paragraph = _plain(line.lstrip("#> ").strip())
        if paragraph:
            blocks.append(Block(text=paragraph))
    return _join_tables(blocks)


def _join_tables(blocks: list[Block]) -> list[Block]:
    """A table with no header of its own continues the last table that had one."""
    joined: list[Block] = []
    last_table: Block | None = None
    for block in blocks:
        if block.rows is None:
            joined.append(block)
            continue
        headed = find_header(block.rows, match_header, REQUIRED)
        if (headed is None or headed[0] is None) and last_table is not None:
            last_table.rows.extend(block.rows)
            continue
        joined.append(block)
        last_table = block
    for block in joined:
        if block.rows is not None:
            block.rows = _mend(block.rows)
    return joined


def _cells(line: str) -> list[str] | None:
    if line.count("\t") >= 2:
        return [_plain(c) for c in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        return [_plain(c) for c in stripped.strip("|").split("|")]
    return None


def _plain(text: str) -> str:
    return clean(_MARKS.sub("", html.unescape(_TAGS.sub(" ", text))))


def _mend(rows: list[list[str]]) -> list[list[str]]:
    """Put each row's cells back under their headers: a row whose criterion id sits left of
    the criterion column is shifted right; a row with neither id nor number continues the
    row above (a page break cut it)."""
    found = find_header(rows, match_header, REQUIRED)
    if found is None or found[0] is None:
        return rows
    header_at, columns = found
    column_of = {field: col for col, field in columns.items()}
    criterion_col = column_of["criterion"]
    number_col = column_of.get("number")
    mended = rows[: header_at + 1]
    recent: list[list[str]] = []
    for row in rows[header_at + 1:]:
        at = next((i for i, cell in enumerate(row) if criterion_ids(cell)), None)
        if at is not None and at < criterion_col:
            row = [""] * (criterion_col - at) + row
        cells = {f: (row[c] if c < len(row) else "") for c, f in columns.items()}
        _timeline_home(row, cells, column_of)
        starts_row = at is not None or (number_col is not None and cells.get("number"))
        if starts_row or is_standard_row(cells):
            mended.append(row)
            if at is not None:
                recent = (recent + [row])[-LOOK_BACK:]
        elif mended[-1] not in recent and all(
                not cell or i <= criterion_col for i, cell in enumerate(row)):
            continue  # the rest of a standard's heading, cut by the page
        elif recent:
            _continue(_cut_row(recent, row), row)
    return mended


def _cut_row(recent: list[list[str]], fragment: list[str]) -> list[str]:
    """The row a page break cut: the newest whose cells under the fragment's are all left
    unfinished (exports may put a page's leftovers after the next rows)."""
    for row in reversed(recent):
        if all(not cell or i >= len(row) or not _finished(row[i])
               for i, cell in enumerate(fragment)):
            return row
    return recent[-1]


def _finished(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "…"))


def _continue(row: list[str], fragment: list[str]) -> None:
    for i, cell in enumerate(fragment):
        if not cell:
            continue
        if i < len(row):
            row[i] = f"{row[i]} {cell}".strip()
        else:
            row.append(cell)


def _timeline_home(row: list[str], cells: dict[str, str], column_of: dict[str, int]) -> None:
    """Exports drop empty cells, sliding a date into the column before its own: move a
    product cell that reads as a timeline into an empty timeline column."""
    output, timeline = column_of.get("output"), column_of.get("timeline")
    if output is None or timeline is None or cells.get("timeline") or not cells.get("output"):
        return
    if parse_timeline(cells["output"]).kind == "unknown":
        return
    while len(row) <= timeline:
        row.append("")
    row[timeline], row[output] = row[output], ""
