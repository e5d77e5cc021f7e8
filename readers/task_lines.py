"""The tasks written in one cell or paragraph: each «-», «+», «•» or numbered line is a task of
its own; a line without a mark continues the one above (the cell wrapped it) — unless every
line starts with a capital and none before the last ends as a sentence or runs on: then
each is an item of a list written without marks (a PDF's wrapped sentences end in a stop)."""

from __future__ import annotations

import re

from core.text import clean, fold

_MARK = re.compile(r"^\s*(?:[-–—+•*·▪►○◦]|\d{1,2}\s*[.)](?!\d)|[a-zđ]\s*\))\s*")
_INLINE_MARK = re.compile(r"\s[-–+•]\s+(?=\S)")
_INLINE_NUMBER = re.compile(r"\s(\d{1,2})\s*[.)]\s+(?=\S)")
NOTHING = {"khong", "khong co", "khong co gi", "x", "-", "0"}  # an empty cell, not a task


def unmarked(line: str) -> str:
    return _MARK.sub("", line, count=1).strip()


def is_marked(line: str) -> bool:
    return bool(_MARK.match(line))


def is_nothing(text: str) -> bool:
    return fold(text).strip(" .;:") in NOTHING or not fold(text).strip(" .;:-")


def task_texts(cell: str) -> list[str]:
    lines = [clean(line) for line in cell.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        lines = _inline(lines[0])
    marked = [is_marked(line) for line in lines]
    if not any(marked):
        texts = lines if _own_sentences(lines) else [" ".join(lines)]
    else:
        texts = []
        for line, mark in zip(lines, marked):
            if mark:
                texts.append(unmarked(line))
            elif texts and marked[0]:
                texts[-1] = f"{texts[-1]} {line}"
            elif not line.rstrip().endswith(":"):
                texts.append(line)  # an opening line of its own, before the list
    return [text for text in texts if text and not is_nothing(text)]


def _own_sentences(lines: list[str]) -> bool:
    return len(lines) > 1 and all(line[:1].isupper() for line in lines) and \
        not any(line.rstrip().endswith((".", ",", ":", "-", "và", "của", "cho"))
                for line in lines[:-1])


def _inline(line: str) -> list[str]:
    """«- Rà soát …; - Bổ sung …» or «1. … 2. …» kept on one line by an export."""
    if not is_marked(line):
        return [line]
    if re.match(r"^\s*\d", line):
        cuts, expected = [], 2
        for match in _INLINE_NUMBER.finditer(line):
            if int(match.group(1)) == expected and _starts_upper(line, match.end()):
                cuts.append(match.start())
                expected += 1
    else:
        cuts = [m.start() for m in _INLINE_MARK.finditer(line) if _starts_upper(line, m.end())]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(line[start:cut].strip())
        start = cut + 1
    pieces.append(line[start:].strip())
    return [piece.rstrip(";") for piece in pieces if piece]


def _starts_upper(text: str, at: int) -> bool:
    return at < len(text) and text[at].isupper()
