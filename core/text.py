"""Text normalisation shared by every parser and matcher."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """NFC, the look-alike 'Ð' (U+00D0) read as 'Đ', whitespace collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\u00d0", "\u0110").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


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
