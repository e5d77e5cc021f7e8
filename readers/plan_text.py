"""A plan exported as plain text or Markdown (.txt, .md): paragraphs, tab- or
pipe-separated tables, stray HTML and Markdown marks, rows broken by page breaks — and
pages the export put out of order."""

from __future__ import annotations

import html
import re
from pathlib import Path

from readers.docx_file import MAX_FILE_BYTES, Block
from core.errors import InputError
from readers.frameworks import criterion_sort_key
from readers.columns import Header, find_header
from readers.refs import bare_ids, named_ids, standard_heading
from core.text import clean, fold
from readers.timelines import parse_timeline

_TAGS = re.compile(r"<[^>]{0,200}>")
_MARKS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w))")
_RULE = re.compile(r"^[\s|:+\-–=]+$")
FRAGMENT = 4
LOOK_BACK = 3  # data rows a page-break fragment may belong to

_PAGE_MARK = re.compile(r"(?:^|[-–—|:]\s*)trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?\s*\|?\s*$")

Page = list[list[str]]


def criterion_ids(cell: str) -> list[str]:
    return named_ids(cell) or bare_ids(cell)


def is_standard_row(cells: dict[str, str]) -> bool:
    """A «Tiêu chuẩn 1: …» or «MỨC 1,2,3» heading row: one text and no criterion id."""
    values = {v for f, v in cells.items() if v and f != "number"}
    if len(values) != 1:
        return False
    (value,) = values
    words = fold(value)
    return not criterion_ids(value) and (standard_heading(value) is not None
                                         or words.startswith("muc "))


def _task_header(rows: list[list[str]]) -> Header | None:
    header = find_header(rows)
    if header is None or not header.has("criterion", "task"):
        return None
    return header


def read_text_blocks(path: Path) -> list[Block]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    raw = path.read_bytes()
    if b"\0" in raw[:4096]:
        raise InputError("text_not_text", name=path.name)
    text = raw.decode("utf-8-sig", errors="replace")
    items: list[Block | list[Page]] = []
    pages: list[Page] | None = None
    for line in text.splitlines():
        if _PAGE_MARK.search(fold(line)):
            continue  # a page's running header or footer, repeated mid-document
        if not line.strip():
            if pages is not None and pages[-1]:
                pages.append([])  # a blank line inside a table is where a page broke it
            continue
        cells = _cells(line)
        if cells is not None:
            if pages is None:
                pages = [[]]
                items.append(pages)
            if not _RULE.match(line):
                pages[-1].append(cells)
            continue
        if pages is not None and len(line.strip()) <= FRAGMENT:
            continue  # letters of a heading split over lines by the export, inside a table
        pages = None
        paragraph = _plain(line.lstrip("#> ").strip())
        if paragraph:
            items.append(Block(text=paragraph))
    return _join_tables(items)


def _join_tables(items: list[Block | list[Page]]) -> list[Block]:
    """A table with no header of its own continues the last table that had one."""
    joined: list[Block | list[Page]] = []
    last_table: list[Page] | None = None
    for pages in _tables(items):
        if isinstance(pages, Block):
            joined.append(pages)
            continue
        if _task_header(_flat(pages)) is None and last_table is not None:
            last_table.extend(pages)
            continue
        joined.append(pages)
        last_table = pages
    return [item if isinstance(item, Block) else Block(rows=_mend(item)) for item in joined]


def _tables(items: list[Block | list[Page]]) -> list[Block | list[Page]]:
    """Each run of table lines, split where a page opens with a header unlike the table's
    own: two tables with only a blank line between them are two tables."""
    split: list[Block | list[Page]] = []
    for item in items:
        if isinstance(item, Block):
            split.append(item)
            continue
        table: list[Page] = []
        for page in (page for page in item if page):
            header = find_header(page[:1])
            if table and header is not None and page[0] != table[0][0]:
                split.append(table)
                table = []
            table.append(page)
        split.append(table)
    return split


def _cells(line: str) -> list[str] | None:
    if line.count("\t") >= 2:
        return [_plain(c) for c in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        return [_plain(c) for c in stripped.strip("|").split("|")]
    return None


def _plain(text: str) -> str:
    return clean(_MARKS.sub("", html.unescape(_TAGS.sub(" ", text))))


def _flat(pages: list[Page]) -> list[list[str]]:
    return [row for page in pages for row in page]


def _mend(pages: list[Page]) -> list[list[str]]:
    """The table's rows in order, each under its headers, page-break fragments joined to
    the row they continue. Exports sometimes shuffle pages; when putting the pages back in
    criterion order lets more fragments continue an unfinished row, that order is used."""
    rows = _flat(pages)
    header = _task_header(rows)
    if header is None:
        return rows
    found = (header.last_row, header.fields)
    as_written, misfits = _mend_rows(rows, *found)
    if not misfits:
        return as_written
    reordered, fewer = _mend_rows(_flat(_in_criterion_order(pages, found)), *found)
    return reordered if fewer < misfits else as_written


def _in_criterion_order(pages: list[Page], header: tuple[int, dict[int, str]]) -> list[Page]:
    """Pages sorted by the first criterion they name; a page naming none stays with the
    page before it, and the page holding the header stays first."""
    criterion_col = next(c for c, f in header[1].items() if f == "criterion")
    header_row = _flat(pages)[header[0]]
    groups: list[tuple[tuple[int, int], Page]] = []
    for page in pages:
        ids = [i for row in page for cell in row[: criterion_col + 1] for i in criterion_ids(cell)]
        if header_row in page:
            key = (0, 0)
        elif ids and groups:
            key = criterion_sort_key(ids[0])
        elif groups:
            groups[-1][1].extend(page)
            continue
        else:
            key = (0, 0)
        groups.append((key, list(page)))
    return [page for _, page in sorted(groups, key=lambda group: group[0])]


def _mend_rows(rows: list[list[str]], header_at: int,
               columns: dict[int, str]) -> tuple[list[list[str]], int]:
    """Put each row's cells back under their headers: a row whose criterion id sits left of
    the criterion column is shifted right; a row with neither id nor number continues the
    row above (a page break cut it). Also says how many fragment cells landed on a cell
    that was already finished."""
    column_of = {field: col for col, field in columns.items()}
    criterion_col = column_of["criterion"]
    number_col = column_of.get("number")
    mended = [list(row) for row in rows[: header_at + 1]]
    recent: list[list[str]] = []
    misfits = 0
    for row in rows[header_at + 1:]:
        row = list(row)
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
            target = _cut_row(recent, row)
            misfits += _finished_under(target, row)
            _continue(target, row)
    return mended, misfits


def _cut_row(recent: list[list[str]], fragment: list[str]) -> list[str]:
    """The row a page break cut: the newest whose cells under the fragment's are all left
    unfinished."""
    for row in reversed(recent):
        if not _finished_under(row, fragment):
            return row
    return recent[-1]


def _finished_under(row: list[str], fragment: list[str]) -> int:
    return sum(1 for i, cell in enumerate(fragment)
               if cell and i < len(row) and _finished(row[i]))


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
