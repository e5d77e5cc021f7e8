"""Opening a Word file a stranger uploaded: refuse what is not a .docx, or is broken or
encrypted; then read the body as it unzips, within the caps of readers.limits.

The body is parsed as a stream and each paragraph and table row let go once read, so a
document costs its text, not its XML tree. What is read is what python-docx reads: the
paragraphs and tables directly in the body, a cell's text its paragraphs joined by line
breaks, a cell spanning columns repeated in each, a vertically merged cell's text in every
row it covers."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from lxml import etree

from core.errors import InputError
from core.text import clean, clean_lines
from readers.limits import MAX_FILE_BYTES, Budget, Unzipping, xml_elements
from readers.text_file import visible_only

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
DOCUMENT = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY, P, TBL, TR, TC = (f"{_W}{t}" for t in ("body", "p", "tbl", "tr", "tc"))
R, HYPERLINK, T, VAL = (f"{_W}{t}" for t in ("r", "hyperlink", "t", "val"))
TR_PR, TC_PR, GRID_BEFORE, GRID_SPAN, V_MERGE = (
    f"{_W}{t}" for t in ("trPr", "tcPr", "gridBefore", "gridSpan", "vMerge"))
# A run's other children that stand for text (python-docx reads them the same way).
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n",
             f"{_W}noBreakHyphen": "-"}
BR = f"{_W}br"
# What a malformed or hostile package raises on the way out of the zip or the parser.
BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, etree.LxmlError, ValueError,
          NotImplementedError)


@dataclass
class Block:
    """A paragraph (text) or a table (rows of cell texts), in document order."""

    text: str | None = None
    rows: list[list[str]] | None = None


def check_docx(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:  # readers.file_kind sends Word 97 files to be converted first
        key = "docx_encrypted" if ENCRYPTED_MARK in path.read_bytes() else "docx_not_word"
        raise InputError(key, name=path.name)
    if not zipfile.is_zipfile(path):
        raise InputError("docx_broken", name=path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            document = archive.getinfo(DOCUMENT) if DOCUMENT in names else None
    except zipfile.BadZipFile as exc:
        raise InputError("docx_broken", name=path.name) from exc
    if document is None:
        raise InputError("docx_not_word", name=path.name)
    if document.flag_bits & 0x1:  # a zip password, not Word's
        raise InputError("docx_encrypted", name=path.name)


def read_blocks(path: Path) -> list[Block]:
    check_docx(path)
    budget = Budget(path.name)
    try:
        with zipfile.ZipFile(path) as archive, \
                Unzipping(archive, "docx_bomb", path.name).open(DOCUMENT) as xml:
            return list(_blocks(xml, budget))
    except BROKEN as exc:
        raise InputError("docx_broken", name=path.name) from exc


def _blocks(xml, budget: Budget) -> Iterator[Block]:
    """Body paragraphs and tables as they end; a table row as it ends, then let go with
    what came before it, so the tree never holds more than the block being read."""
    table: _Table | None = None
    for element in xml_elements(xml, (P, TBL, TR)):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tag == TR and parent.tag == TBL and _in_body(parent):
            table = table or _Table(budget)
            table.add(element)
        elif parent.tag == BODY:
            if element.tag == TBL:
                yield Block(rows=table.rows if table else [])
                table = None
            elif text := _clean(_paragraph_text(element)):
                budget.rows()
                budget.chars(len(text))
                yield Block(text=text)
        else:
            continue  # inside a cell: read with its row
        element.clear()
        while element.getprevious() is not None:
            del parent[0]


def _in_body(table) -> bool:
    parent = table.getparent()
    return parent is not None and parent.tag == BODY


class _Table:
    """The rows of the table being read. A row is kept as texts only: the grid column each
    cell starts at remembers its text, for the merged cells of the rows below."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.rows: list[list[str]] = []
        self.above: dict[int, tuple[str, int]] = {}

    def add(self, tr) -> None:
        self.budget.rows()
        row: list[str] = []
        starts: dict[int, tuple[str, int]] = {}
        offset = _number(tr.find(TR_PR), GRID_BEFORE, 0)
        for tc in tr.iterchildren(TC):
            props = tc.find(TC_PR)
            span = max(_number(props, GRID_SPAN, 1), 1)
            cell = self.above.get(offset) if _continues(props) else None
            if cell is None:
                cell = (clean_lines(visible_only("\n".join(_paragraph_text(p)
                                                            for p in tc.iterchildren(P)))),
                        span)
            text, width = cell
            self.budget.cells(width)
            self.budget.chars(len(text) * width)
            row.extend([text] * width)
            starts[offset] = cell
            offset += span
        self.above = starts
        self.rows.append(row)


def _continues(props) -> bool:
    """Whether the cell continues the vertically merged one above (w:vMerge without
    w:val="restart")."""
    merge = None if props is None else props.find(V_MERGE)
    return merge is not None and merge.get(VAL, "continue") == "continue"


def _number(props, tag: str, default: int) -> int:
    found = None if props is None else props.find(tag)
    return default if found is None else int(found.get(VAL, default))


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for child in p:
        if child.tag == R:
            _run_text(child, parts)
        elif child.tag == HYPERLINK:
            for run in child.iterchildren(R):
                _run_text(run, parts)
    return "".join(parts)


def _run_text(run, parts: list[str]) -> None:
    for child in run:
        if child.tag == T:
            parts.append(child.text or "")
        elif child.tag == BR:
            # A line break reads as one; page and column breaks as nothing.
            parts.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping"
                         else "")
        else:
            parts.append(_RUN_TEXT.get(child.tag, ""))


def _clean(text: str) -> str:
    return clean(visible_only(text))
