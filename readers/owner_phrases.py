"""Split the lead-and-helpers cell ("Chủ trì và phối hợp") into phrases as written.

A comma, a dash or «và» between people splits; inside one role or group name it does not:
«Tổ trưởng tổ Sử - Địa - GDKT&PL» is one owner, «Giáo viên các nhóm, lớp» one, «GVCN các
lớp 6, 7» one. Where the school's staff list is known, its own role and group names decide
(`names`); where it is not, the shapes the language gives such names do."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.text import clean, fold, fold_words

# Separators between people; "và" only between words, never inside one. Captured, so a
# phrase joined back across one keeps it as written.
_SPLIT = re.compile(r"(\s*(?:[,;\n+]|\s-\s|\bvà\b|\bva\b)\s*)", re.IGNORECASE)
# What may sit inside one name: a comma, a dash, «và» — not a semicolon, a line or a «+».
_SOFT = re.compile(r"^\s*(?:,|-|và|va)\s*$", re.IGNORECASE)
# «Chủ trì: HT Phối hợp: TTCM» once a cell's line breaks are gone: each label opens a part.
_LABEL_INSIDE = re.compile(r"\s*\b(chủ trì|phối hợp|chu tri|phoi hop)\s*:", re.IGNORECASE)
_LABEL = re.compile(r"^(chu tri|phoi hop|lead|helpers?)\s*:\s*", re.IGNORECASE)
# «các nhóm, lớp»: a plural of groups goes on with more group words.
_PLURAL_GROUP = re.compile(r"\bcac (nhom|lop|to|khoi|bo phan|doan the|phong)\b")
GROUP_WORDS = {"nhom", "lop", "to", "khoi", "bo phan", "doan the", "phong", "diem truong"}
# «tổ Sử - Địa», «tổ KHTN, Công nghệ», «tổ trưởng Lý - Hóa»: a tổ named by its subjects goes
# on with more subjects.
_SUBJECT_GROUP = re.compile(r"\bto (?:truong |pho )?(?!truong\b|pho\b|chuyen mon\b)\w")
SUBJECTS = {
    "toan", "tin", "tin hoc", "van", "ngu van", "su", "lich su", "dia", "dia ly", "dia li",
    "lich su dia ly", "gdcd", "gdkt pl", "gdkt va pl", "khtn", "khxh", "cong nghe", "ly",
    "vat ly", "vat li", "hoa", "hoa hoc", "sinh", "sinh hoc", "anh", "tieng anh",
    "ngoai ngu", "the duc", "the chat", "gdtc", "am nhac", "my thuat", "nghe thuat", "hdtn", "hdtn hn",
    "gdqp", "gdqp an", "gddp", "ky thuat", "tu nhien", "xa hoi", "ngoai ngu 2"}
# «lớp 6, 7», «khối 10 và 11»: numbers go on the group their list began with.
_NUMBER = re.compile(r"^\d{1,2}[a-z]?\d{0,2}$")


def split_owner_phrases(text: str | None, names: Iterable[str] = ()) -> list[str]:
    """The owner phrases of a cell. `names`: the staff directory's roles and group names."""
    if not text:
        return []
    raw = _LABEL_INSIDE.sub(r"\n\1:", str(text).replace("\r", "\n"))
    pairs = _name_pairs(names)
    pieces = _SPLIT.split(raw)
    phrases: list[str] = []
    current = pieces[0]
    for separator, part in zip(pieces[1::2], pieces[2::2]):
        if _SOFT.match(separator) and _goes_on(current, part, pairs):
            current += separator + part
        else:
            phrases.append(current)
            current = part
    phrases.append(current)
    return [p for p in map(_phrase, phrases) if p]


def _phrase(part: str) -> str:
    part = clean(part).strip(" .:-–•*,")
    label = _LABEL.match(fold(part))
    return part[label.end():].strip() if label else part


def _name_pairs(names: Iterable[str]) -> set[tuple[str, str]]:
    """Each two words that follow each other across a comma, a dash or «và» in a name."""
    pairs = set()
    for name in names:
        pieces = _SPLIT.split(name or "")
        for before, separator, after in zip(pieces[0::2], pieces[1::2], pieces[2::2]):
            left, right = fold_words(before).split(), fold_words(after).split()
            if left and right and _SOFT.match(separator):
                pairs.add((left[-1], right[0]))
    return pairs


def _goes_on(current: str, part: str, pairs: set[tuple[str, str]]) -> bool:
    """Whether `part`, after a comma, a dash or «và», is more of the name `current` began."""
    before, after = fold_words(current), fold_words(part)
    if not before or not after:
        return False
    if (before.split()[-1], after.split()[0]) in pairs:
        return True
    if _NUMBER.match(after) and _NUMBER.match(before.split()[-1]):
        return True
    if after in GROUP_WORDS and _PLURAL_GROUP.search(before):
        return True
    return after in SUBJECTS and bool(_SUBJECT_GROUP.search(before))


def lead_phrase_count(text: str | None, names: Iterable[str] = ()) -> int:
    """How many leading phrases lead: those after "Chủ trì:" when the text says so, else one."""
    if not text:
        return 0
    folded = fold(text)
    match = re.search(r"chu tri\s*:(.*?)(phoi hop\s*:|$)", folded, re.S)
    if match:
        return max(1, len(split_owner_phrases(match.group(1), names)))
    return 1
