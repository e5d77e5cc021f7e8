"""Opening a Word file a stranger uploaded: refuse what is not a .docx, or is broken or
encrypted; then read the body as it unzips, within the caps of readers.limits.

The body is parsed as a stream and each paragraph, cell and table row let go once read, so
a document costs its text, not its XML tree. All the text Word shows is read once, as Word
shows it with every pending change accepted. Where each rule comes from (sections of
ECMA-376 1st edition, Part 4, unless said):
- paragraphs and tables in the body, in content controls (w:sdt, §2.5.2) and custom XML
  (w:customXml, §2.5.1) at block, row and cell level;
- a cell's text its paragraphs joined by line breaks, a cell spanning columns repeated in
  each, a vertically merged cell's text in every row it covers (tables, §2.4);
- a table nested in a cell: its own table, right after the row that holds it, the outer
  table going on after it (so a layout table's cells each give their task table);
- text boxes and shapes (w:txbxContent, ISO/IEC 29500-4 §14.9.1.1): their paragraphs and
  tables right after the paragraph they are anchored in, as if written there. Word writes
  each twice, DrawingML in mc:Choice and VML in mc:Fallback (Part 5, Markup Compatibility,
  mc:AlternateContent): the Choice is read, the Fallback only when there is no Choice;
- runs in hyperlinks (§2.16.24), smart tags (§2.5.1.9), simple fields (w:fldSimple,
  §2.16.21, whose runs are their result), complex fields (w:fldChar, ISO/IEC 29500-1
  §17.16.13: the result between «separate» and «end», never the w:instrText code),
  bidirectional overrides (w:bdo, w:dir);
- tracked changes (§2.13.5) accepted: w:ins (§2.13.5.20) and w:moveTo (§2.13.5.26) read,
  w:del (§2.13.5.12) and w:moveFrom (§2.13.5.21) not; a deleted row or cell left out; a
  paragraph whose mark was deleted joined to the next;
- comments, footnotes, headers and footers are other parts and not read.
LibreOffice reads every structure here the same, word for word (tests/readers/
test_docx_structures.py)."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lxml import etree

from core.errors import InputError
from core.text import clean, clean_lines
from readers.docx_fonts import DocxFonts
from readers.limits import MAX_FILE_BYTES, Budget, Unzipping, xml_events
from readers.text_file import visible_only

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
DOCUMENT = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC, TXBX = (f"{_W}{t}" for t in ("p", "tbl", "tr", "tc", "txbxContent"))
R, T, VAL, BR = (f"{_W}{t}" for t in ("r", "t", "val", "br"))
P_PR, R_PR, TR_PR, TC_PR = (f"{_W}{t}" for t in ("pPr", "rPr", "trPr", "tcPr"))
GRID_BEFORE, GRID_SPAN, V_MERGE = (f"{_W}{t}" for t in ("gridBefore", "gridSpan", "vMerge"))
SDT, SDT_CONTENT, FLD_CHAR = (f"{_W}{t}" for t in ("sdt", "sdtContent", "fldChar"))
ALTERNATE, CHOICE, FALLBACK = (f"{_MC}{t}" for t in ("AlternateContent", "Choice",
                                                      "Fallback"))
# Tracked changes: what accepting keeps and what it drops; a row's and a cell's own marks.
KEPT = {f"{_W}ins", f"{_W}moveTo"}
DROPPED = {f"{_W}del", f"{_W}moveFrom"}
ROW_DELETED, CELL_DELETED = f"{_W}del", f"{_W}cellDel"
CELL_CHANGES = {f"{_W}cellIns", CELL_DELETED}
# What holds runs and is read through, in a paragraph: hyperlinks, smart tags, custom XML,
# simple fields (whose runs are their result), bidirectional text, accepted insertions.
_THROUGH = {f"{_W}{t}" for t in ("hyperlink", "smartTag", "customXml", "fldSimple", "bdo",
                                  "dir", "sdtContent")} | KEPT
# A run's other children that stand for text (python-docx reads them the same way).
# w:delText and w:instrText are not among them: deleted text and field codes are not read.
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n",
             f"{_W}noBreakHyphen": "-"}
# What a malformed or hostile package raises on the way out of the zip or the parser.
BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, OSError, etree.LxmlError, ValueError,
          NotImplementedError)
# A note for the reader of the preview (templates/warnings/<note>.j2).
CHANGES_ACCEPTED = "changes_accepted"


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


def read_blocks(path: Path, notes: set[str] | None = None) -> list[Block]:
    """The body's blocks; `notes` gets "changes_accepted" if pending changes were, and
    "legacy_font_tcvn3" / "legacy_font_vni" when text in such fonts was converted."""
    check_docx(path)
    try:
        with zipfile.ZipFile(path) as archive:
            unzipping = Unzipping(archive, "docx_bomb", path.name)
            reading = _Reading(Budget(path.name), DocxFonts.read(archive, unzipping))
            with unzipping.open(DOCUMENT) as xml:
                blocks = list(reading.blocks(xml))
    except etree.XMLSyntaxError as exc:
        # Elements nested past libxml2's depth (256): tables in tables in text boxes…
        # deeper than any document a person wrote.
        key = "file_too_complex" if "depth" in str(exc) else "docx_broken"
        raise InputError(key, name=path.name) from exc
    except BROKEN as exc:
        raise InputError("docx_broken", name=path.name) from exc
    if notes is not None:
        notes.update([CHANGES_ACCEPTED] if reading.changes else [])
        notes.update(f"legacy_font_{encoding}" for encoding in reading.fonts.decoded)
    return blocks


# --- where text goes ------------------------------------------------------------------

class _Container:
    """Where paragraphs and tables land: the body, a cell, a text box. A paragraph whose
    mark was deleted is held and joined to the next one, as accepting the deletion does."""

    def __init__(self, ignored: bool = False) -> None:
        self.ignored = ignored
        self.carry = ""

    def paragraph(self, text: str, joins_next: bool = False) -> None:
        if joins_next:
            self.carry += text
            return
        text, self.carry = self.carry + text, ""
        if not self.ignored:
            self._text(text)

    def table(self, rows: list[list[str]]) -> None:
        self.close()
        if not self.ignored:
            self._table(rows)

    def close(self) -> None:
        if self.carry:
            self.paragraph("")

    def _text(self, text: str) -> None:
        raise NotImplementedError

    def _table(self, rows: list[list[str]]) -> None:
        raise NotImplementedError


class _Body(_Container):
    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget
        self.out: list[Block] = []

    def _text(self, text: str) -> None:
        if text := clean(visible_only(text)):
            self.budget.rows()
            self.budget.chars(len(text))
            self.out.append(Block(text=text))

    def _table(self, rows: list[list[str]]) -> None:
        self.out.append(Block(rows=rows))


class _Cell(_Container):
    def __init__(self, ignored: bool) -> None:
        super().__init__(ignored)
        self.lines: list[str] = []
        self.nested: list[list[list[str]]] = []
        self.span = 1
        self.continues = False

    def _text(self, text: str) -> None:
        self.lines.append(text)

    def _table(self, rows: list[list[str]]) -> None:
        self.nested.append(rows)

    def text(self) -> str:
        return clean_lines(visible_only("\n".join(self.lines)))


class _Box(_Container):
    """A text box's blocks, handed to the paragraph it is anchored in."""

    def __init__(self, ignored: bool) -> None:
        super().__init__(ignored)
        self.blocks: list[str | list[list[str]]] = []

    def _text(self, text: str) -> None:
        self.blocks.append(text)

    def _table(self, rows: list[list[str]]) -> None:
        self.blocks.append(rows)


