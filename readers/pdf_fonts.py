"""A PDF's text in legacy Vietnamese fonts (TCVN3, VNI), back to Unicode.

A PDF printed from a .VnTime or VNI-Times document draws the font's byte codes: each letter
names its font («ABCDEF+.VnTime», the subset prefix aside), so it is decoded by that font,
letter by letter, before words and lines are made of the letters.

When the computer that printed it had no such font, the printer put another in its place
(LibreOffice: DejaVu Sans) and kept the codes: nothing names the encoding any more, so the
whole text is judged as a plain text is (readers.legacy_text).

One letter is lost for good in a PDF LibreOffice printed, with the font or without it:
TCVN3's «ư» is code 0xAD, a soft hyphen, which is not drawn («Người» prints «Ngêi»), or
drawn as a hyphen where the line breaks there."""

from __future__ import annotations

import functools
import re
import unicodedata

from readers.docx_file import Block
from readers.legacy_fonts import decode, encoding_of_font, note_of
from readers.legacy_text import legacy_encoding


class LegacyText:
    """Decodes a PDF's letters page by page, then its blocks; `notes` says what was
    converted ("legacy_font_tcvn3", "legacy_font_vni")."""

    def __init__(self) -> None:
        self.notes: set[str] = set()

    def decode_letters(self, chars: list[dict]) -> None:
        """Each letter drawn in a legacy font decoded in place (pdfplumber builds the page's
        words and lines from these same letters)."""
        for char in chars:
            encoding = _encoding(char.get("fontname"))
            if encoding is not None:
                char["text"] = decode(char["text"], encoding)
                self.notes.add(note_of(encoding))

    def finish(self, blocks: list[Block]) -> list[Block]:
        """The blocks in NFC (a VNI mark decoded alone is a combining mark that now follows
        its letter); decoded as a whole when no font named the encoding but the text
        reads as Vietnamese only in one."""
        encoding = None if self.notes else legacy_encoding(_all_text(blocks))
        if encoding is not None:
            self.notes.add(note_of(encoding))
        return [_converted(block, encoding) for block in blocks]


@functools.lru_cache(maxsize=256)
def _encoding(font: str | None) -> str | None:
    """A page names a handful of fonts over thousands of letters."""
    return encoding_of_font(_font_name(font))


def _font_name(name: str | None) -> str:
    """The font's name as a Word file gives it: without the six-letter subset tag an
    embedding adds, and for the .Vn* fonts with the dot a PostScript name cannot start
    with and without the style it adds («BAAAAA+VnTimeH-Bold»: «.VnTimeH»)."""
    name = name or ""
    tag, plus, rest = name.partition("+")
    if plus and len(tag) == 6 and tag.isalpha() and tag.isupper():
        name = rest
    if name.lower().startswith("vn") and not name.lower().startswith("vni"):
        return "." + re.split("[-,]", name, maxsplit=1)[0]
    return name


def _all_text(blocks: list[Block]) -> str:
    return "\n".join(block.text if block.text is not None
                     else "\n".join("\t".join(row) for row in block.rows or [])
                     for block in blocks)


def _converted(block: Block, encoding: str | None) -> Block:
    def text(value: str) -> str:
        if encoding is not None:
            value = decode(value, encoding)
        return unicodedata.normalize("NFC", value)

    if block.text is not None:
        return Block(text=text(block.text))
    return Block(rows=[[text(cell) for cell in row] for row in block.rows or []])
