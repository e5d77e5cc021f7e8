"""A plan exported as plain text or Markdown (.txt, .md): paragraphs, tab- or
pipe-separated tables, stray HTML and Markdown marks, rows broken by page breaks — and
pages the export put out of order."""

from __future__ import annotations

import html
import re
from pathlib import Path

from readers.docx_file import Block
from readers.text_file import text_lines
from readers.frameworks import criterion_sort_key
from readers.columns import Header, field_of, find_header
from readers.refs import cell_ids, leading_id, local_criterion, named_ids, standard_heading
from core.text import clean, fold
from readers.task_lines import is_marked
from readers.timelines import parse_timeline

_TAGS = re.compile(r"<[^>]{0,200}>")
_MARKS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w))")
_RULE = re.compile(r"^[\s|:+\-–=]+$")
FRAGMENT = 4
MIN_COLUMNS, MAX_COLUMNS, LABEL = 4, 12, 40  # a header exported one label per line
LOOK_BACK = 3  # data rows a page-break fragment may belong to

_PAGE_MARK = re.compile(r"(?:^|[-–—|:]\s*)trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?\s*\|?\s*$"
                        r"|^\s*[-–—]\s*\d{1,3}\s*[-–—]\s*$")

Page = list[list[str]]


def _names_criterion(cell: str) -> bool:
    """A cell that opens a row: it names a criterion, by id or by its number in a standard."""
    return bool(cell_ids(cell)) or local_criterion(cell) is not None or \
        leading_id(cell) is not None


def is_standard_row(cells: dict[str, str]) -> bool:
    """A «Tiêu chuẩn 1: …» or «MỨC 1,2,3» heading row: one text and no criterion id."""
    values = {v for f, v in cells.items() if v and f != "number"}
    if len(values) != 1:
        return False
    (value,) = values
    words = fold(value)
    return not cell_ids(value) and (standard_heading(value) is not None
                                         or words.startswith("muc "))


def _task_header(rows: list[list[str]]) -> Header | None:
    """The header of a task table, a «Tiêu chí liên quan» or «Tiêu chuẩn, tiêu chí» column
    the criterion's when none is called so."""
    header = find_header(rows)
    if header is None or not header.has("task"):
        return None
    if not header.has("criterion"):

        column = header.column("related")
        column = header.column("standard") if column is None else column
        if column is None:
            return None
        header.fields[column] = "criterion"
    return header


def read_text_blocks(path: Path, notes: set[str] | None = None) -> list[Block]:
    """The blocks of a .txt or .md export; `notes` as readers.text_file.read_text."""
    items: list[Block | list[Page]] = []
    pages: list[Page] | None = None
    lines = cells_per_line(list(text_lines(path, notes)))
    running = _running_headers(lines)
    for line in lines:
        if _PAGE_MARK.search(fold(line)) or line.strip() in running:
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
        if paragraph and items and isinstance(items[-1], Block) and \
                _cut_short(items[-1].text, paragraph):
            items[-1].text += " " + paragraph  # a sentence a page break cut
        elif paragraph:
            items.append(Block(text=paragraph))
    return _join_tables(items)


def cells_per_line(lines: list[str]) -> list[str]:
    """A table exported one cell per line (Word's text export, a copy from a web page): a run
    of column labels naming at least a criterion and a task column, then rows of as many
    lines, each opening with a criterion — rejoined as tab-separated rows, blank lines being
    empty cells."""
    out, i = [], 0
    while i < len(lines):
        width, criterion = _label_run(lines, i)
        if not width:
            out.append(lines[i])
            i += 1
            continue
        out.append("\t".join(line.strip() for line in lines[i:i + width]))
        i += width
        while i + width <= len(lines) and _names_criterion(lines[i + criterion].strip()):
            out.append("\t".join(line.strip() for line in lines[i:i + width]))
            i += width
    return out


