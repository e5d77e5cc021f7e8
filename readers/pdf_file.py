"""The paragraphs and tables of a PDF with a text layer, as the blocks a Word file gives:
the same walk (readers.plan_reader) reads both.

pdfplumber (MIT), chosen by bench/pdf_bench.py on PDFs LibreOffice printed from the three
seed plans (table, 57/2026, prose): pdfplumber recovered 41/41 criteria and 68/68 tasks
in 0.2–0.6 s of CPU and ~75 MB; PyMuPDF (AGPL-3.0, which would bind the whole product),
its lines and tables put in page order, 28/41 and 9/68 in 3.6–5.8 s (its import
included) and ~420 MB; camelot (tables only, no prose) 5/41 and 1/68 in 2–3.7 s and
~310 MB.

A table is found by its ruling lines, a cell's text by the words inside it. Lines a
paragraph or a cell wrapped are joined again (see _paragraphs, _cell_text). A table that
goes on over a page break is one table: the next page's table continues it when it opens
that page with as many columns, without the header it may repeat; a row the break cut in
two is made whole again.

Text in a legacy Vietnamese font (TCVN3, VNI) is decoded by the font each letter is drawn
in (readers.pdf_fonts)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from core.errors import InputError
from core.text import clean, clean_lines
from readers.docx_file import Block
from readers.limits import Budget
from readers.pdf_fonts import LegacyText
from readers.task_lines import is_marked
from readers.text_file import visible_only

# A line that is only the page's number («3», «- 3 -», «Trang 3», «3/12»).
_PAGE_NUMBER = re.compile(r"^\s*(?:trang\s+)?[-–—]?\s*\d{1,3}\s*(?:/\s*\d{1,3})?\s*[-–—]?\s*$",
                          re.IGNORECASE)
# A space's width, in font sizes (a generous one: a justified line's spaces stretch).
_SPACE = 0.25
# A cell's inner margin, at most (in font sizes): Word's and LibreOffice's are ~0.5.
_PADDING = 0.6
# A gap between two letters wider than this (in font sizes) is a space (pdfplumber's own
# word splitting uses 3 points at any size).
_GAP = 0.15
# A step down this many times the page's usual line pitch sets a paragraph apart.
_APART = 1.3
# How near a page's edge a table must start or end to go on over the break, in points.
_EDGE = 100
_BROKEN = (PdfminerException, PDFSyntaxError, PSException, KeyError, ValueError, TypeError,
           AttributeError, IndexError, AssertionError, RecursionError, OSError, EOFError)


def read_pdf_blocks(path: Path, notes: set[str] | None = None) -> list[Block]:
    """The PDF's blocks in reading order. `notes` gets "legacy_font_tcvn3" /
    "legacy_font_vni" when text in those encodings was converted to Unicode."""
    budget = Budget(path.name)
    legacy = LegacyText()
    try:
        with pdfplumber.open(path) as pdf:
            budget.pages(len(pdf.pages))
            pages, letters = [], 0
            for page in pdf.pages:
                letters += len(page.chars)
                legacy.decode_letters(page.chars)
                pages.append(_page_blocks(page, budget))
                page.close()  # lets go of what the page cached
    except _BROKEN as exc:
        raise InputError(_refusal(exc), name=path.name) from exc
    if not letters:  # pictures of pages: a scan, or a photo saved as PDF
        raise InputError("plan_scanned", name=path.name)
    blocks = legacy.finish(_joined(pages))
    if notes is not None:
        notes.update(legacy.notes)
    return blocks


def _refusal(exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return "pdf_encrypted"
    return "pdf_broken"


class _Page:
    """A page's blocks in reading order, and whether its first and last blocks are tables
    that touch the page's top and bottom (so may go on over a break)."""

    def __init__(self, blocks: list[Block], opens_with_table: bool, ends_with_table: bool):
        self.blocks = blocks
        self.opens_with_table = opens_with_table
        self.ends_with_table = ends_with_table


