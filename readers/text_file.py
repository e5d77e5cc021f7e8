"""The text of a .txt, .md or .csv file, whichever way it was saved: UTF-8 (with or without
a byte-order mark), UTF-16 with its mark (Excel's «Unicode Text»), or the Vietnamese Windows
code page; and a refusal for anything that is not text at all."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from core.errors import InputError
from readers.legacy_fonts import decode, windows_text
from readers.legacy_text import legacy_encoding
from readers.limits import MAX_FILE_BYTES, Budget

# Past this many control characters in its beginning (a few, then 1 in 100), the "text"
# is a binary file with a text name; a stray NUL or two in a real export is only dropped.
CONTROL_ALLOWANCE = 8
MAX_CONTROL_SHARE = 0.01
SAMPLE_CHARS = 65_536
WINDOWS = "cp1258"  # the Vietnamese Windows code page
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a person cannot see: control and format characters (zero-width spaces and joiners,
# direction marks and isolates, the soft hyphen, byte-order marks, variation selectors,
# Hangul fillers, tags). They must not split a criterion code nor reach an error sentence.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


def read_text(path: Path, not_text: str, notes: set[str] | None = None) -> str:
    """The file's text, only its visible characters and line breaks; `not_text` names the
    refusal for a file that is not text. Vietnamese typed in TCVN3 or VNI is converted,
    and "legacy_font_tcvn3" / "legacy_font_vni" added to `notes`."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    data = path.read_bytes()
    text, encoding = _decode(data)
    if text is None or _binary(text[:SAMPLE_CHARS]):
        raise InputError(not_text, name=path.name)
    Budget(path.name).chars(len(text))
    # A legacy text is either bytes (read here as Windows' code page) or, exported by a
    # program that showed it in its font, those bytes' Windows characters in UTF-8.
    windows = windows_text(data) if encoding == WINDOWS else text
    if legacy := legacy_encoding(windows):
        text = decode(windows, legacy)
        if notes is not None:
            notes.add(f"legacy_font_{legacy}")
    return visible_only(text)


def text_lines(path: Path, notes: set[str] | None = None) -> list[str]:
    """The lines of a .txt or .md document."""
    lines = read_text(path, "text_not_text", notes).splitlines()
    Budget(path.name).rows(len(lines))
    return lines


def visible_only(text: str) -> str:
    return _INVISIBLE.sub("", text)


def _binary(sample: str) -> bool:
    return len(_CONTROL.findall(sample)) > CONTROL_ALLOWANCE + len(sample) * MAX_CONTROL_SHARE


def _decode(data: bytes) -> tuple[str | None, str]:
    """The text and the encoding it was read in."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try(data, encoding), encoding
    text = _try(data, "utf-8")
    return (text, "utf-8") if text is not None else (_try(data, WINDOWS), WINDOWS)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
