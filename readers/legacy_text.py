"""Whether a plain text (a .txt or .csv with no fonts to tell) is Vietnamese typed in TCVN3
or VNI, read as Windows characters: «KÕ ho¹ch c¶i tiÕn», «Keá hoaïch caûi tieán».

Decided by the words, not the characters: French «été», cp1258 Vietnamese and TCVN3 share
most of their bytes, but only one reading makes Vietnamese syllables. Each reading (the text
as it is, as TCVN3, as VNI) is scored on its words that hold a letter beyond ASCII: a word
that is one Vietnamese syllable (an initial consonant, a vowel group with one tone at most,
a final consonant) counts for, any other such word against. A legacy reading is taken only
when it beats the text as it is and nearly all its words are syllables."""

from __future__ import annotations

import re
import unicodedata

from readers.legacy_fonts import TCVN3, VNI, decode, typed_in_unicode

# The start of a long text is enough to decide (some 8,000 words), and bounds the cost on a
# file at the caps.
SAMPLE_CHARS = 50_000
# Fewer non-ASCII words than this is too little to tell (an English text with «café»).
MIN_WORDS = 5
# The share of a legacy reading's non-ASCII words that must be Vietnamese syllables.
MIN_SYLLABLE_SHARE = 0.8

_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_BASE_VOWELS = "aăâeêioôơuưy"
_VOWELS = {unicodedata.normalize("NFC", vowel + tone): bool(tone)
           for vowel in _BASE_VOWELS for tone in ("", *_TONES)}
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    f"[{''.join(_VOWELS)}]{{1,3}}"
    "(?:ch|ng|nh|[cmnpt])?")
_WORD = re.compile(r"[^\W\d_]+")


def legacy_encoding(text: str) -> str | None:
    """TCVN3 or VNI when `text` (its characters as Windows shows the file's bytes) reads as
    Vietnamese in that encoding and not as it is; None otherwise."""
    sample = text[:SAMPLE_CHARS]
    if typed_in_unicode(sample):
        return None
    plain = _score(unicodedata.normalize("NFC", sample))
    best, best_score = None, plain
    for encoding in (TCVN3, VNI):
        decoded = decode(sample, encoding)
        score = _score(decoded)
        if score > best_score and _convincing(decoded):
            best, best_score = encoding, score
    return best


def _score(text: str) -> int:
    syllables, others = _count(text)
    return syllables - others


def _convincing(text: str) -> bool:
    syllables, others = _count(text)
    return syllables >= MIN_WORDS and syllables >= MIN_SYLLABLE_SHARE * (syllables + others)


def _count(text: str) -> tuple[int, int]:
    """How many of the words with a letter beyond ASCII are Vietnamese syllables, and how
    many are not."""
    syllables = others = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if _is_syllable(word.lower()):
            syllables += 1
        else:
            others += 1
    return syllables, others


def _is_syllable(word: str) -> bool:
    return (_SYLLABLE.fullmatch(word) is not None
            and sum(_VOWELS.get(ch, False) for ch in word) <= 1)