def _page_blocks(page, budget: Budget) -> _Page:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    words = page.extract_words(extra_attrs=["size"]) if tables else []
    outside = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes))
    placed: list[tuple[float, Block]] = []
    for paragraph in _paragraphs(outside.extract_text_lines()):
        budget.rows()
        budget.chars(len(paragraph["text"]))
        placed.append((paragraph["top"], Block(text=paragraph["text"])))
    for table in tables:
        placed.append((table.bbox[1], Block(rows=_rows(words, table, budget))))
    placed.sort(key=lambda item: item[0])
    blocks = [block for _, block in placed]
    first_top = placed[0][0] if placed else 0
    return _Page(blocks,
                 opens_with_table=bool(blocks) and blocks[0].rows is not None
                 and first_top < _EDGE,
                 ends_with_table=bool(blocks) and blocks[-1].rows is not None
                 and max(box[3] for box in boxes) > page.height - _EDGE)


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    middle_x = (obj["x0"] + obj["x1"]) / 2
    middle_y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= middle_x <= box[2] and box[1] <= middle_y <= box[3]


def _paragraphs(lines: list[dict]) -> list[dict]:
    """The page's lines (outside its tables), those a paragraph wrapped joined again. A
    line close under the one before continues its paragraph when the page sets paragraphs
    apart by space (a wider step down than between lines), when it goes on in lower case,
    or when its first word would not have fitted at the end of the line before. A line
    with a mark («-», «1.») opens a paragraph of its own."""
    texts = [(line, clean(visible_only(line["text"]))) for line in lines]
    texts = [(line, text) for line, text in texts if text and not _PAGE_NUMBER.match(text)]
    margin = max((line["x1"] for line, _ in texts), default=0)
    # The line pitch: the tightest step down between two lines (not less than a line).
    steps = [b["top"] - a["top"] for (a, _), (b, _) in zip(texts, texts[1:])
             if b["top"] - a["top"] >= _size(a)]
    pitch = min(steps, default=0)
    spaced = any(step > _APART * pitch for step in steps)
    joined: list[dict] = []
    before: dict | None = None
    for line, text in texts:
        close = before is not None and line["top"] - before["top"] <= _APART * pitch
        if close and not is_marked(text) and (
                spaced or text[0].islower()
                or _wraps(before["x1"], _first_word_width(line), margin, _size(line))):
            joined[-1]["text"] = _wrapped(joined[-1]["text"], text)
        else:
            joined.append({"text": text, "top": line["top"]})
        before = line
    return joined


def _wrapped(line: str, more: str) -> str:
    """A line and the one it wrapped onto: after a space, or straight on after a hyphen
    that ends a word («2024-» «2029»: Word wraps after the hyphen of «2024-2029»)."""
    if line.endswith("-") and len(line) > 1 and not line[-2].isspace():
        return line + more
    return f"{line} {more}"


def _wraps(end: float, word: float, right: float, size: float) -> bool:
    """Whether a line ending at `end` was wrapped: a word `word` wide, after a space, would
    have gone past `right`."""
    return end + _SPACE * size + word > right


def _first_word_width(line: dict) -> float:
    """How wide the line's first word is: to its first space, or to the first gap between
    letters (a PDF often draws no space at all)."""
    chars = line.get("chars") or []
    for char, following in zip(chars, chars[1:]):
        if following["text"].isspace() or \
                following["x0"] - char["x1"] > _GAP * float(char.get("size") or 12):
            return char["x1"] - line["x0"]
    return (chars[-1]["x1"] if chars else line["x1"]) - line["x0"]


def _size(line: dict) -> float:
    chars = line.get("chars") or [{}]
    return float(chars[0].get("size") or 12)