def _label_run(lines: list[str], start: int) -> tuple[int, int]:
    """How many lines from `start` are one exported header row (0: none are), and which of
    them labels the criterion column. The header is as wide as puts a criterion under its
    criterion label in the first row after it; one label may be a word the reader does not
    know («Kết quả»)."""
    fields = []
    for line in lines[start:start + MAX_COLUMNS]:
        text = line.strip()
        if not text or "\t" in text or len(text) > LABEL or _names_criterion(text) \
                or text.isdigit():
            break
        fields.append(field_of(text))
    for width in range(len(fields), MIN_COLUMNS - 1, -1):
        labels = fields[:width]
        if not labels[0] or sum(1 for f in labels if f) < width - 1 \
                or not {"criterion", "task"} <= set(labels) \
                or width < len(fields) and fields[width]:
            continue  # a header does not stop short of a label («PHÂN CÔNG» above «TT» …)
        first_row = start + width + labels.index("criterion")
        if first_row < len(lines) and _names_criterion(lines[first_row].strip()):
            return width, labels.index("criterion")
    return 0, 0


def _cut_short(before: str, after: str) -> bool:
    """Whether `after` ends the sentence `before` (a page break between them): it goes on
    in lower case, or a long sentence left open ends in a word or two («… học kỳ» / «II.»)."""
    if after[0].islower():
        return True
    open_end = not before.rstrip().endswith((".", ";", ":", "!", "?", "…"))
    if after[0].isdigit() and open_end and not is_marked(after) and leading_id(after) is None:
        return True
    return len(before) >= 60 and not before.rstrip().endswith((".", ";", ":", "!", "?", "…")) \
        and len(after) <= 6 and after.endswith(".") and not named_ids(after)


def _running_headers(lines: list[str]) -> set[str]:
    """Lines a page repeats at its top or foot («TRƯỜNG THCS … – Kế hoạch cải tiến …»): the
    same short line, naming the plan, more than once."""
    seen: dict[str, int] = {}
    for line in lines:
        text = line.strip()
        if text and len(text) <= 150 and _cells(line) is None:
            seen[text] = seen.get(text, 0) + 1
    return {text for text, count in seen.items()
            if count >= 2 and "ke hoach" in fold(text) and re.search(r"\s[-–—|]\s", text)}


def _join_tables(items: list[Block | list[Page]]) -> list[Block]:
    """A table with no header of its own continues the last table that had one."""
    joined: list[Block | list[Page]] = []
    last_table: list[Page] | None = None
    for pages in _tables(items):
        if isinstance(pages, Block):
            joined.append(pages)
            continue
        if find_header(_flat(pages)) is None and last_table is not None:
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
        ids = [i for row in page for cell in row[: criterion_col + 1] for i in cell_ids(cell)]
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
        at = next((i for i, cell in enumerate(row) if _names_criterion(cell)), None)
        if at is not None and at < criterion_col:
            row = [""] * (criterion_col - at) + row
        cells = {f: (row[c] if c < len(row) else "") for c, f in columns.items()}
        _timeline_home(row, cells, column_of)
        repeated = bool(cells.get("criterion")) and len(mended) > header_at + 1 and \
            cells["criterion"] == _at(mended[-1], criterion_col)  # a merged cell, written again
        starts_row = at is not None or repeated or _whole_row(row, column_of.get("task")) or (
            number_col is not None and cells.get("number"))
        if starts_row or is_standard_row(cells):
            mended.append(row)
            if starts_row and not is_standard_row(cells):
                recent = (recent + [row])[-LOOK_BACK:]
        elif mended[-1] not in recent and all(
                not cell or i <= criterion_col for i, cell in enumerate(row)):
            continue  # the rest of a standard's heading, cut by the page
        elif recent:
            target = _cut_row(recent, row)
            misfits += _finished_under(target, row)
            _continue(target, row)
    return mended, misfits


def _whole_row(row: list[str], task_col: int | None) -> bool:
    """A row of its own under a merged criterion cell: a task that opens a sentence, with
    its owners, dates or output beside it. What a page break cuts goes on in lower case."""
    task = _at(row, task_col) if task_col is not None else ""
    others = sum(1 for i, cell in enumerate(row) if cell and i != task_col)
    return bool(task) and not task[0].islower() and others >= 2


def _at(row: list[str], col: int) -> str:
    return row[col] if col < len(row) else ""


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
            row[i] = f"{row[i]}{_joint(cell)}{cell}".strip()
        else:
            row.append(cell)


def _joint(cell: str) -> str:
    """A fragment opening with a capital or a bullet is the cell's next line («Thư ký
    HĐTĐG» under «Ban Giám đốc»); one in lower case goes on the sentence a page cut."""
    return "\n" if cell[:1].isupper() or is_marked(cell) else " "


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