@dataclass
class _Row:
    offset: int = 0
    deleted: bool = False
    cells: list[_Cell] = field(default_factory=list)


class _Table:
    """The rows of the table being read. A row is kept as texts only: the grid column each
    cell starts at remembers its text, for the merged cells of the rows below. Tables
    nested in a row's cells follow the row, in the table's own container."""

    def __init__(self, budget: Budget, container: _Container) -> None:
        self.budget = budget
        self.container = container
        self.rows: list[list[str]] = []
        self.given = False
        self.above: dict[int, tuple[str, int]] = {}

    def add(self, tr: _Row) -> None:
        if tr.deleted:
            return
        self.budget.rows()
        row: list[str] = []
        starts: dict[int, tuple[str, int]] = {}
        offset = tr.offset
        for tc in tr.cells:
            if tc.ignored:  # a deleted cell (w:cellDel): gone once accepted
                continue
            span = max(tc.span, 1)
            cell = self.above.get(offset) if tc.continues else None
            if cell is None:
                cell = (tc.text(), span)
            text, width = cell
            self.budget.cells(width)
            self.budget.chars(len(text) * width)
            row.extend([text] * width)
            starts[offset] = cell
            offset += span
        self.above = starts
        nested = [rows for tc in tr.cells for rows in tc.nested]
        if any(row) or not nested:  # a layout row holds only its tables
            self.rows.append(row)
        if nested:
            self.give()
            for rows in nested:
                self.container.table(rows)

    def give(self) -> None:
        """Hand the rows so far to the container: at the table's end, or before the tables
        nested in a row (an empty table still counts as one, as python-docx reads it)."""
        if self.rows or not self.given:
            self.container.table(self.rows)
        self.rows, self.given = [], True