def _rows(words: list[dict], table, budget: Budget) -> list[list[str]]:
    """The table's rows of cell texts, on its grid: a merged cell's text in every row and
    column it covers, as the Word reader gives it. `words`: the page's."""
    texts = _cell_texts(words, table)
    rows = []
    for r, row in enumerate(table.rows):
        budget.rows()
        budget.cells(len(row.cells))
        line = [texts.get(box if box is not None else _covering(table, r, c), "")
                for c, box in enumerate(row.cells)]
        budget.chars(sum(len(text) for text in line))
        rows.append(line)
    return rows


def _covering(table, r: int, c: int):
    """The merged cell that covers grid place (r, c): the one around its middle."""
    row, column = table.rows[r].bbox, table.columns[c].bbox
    x, y = (column[0] + column[2]) / 2, (row[1] + row[3]) / 2
    return next((box for box in table.cells
                 if box[0] <= x <= box[2] and box[1] <= y <= box[3]), None)


def _cell_texts(words: list[dict], table) -> dict[tuple, str]:
    """Each cell's text, from the page's words whose middle is inside it."""
    inside: dict[tuple, list[dict]] = {}
    for word in words:
        if _inside(word, table.bbox):
            box = next((box for box in table.cells if _inside(word, box)), None)
            if box is not None:
                inside.setdefault(box, []).append(word)
    return {box: clean_lines(visible_only(_cell_text(found, box)))
            for box, found in inside.items()}


def _cell_text(words: list[dict], box: tuple) -> str:
    """A cell's lines as Word's paragraphs: a line wrapped from the one before (its first
    word would not have fitted there, or it goes on in lower case) joins it, any other line
    is a line of its own. A word too long for its column, broken over two lines, stays
    broken: nothing in the PDF tells it from two words."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) < word["size"] / 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    padding = min(min(w["x0"] for w in words) - box[0], _PADDING * words[0]["size"])
    right = box[2] - padding
    text = ""
    for before, line in zip([None] + lines, lines):
        line.sort(key=lambda w: w["x0"])
        words_text = " ".join(w["text"] for w in line)
        if before is None:
            text = words_text
        elif _wraps(before[-1]["x1"], line[0]["x1"] - line[0]["x0"], right,
                    line[0]["size"]) or words_text[0].islower():
            text = _wrapped(text, words_text)
        else:
            text += "\n" + words_text
    return text


def _joined(pages: list[_Page]) -> list[Block]:
    blocks: list[Block] = []
    previous: _Page | None = None
    for page in pages:
        page_blocks = list(page.blocks)
        if previous is not None and previous.ends_with_table and page.opens_with_table \
                and _same_width(blocks[-1].rows, page_blocks[0].rows):
            _continue_table(blocks[-1].rows, page_blocks.pop(0).rows)
        blocks.extend(page_blocks)
        previous = page
    return blocks


def _same_width(rows: list[list[str]], more: list[list[str]]) -> bool:
    """A table of another width on the next page is another table."""
    return bool(rows) and bool(more) and len(rows[-1]) == len(more[0])


def _continue_table(rows: list[list[str]], more: list[list[str]]) -> None:
    """`more`, the rows a page break carried over, added to the table `rows`: without the
    header a page repeats, and a first row the break cut joined to the row it continues."""
    if more[0] == rows[0]:
        more = more[1:]
    if more and _cut(more[0]):
        last = rows[-1]
        rows[-1] = [_join(above, below) for above, below in zip(last, more[0])]
        more = more[1:]
    rows.extend(more)


def _join(above: str, below: str) -> str:
    """A cell's two halves: a half going on in lower case goes on the sentence."""
    if not above or not below:
        return above or below
    return f"{above}{' ' if below[0].islower() else chr(10)}{below}"


def _cut(row: list[str]) -> bool:
    """A row a page break cut: its first cell empty, and a cell going on mid-sentence (in
    lower case, or with a comma), as no row of its own begins."""
    return not row[0] and any(cell and (cell[0].islower() or cell[0] in ",;.")
                              for cell in row)
