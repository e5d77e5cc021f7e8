"""Text normalisation shared by every parser and matcher."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """NFC, the look-alike 'Ð' (U+00D0) read as 'Đ', unseen characters dropped (a criterion
    code «1.3» with a zero-width space inside is still 1.3), whitespace collapsed."""
    if value is None:
        return ""
    text = visible(unicodedata.normalize("NFC", str(value)))
    text = text.replace("\u00d0", "\u0110").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def clean_lines(value: object) -> str:
    """clean() line by line: a table cell's own line breaks are kept (each «-» line of a
    task cell is a task, each line of an owners cell a person)."""
    if value is None:
        return ""
    lines = (clean(line) for line in str(value).replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=16384)  # the same cells and titles are matched many times per import
def fold(value: object) -> str:
    """Lower-case ASCII form for matching: diacritics dropped, 'đ' as 'd'."""
    text = clean(value).lower().replace("\u0111", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=16384)
def fold_words(value: object) -> str:
    """fold() with punctuation turned into single spaces."""
    return _SPACES.sub(" ", re.sub(r"[^a-z0-9]+", " ", fold(value))).strip()


@lru_cache(maxsize=16384)
def lower_words(value: object) -> str:
    """clean(), lower case, punctuation turned into single spaces: diacritics kept («đúng»
    and «dừng» stay apart)."""
    return _SPACES.sub(" ", re.sub(r"[^\w]+", " ", clean(value).lower())).strip()


def has_diacritics(value: object) -> bool:
    return fold_words(value) != lower_words(value)


# Control characters (NUL among them) and invisible formatting ones (zero-width spaces and
# joiners, direction marks, the byte-order mark): never part of what a person meant.
_UNSEEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
MAX_FILE_NAME = 300


def visible(text: str) -> str:
    """The text without control or invisible formatting characters; line breaks and tabs
    stay."""
    return _UNSEEN.sub("", text)


def file_name(name: str | None, limit: int = MAX_FILE_NAME) -> str | None:
    """A file name as a person sent it, made safe to keep: no folders, no unseen characters,
    at most `limit` characters with its extension kept."""
    if name is None:
        return None
    name = visible(name).replace("/", "_").replace("\\", "_").strip()
    if len(name) <= limit:
        return name or None
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        return name[:limit]
    return stem[:limit - len(suffix) - 1] + "." + suffix


def utf16_len(text: str) -> int:
    """A text's length as Telegram and Zalo count it: UTF-16 code units (an emoji such as
    🔕 is two)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _fitting(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces under a channel's limit (in UTF-16 units), cut at line ends where possible."""
    pieces = []
    while utf16_len(text) > limit:
        end = _fitting(text, limit)
        cut = text.rfind("\n", 0, end)
        if cut <= 0:
            cut = end
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces
