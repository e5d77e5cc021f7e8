"""How much of a document the readers take, whatever the file says about itself.

A real 100-page improvement plan is a Word file of a few MB (its document.xml under
~10 MB), a few hundred thousand characters and fewer than 5,000 table rows; a plan
spreadsheet has fewer than 5,000 rows of about ten columns. Every cap below is several times
that, and low enough that a file at the caps is read within the reading process's budget
(READ_MEMORY_BYTES, READ_SECONDS): bench/hostile_bench.py measures it."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from lxml import etree

from core.errors import InputError

# What an uploaded document may weigh: a plan with a few photos in it.
MAX_FILE_BYTES = 20 * 1024 * 1024

# Bytes actually unzipped from the parts of one .docx or .xlsx that are read, counted as
# they come out (the sizes an archive declares are never trusted): 3× the largest real
# document.xml. The parts are parsed as they stream, so this much costs ~2 s, not memory.
MAX_UNZIPPED_BYTES = 32 * 1024 * 1024

# Characters of text in one document: ~6× a 100-page plan.
MAX_CHARS = 2_000_000

# Paragraphs, table rows, sheet rows or text lines in one document: 4× the longest plan.
MAX_ROWS = 20_000

# Table and sheet cells, each row counted up to its last cell: 2× a 5,000-row plan of ten
# columns (a row that reaches column XFD is 16,384 cells). Also the most texts a workbook's
# shared string table may hold: no sheet within the cap could use more. Reading and
# understanding a table this big is the slowest file at the caps: ~5 s on two cores.
MAX_CELLS = 100_000

# Sheets examined in one workbook: a plan's has a handful, a sheet per criterion a few dozen.
# Each costs opening its part and, holding a table, understanding its header: at 1,000 tiny
# sheets that is ~6 s on two busy cores, at 250 ~1.5 s.
MAX_SHEETS = 250

# The process that reads an upload. Its address space: the interpreter with the readers
# maps ~170 MB (47 MB resident), a file at the caps adds ~70 MB resident; 512 MiB leaves
# room for the unforeseen and keeps any file under ~540 MB resident. How long it may take:
# starting takes 0.3 s, a real plan well under a second more, a file at the caps ~5 s.
READ_MEMORY_BYTES = 512 * 1024 * 1024
READ_SECONDS = 10.0

# LibreOffice converting a .doc, .rtf, .odt or .ods (readers.convert), in a child of the
# reading process with limits of its own: a plan converts in ~1.0 s of CPU at 210 MB
# resident (bench/import_bench.py --kinds); a first conversion on a machine also makes
# LibreOffice's profile (~3 s). It maps far more than it touches, so its address space gets
# 2 GiB. The reading process's whole budget grows by CONVERT_SECONDS for the kinds
# converted: 10 s could be spent converting alone on a machine busy with other uploads.
CONVERT_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
CONVERT_SECONDS = 20.0
# The largest file LibreOffice may write: the converted document, many times its source.
CONVERT_FILE_BYTES = 10 * MAX_FILE_BYTES

# Pages of a PDF read: pdfplumber takes ~0.045 s of CPU a page of a real plan (0.94 s for
# 21 pages, bench/import_bench.py --kinds), so 120 pages — more than the longest plan —
# read in ~5.5 s, within READ_SECONDS. A PDF has no cap on what one page holds: a page made
# to be slow is stopped by READ_SECONDS (file_too_complex).
MAX_PDF_PAGES = 120
# So the reading process's budget grows by this for a PDF: a 21-page plan took 1.4 s of CPU
# but 9–10 s of wall clock on a machine running a dozen other jobs on two cores.
PDF_SECONDS = 10.0

_CHUNK = 64 * 1024


class Budget:
    """What one document has given so far. Passing a cap refuses the whole document, naming
    the cap: a document is read whole or not at all, never silently cut."""

    LIMITS = {"rows": MAX_ROWS, "cells": MAX_CELLS, "chars": MAX_CHARS, "sheets": MAX_SHEETS,
              "pages": MAX_PDF_PAGES}

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts = dict.fromkeys(self.LIMITS, 0)

    def rows(self, count: int = 1) -> None:
        self._add("rows", count)

    def cells(self, count: int) -> None:
        self._add("cells", count)

    def chars(self, count: int) -> None:
        self._add("chars", count)

    def sheets(self, count: int = 1) -> None:
        self._add("sheets", count)

    def pages(self, count: int) -> None:
        self._add("pages", count)

    def refuse(self, what: str) -> None:
        raise InputError("file_too_long", name=self.name, what=what, limit=self.LIMITS[what])

    def _add(self, what: str, count: int) -> None:
        self.counts[what] += count
        if self.counts[what] > self.LIMITS[what]:
            self.refuse(what)


class Unzipping:
    """Members of one archive, read through a counter of the bytes that come out: past
    MAX_UNZIPPED_BYTES the archive is refused with `bomb` (a template key)."""

    def __init__(self, archive: zipfile.ZipFile, bomb: str, name: str) -> None:
        self.archive = archive
        self.bomb = bomb
        self.name = name
        self.total = 0

    def open(self, member: str | zipfile.ZipInfo) -> "_Counted":
        info = member if isinstance(member, zipfile.ZipInfo) else self.archive.getinfo(member)
        if info.file_size > MAX_UNZIPPED_BYTES:  # a declared size is enough to say no
            raise InputError(self.bomb, name=self.name)
        return _Counted(self.archive.open(info), self)

    def count(self, size: int) -> None:
        self.total += size
        if self.total > MAX_UNZIPPED_BYTES:
            raise InputError(self.bomb, name=self.name)


class _Counted:
    def __init__(self, raw, unzipping: Unzipping) -> None:
        self._raw = raw
        self._unzipping = unzipping

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_CHUNK), b""))
        data = self._raw.read(size)
        self._unzipping.count(len(data))
        return data

    def __enter__(self) -> "_Counted":
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()


def xml_elements(stream, tags: tuple[str, ...]) -> Iterator:
    """The `tags` elements of an Office part as each ends."""
    for _, element in xml_events(stream, tags, ("end",)):
        yield element


def xml_events(stream, tags: tuple[str, ...], events: tuple[str, ...]) -> Iterator:
    """(event, element) for the `tags` elements of an Office part, as each starts or ends.
    Entities are left unexpanded and no DTD or network is touched; a part that has a DTD at
    all (no Office program writes one) is refused as malformed, so an entity bomb costs
    nothing."""
    parsed = etree.iterparse(stream, events=events, tag=tags, resolve_entities=False,
                             load_dtd=False, no_network=True, huge_tree=False)
    checked = False
    for event, element in parsed:
        if not checked:  # a DTD comes before the first element, so once is enough
            if element.getroottree().docinfo.doctype:
                raise etree.XMLSyntaxError("a DTD in an Office part", None, 0, 0)
            checked = True
        yield event, element
