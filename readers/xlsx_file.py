"""The cells of an uploaded workbook's sheets, each in tab order, read as the parts unzip,
within the caps of readers.limits counted over the whole workbook.

Not openpyxl's reader: read-only, it fills in every row and column up to the size a sheet
claims (minutes and gigabytes for one claiming A1:XFD1048576, and rows far below a plan
cost as much as its own), and it loads the whole shared string table before the first cell.
This takes only what the XML holds, counting it as it comes. The values are the ones
openpyxl gives (data_only): the cached result of a formula, a number styled as a date a
date."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from openpyxl.utils.datetime import from_ISO8601
from openpyxl.utils.escape import unescape

from readers.legacy_fonts import decode_noted, encoding_of_font
from readers.limits import MAX_CELLS, Budget, Unzipping, xml_elements

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
ROW, C, V, T, SI, RPH, MERGE_CELL = (
    f"{_S}{t}" for t in ("row", "c", "v", "t", "si", "rPh", "mergeCell"))
SHEET, WORKBOOK_PR, NUM_FMT, XF, CELL_XFS = (
    f"{_S}{t}" for t in ("sheet", "workbookPr", "numFmt", "xf", "cellXfs"))
IS = f"{_S}is"
FONTS, FONT, NAME, RUN, R_PR, R_FONT = (
    f"{_S}{t}" for t in ("fonts", "font", "name", "r", "rPr", "rFont"))

Cells = dict[int, object]


@dataclass
class SheetPart:
    name: str
    part: str


class Workbook:
    """The visible worksheets of a workbook in tab order, and what reading any of their
    cells needs: the shared strings, the date styles, the date system. Hidden sheets
    (lookup lists, a previous year's copy) are not what a person reads, and chart sheets
    hold no cells."""

    def __init__(self, unzipping: Unzipping, budget: Budget,
                 notes: set[str] | None = None) -> None:
        parts = _workbook_parts(unzipping)
        self.unzipping, self.budget = unzipping, budget
        self.sheets: list[SheetPart] = parts["sheets"]
        self.shared = _shared_strings(unzipping, parts.get("sharedStrings"), budget)
        self.dates, self.epoch = _date_styles(unzipping, parts.get("styles")), parts["epoch"]
        # Cells in a TCVN3 or VNI font are decoded; `notes` learns that one was.
        self.legacy, self.notes = _legacy_styles(unzipping, parts.get("styles")), notes

    def read(self, sheet: SheetPart, merges: list[str]) -> Iterator[tuple[int, Cells]]:
        """(row number, {column: value}) for each row the sheet's XML holds, every cell
        it writes counted against the budget. The merged ranges (written after the rows)
        are added to `merges` as the stream reaches them, each counted as a cell."""
        line = column = 0
        cells: Cells = {}
        for element in _elements(self.unzipping, sheet.part, (C, ROW, MERGE_CELL)):
            if element.tag == C:
                self.budget.cells(1)
                column = _column(element.get("r"), column)
                cells[column] = self._decoded(element)
            elif element.tag == ROW:
                line = int(element.get("r") or line + 1)
                yield line, cells
                cells, column = {}, 0
            elif element.get("ref"):
                self.budget.cells(1)
                merges.append(element.get("ref"))

    def _decoded(self, c) -> object:
        value = _value(c, self.shared, self.dates, self.epoch)
        encoding = self.legacy.get(int(c.get("s") or 0))
        if isinstance(value, _Runs):
            return value.text(encoding, self.notes)
        if encoding and isinstance(value, str):
            return decode_noted(value, encoding, self.notes)
        return value


def _value(c, shared: list[str], dates: set[int], epoch: datetime) -> object:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        found = c.find(IS)
        return None if found is None else _text(found)
    value = c.findtext(V)
    if value is None or value == "":
        return None
    if kind == "s":
        return shared[int(value)]
    if kind == "b":
        return value == "1"
    if kind == "d":
        return from_ISO8601(value)
    if kind != "n":  # a formula's text ("str") or an error ("e")
        return value
    number = float(value) if any(ch in value for ch in ".eE") else int(value)
    if int(c.get("s") or 0) not in dates:
        return number
    try:
        return from_excel(number, epoch)
    except (OverflowError, ValueError):  # past any calendar: the number it is
        return number


def _column(reference: str | None, previous: int) -> int:
    if reference is None:
        return previous + 1
    return column_index_from_string(coordinate_from_string(reference)[0])


def _text(element) -> str | _Runs:
    """A shared or inline string: its runs' texts, not the phonetic guide above them; its
    runs apart when one names its own font, for a TCVN3 or VNI run to be decoded."""
    runs = [(_run_font(run), unescape(run.findtext(T) or ""))
            for run in element.iterchildren(RUN)]
    if any(font is not None for font, _ in runs):
        return _Runs(runs)
    return unescape("".join(t.text or "" for t in element.iter(T)
                            if t.getparent().tag != RPH))


def _run_font(run) -> str | None:
    font = run.find(f"{R_PR}/{R_FONT}")
    return None if font is None else font.get("val")


class _Runs(tuple):
    """A rich text's runs, (font name or None, text) each: a run without a font of its own
    is shown in the cell's."""

    def text(self, cell_encoding: str | None, notes: set[str] | None) -> str:
        return "".join(decode_noted(text, cell_encoding if font is None
                                else encoding_of_font(font), notes)
                       for font, text in self)


def _shared_strings(unzipping: Unzipping, name: str | None,
                    budget: Budget) -> list[str | _Runs]:
    """The workbook's texts. A sheet cannot use more than it has cells, so a table of more
    is refused before it is all read."""
    strings: list[str | _Runs] = []
    for element in _elements(unzipping, name, (SI,)) if name else ():
        if len(strings) == MAX_CELLS:
            budget.refuse("cells")
        strings.append(_text(element))
    return strings


def _date_styles(unzipping: Unzipping, name: str | None) -> set[int]:
    """The cell styles (indexes into cellXfs) whose number format is a date or a time."""
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    styles: list[int] = []
    for element in _elements(unzipping, name, (NUM_FMT, XF)) if name else ():
        if element.tag == NUM_FMT:
            formats[int(element.get("numFmtId"))] = element.get("formatCode")
        elif element.getparent().tag == CELL_XFS:
            styles.append(int(element.get("numFmtId") or 0))
    return {index for index, number in enumerate(styles)
            if is_date_format(formats.get(number))}


def _legacy_styles(unzipping: Unzipping, name: str | None) -> dict[int, str]:
    """The cell styles (indexes into cellXfs) whose font is a TCVN3 or VNI one, with its
    encoding."""
    fonts: list[str | None] = []
    styles: list[int] = []
    for element in _elements(unzipping, name, (FONT, XF)) if name else ():
        parent = element.getparent()
        if element.tag == FONT and parent is not None and parent.tag == FONTS:
            name_element = element.find(NAME)
            fonts.append(None if name_element is None
                         else encoding_of_font(name_element.get("val")))
        elif element.tag == XF and parent is not None and parent.tag == CELL_XFS:
            styles.append(int(element.get("fontId") or 0))
    return {index: fonts[font] for index, font in enumerate(styles)
            if 0 <= font < len(fonts) and fonts[font]}



def _workbook_parts(unzipping: Unzipping) -> dict:
    """Where the visible worksheets, the shared strings and the styles are, and the date
    system: the package's relationships lead from the root to the workbook to them."""
    workbook = _related(unzipping, "", "officeDocument")["officeDocument"][0]
    related = _related(unzipping, workbook, "worksheet", "sharedStrings", "styles")
    sheets, epoch = [], CALENDAR_WINDOWS_1900
    for element in _elements(unzipping, workbook, (SHEET, WORKBOOK_PR)):
        if element.tag == WORKBOOK_PR:
            if element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        elif element.get(_R_ID) in related["ids"] and \
                element.get("state", "visible") == "visible":
            sheets.append(SheetPart(element.get("name") or "",
                                    related["ids"][element.get(_R_ID)]))
    return {"sheets": sheets, "epoch": epoch,
            **{kind: related[kind][0] for kind in ("sharedStrings", "styles")
               if related[kind]}}


def _related(unzipping: Unzipping, part: str, *kinds: str) -> dict:
    """The parts `part` relates to, by kind (the end of the relationship type), and the
    worksheets by relationship id."""
    folder, base = posixpath.split(part)
    found: dict = {kind: [] for kind in kinds} | {"ids": {}}
    for element in _elements(unzipping, posixpath.join(folder, "_rels", base + ".rels"),
                             (_RELS,)):
        kind = (element.get("Type") or "").rsplit("/", 1)[-1]
        target = element.get("Target") or ""
        name = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        if kind in found:
            found[kind].append(name)
        if kind == "worksheet":
            found["ids"][element.get("Id")] = name
    return found


def _elements(unzipping: Unzipping, name: str, tags: tuple[str, ...]) -> Iterator:
    """The `tags` elements of a part as each ends, then let go (with whatever came before
    them), so a part costs the element being read, not its whole tree."""
    with unzipping.open(name) as stream:
        for element in xml_elements(stream, tags):
            yield element
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
