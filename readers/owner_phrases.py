"""Split the lead-and-helpers cell ("Chủ trì và phối hợp") into phrases as written."""

from __future__ import annotations

import re

from core.text import clean, fold

# Separators between people; "và" only between words, never inside one.
_SPLIT = re.compile(r"\s*(?:[,;\n+]|\s-\s|\bvà\b|\bva\b)\s*", re.IGNORECASE)
# «Chủ trì: HT Phối hợp: TTCM» once a cell's line breaks are gone: each label opens a part.
_LABEL_INSIDE = re.compile(r"\s*\b(chủ trì|phối hợp|chu tri|phoi hop)\s*:", re.IGNORECASE)
_LABEL = re.compile(r"^(chu tri|phoi hop|lead|helpers?)\s*:\s*", re.IGNORECASE)


def split_owner_phrases(text: str | None) -> list[str]:
    if not text:
        return []
    raw = _LABEL_INSIDE.sub(r"\n\1:", str(text).replace("\r", "\n"))
    phrases = []
    for part in _SPLIT.split(raw):
        part = clean(part).strip(" .:-–•*")
        label = _LABEL.match(fold(part))
        if label:
            part = part[label.end():].strip()
        if part:
            phrases.append(part)
    return phrases


def lead_phrase_count(text: str | None) -> int:
    """How many leading phrases lead: those after "Chủ trì:" when the text says so, else one."""
    if not text:
        return 0
    folded = fold(text)
    match = re.search(r"chu tri\s*:(.*?)(phoi hop\s*:|$)", folded, re.S)
    if match:
        return max(1, len(split_owner_phrases(match.group(1))))
    return 1