# --- the stream -----------------------------------------------------------------------

_TAGS = (P, TBL, TR, TC, TXBX, TR_PR, TC_PR)


class _Reading:
    """One pass over document.xml: stacks mirror the open tables, rows and containers
    (body, cells, text boxes); each element lands where it belongs as it ends, then is
    let go with what came before it, so the tree never holds more than the block being
    read. A row outside a table or a cell outside a row is refused as broken (no Office
    program writes one)."""

    def __init__(self, budget: Budget, fonts: DocxFonts) -> None:
        self.budget = budget
        self.fonts = fonts  # each run's text decoded by its font (TCVN3, VNI)
        self.body = _Body(budget)
        self.containers: list[_Container] = [self.body]
        self.boxes: dict = {}  # an anchor paragraph's text boxes' blocks, until it ends
        self.tables: list[_Table] = []
        self.rows: list[_Row] = []
        self.changes = False

    def blocks(self, xml) -> Iterator[Block]:
        for event, element in xml_events(xml, _TAGS, ("start", "end")):
            if event == "start":
                self.start(element)
                continue
            self.end(element)
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
            yield from self.body.out
            self.body.out.clear()
        self.body.close()
        yield from self.body.out

    def start(self, element) -> None:
        tag = element.tag
        if tag == TC:
            self.containers.append(_Cell(self.containers[-1].ignored))
        elif tag == TR:
            self.rows.append(_Row())
        elif tag == TBL:
            self.tables.append(_Table(self.budget, self.containers[-1]))
        elif tag == TXBX:
            self.containers.append(_Box(self.containers[-1].ignored or _left_out(element)))

    def end(self, element) -> None:
        tag = element.tag
        if tag == P:
            container = self.containers[-1]
            container.paragraph(*self.paragraph_text(element))
            if self.boxes:
                _deliver(container, self.boxes.pop(element, []))
        elif tag == TC:
            cell = self.containers.pop()
            cell.close()
            _holder(self.rows).cells.append(cell)
        elif tag == TR:
            _holder(self.tables).add(self.rows.pop())
        elif tag == TBL:
            self.tables.pop().give()
        elif tag == TR_PR:
            self.row_properties(element)
        elif tag == TC_PR:
            self.cell_properties(element)
        elif tag == TXBX:
            box = self.containers.pop()
            box.close()
            anchor = next(element.iterancestors(P), None)
            if anchor is not None:
                self.boxes.setdefault(anchor, []).extend(box.blocks)
            else:  # not in a run, as no Office program writes it: read where it is
                _deliver(self.containers[-1], box.blocks)

    def row_properties(self, trpr) -> None:
        if not self.rows or trpr.getparent().tag != TR:
            return  # the former properties inside a w:trPrChange
        row = self.rows[-1]
        row.offset = _number(trpr, GRID_BEFORE, 0)
        row.deleted = trpr.find(ROW_DELETED) is not None
        self.changes |= row.deleted or _has(trpr, KEPT)

    def cell_properties(self, tcpr) -> None:
        cell = self.containers[-1]
        if not isinstance(cell, _Cell) or tcpr.getparent().tag != TC:
            return
        cell.span = _number(tcpr, GRID_SPAN, 1)
        cell.continues = _continues(tcpr)
        if tcpr.find(CELL_DELETED) is not None:
            cell.ignored = True
        self.changes |= _has(tcpr, CELL_CHANGES)

    def paragraph_text(self, p) -> tuple[str, bool]:
        """The paragraph's text, and whether its mark was deleted (or moved away), which
        joins it to the next paragraph."""
        parts: list[str] = []
        self.inline(p, parts, _Fields())
        props = p.find(P_PR)
        marks = None if props is None else props.find(R_PR)
        if marks is None:
            return "".join(parts), False
        self.changes |= _has(marks, KEPT | DROPPED)
        return "".join(parts), _has(marks, DROPPED)

    def inline(self, element, parts: list[str], fields: _Fields) -> None:
        """The runs under `element` in reading order, into `parts`."""
        for child in element:
            tag = child.tag
            if tag == R:
                if fields.showing():
                    _run_text(child, parts, self.fonts)
                fields.marks(child)
            elif tag in DROPPED:
                self.changes = True
            elif tag in _THROUGH:
                self.changes |= tag in KEPT
                self.inline(child, parts, fields)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.inline(content, parts, fields)
            elif tag == ALTERNATE:
                if (chosen := _chosen(child)) is not None:
                    self.inline(chosen, parts, fields)


def _holder(open_ones: list):
    """The innermost open table of a row, or row of a cell."""
    if not open_ones:
        raise ValueError("a row outside a table, or a cell outside a row")
    return open_ones[-1]


def _has(element, tags: set[str]) -> bool:
    return next(element.iterchildren(*tags), None) is not None


def _deliver(container: _Container, blocks: list[str | list[list[str]]]) -> None:
    for block in blocks:
        if isinstance(block, str):
            container.paragraph(block)
        else:
            container.table(block)


def _chosen(alternate):
    """The mc:Choice of an mc:AlternateContent, or its mc:Fallback when it has none."""
    choice = alternate.find(CHOICE)
    return choice if choice is not None else alternate.find(FALLBACK)


def _left_out(box) -> bool:
    """Whether a text box is in deleted content, or is the Fallback copy of a Choice."""
    for ancestor in box.iterancestors():
        if ancestor.tag in DROPPED:
            return True
        if ancestor.tag == FALLBACK and ancestor.getparent().find(CHOICE) is not None:
            return True
        if ancestor.tag == P:
            return False
    return False


class _Fields:
    """The complex fields open in a paragraph (§17.16.18): each one's code runs from its
    «begin» to its «separate» and is not shown, its result up to its «end» is. A field
    left open hides the rest of its paragraph only: each paragraph starts with none open,
    so a field result spanning paragraphs (a table of contents) is still read."""

    def __init__(self) -> None:
        self.open: list[bool] = []  # past its «separate», for each open field
        self.in_code = 0

    def showing(self) -> bool:
        return self.in_code == 0

    def marks(self, run) -> None:
        for mark in run.iterchildren(FLD_CHAR):
            kind = mark.get(f"{_W}fldCharType")
            if kind == "begin":
                self.open.append(False)
                self.in_code += 1
            elif kind == "separate" and self.open and not self.open[-1]:
                self.open[-1] = True
                self.in_code -= 1
            elif kind == "end" and self.open:
                self.in_code -= not self.open.pop()


def _continues(props) -> bool:
    """Whether the cell continues the vertically merged one above (w:vMerge without
    w:val="restart")."""
    merge = None if props is None else props.find(V_MERGE)
    return merge is not None and merge.get(VAL, "continue") == "continue"


def _number(props, tag: str, default: int) -> int:
    found = None if props is None else props.find(tag)
    return default if found is None else int(found.get(VAL, default))


def _run_text(run, parts: list[str], fonts: DocxFonts) -> None:
    for child in run:
        if child.tag == T:
            parts.append(fonts.run_text(run, child.text or ""))
        elif child.tag == BR:
            # A line break reads as one; page and column breaks as nothing.
            parts.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping"
                         else "")
        else:
            parts.append(_RUN_TEXT.get(child.tag, ""))
