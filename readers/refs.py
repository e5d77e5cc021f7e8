"""Where a document names criteria and standards, however it writes them: «Tiêu chí 1.3»,
«TC 1.3», «TC1.3», «1.3.» at the head of a line, «3.1; 3.4», «1.1 – 1.3», «Tiêu chuẩn II»,
«TC2», or a criterion's title with no id at all.

Everything here works on folded text (core.text.fold: lower case, no diacritics)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

from core.text import fold, fold_words
from readers.frameworks import frameworks, known_criterion_ids

# A criterion id: "1.3", "1. 3", "1,3" (a comma only when nothing surrounds it: "3.1, 3.4"
# is a list, not "1, 3").
_ID = r"([1-9])(?:\s*\.\s*|,)(\d{1,2})(?![\d/])"
_SEP = r"\s*(?:[,;/&+]|\bva\b|\band\b)\s*"
_RANGE = r"\s*(?:[-–—~]|\bden\b|\bto\b)\s*"
_LIST = rf"{_ID}(?:(?:{_SEP}|{_RANGE}){_ID})*"
_NAMED = re.compile(rf"\b(?:tieu chi|tc|criterion|criteria)\s*:?\s*(?:so\s*)?({_LIST})")
_ONE_ID = re.compile(_ID)
_IDS_ONLY = re.compile(rf"^\s*(?:(?:tieu chi|tc|ma tc)\s*)?{_LIST}\s*[.:]?\s*$")
_LEADING = re.compile(rf"^\s*(?:[-–•*+]\s*)?{_ID}\s*(?:[.:)\-–]\s*|\s+|$)(.*)$")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_STANDARD = re.compile(
    r"^\s*(?:\d\s*[.)]\s*|[ivx]{1,4}\s*[.)]\s*)?(?:tieu chuan|tc)\s*(?:so\s*)?"
    r"([1-5]|iv|v|i{1,3})\b(?!\s*[.,]\s*\d)\s*[:.\-–]?\s*(.*)$")
_LOCAL = re.compile(r"^\s*(?:[-–•*+]\s*)?tieu chi\s*(?:so\s*)?(\d{1,2})\b(?!\s*[.,]\s*\d)"
                    r"\s*[:.\-–)]?\s*(.*)$")
_ROMAN_HEADING = re.compile(r"^\s*(iv|v|i{1,3})\s*[.)]\s*(.+)$")
# "(TC 1.3)", "(Tiêu chí 3.1; 3.4)": a tag naming the criteria a line or cell belongs to.
_TAG = re.compile(rf"\(\s*(?:tieu chi|tc|criterion|theo tieu chi|gan voi tieu chi)\s*:?\s*"
                  rf"{_LIST}\s*\)")

TITLE_MATCH = 0.86  # a one-letter typo in a 30-letter title still passes; another title does not


def _ids_in(listing: str) -> list[str]:
    """The ids of one list, ranges expanded through the catalogue's order."""
    found: list[str] = []
    pos = 0
    for match in _ONE_ID.finditer(listing):
        code = f"{int(match.group(1))}.{int(match.group(2))}"
        between = listing[pos:match.start()]
        if found and re.fullmatch(_RANGE, between):
            found += _between(found[-1], code)
        found.append(code)
        pos = match.end()
    return list(dict.fromkeys(found))


def _between(first: str, last: str) -> list[str]:
    """The ids strictly between two, in the catalogue's order ("1.1 – 1.3" → 1.2)."""
    order = sorted(known_criterion_ids(), key=_key)
    if first not in order or last not in order or _key(first) >= _key(last):
        return []
    return order[order.index(first) + 1:order.index(last)]


def _key(code: str) -> tuple[int, int]:
    standard, number = code.split(".")
    return int(standard), int(number)


def named_ids(text: str) -> list[str]:
    """Ids the text names as criteria («Tiêu chí 1.3», «TC1.3», «tiêu chí 3.1; 3.4»)."""
    folded = fold(text)
    found: list[str] = []
    for match in _NAMED.finditer(folded):
        found += _ids_in(match.group(1))
    return list(dict.fromkeys(found))


def bare_ids(text: str) -> list[str]:
    """The ids of a cell that holds nothing else («1.3», «3.1, 3.4», «TC 1.1 – 1.3»)."""
    text = " ".join(text.split())
    folded = fold(text)
    if not _IDS_ONLY.match(folded):
        return []
    return _ids_in(folded)


def cell_ids(text: str) -> list[str]:
    """The ids a cell names, as criteria («Tiêu chí 1.2») or as nothing but ids («4.1; 4.2»)."""
    return named_ids(text) or bare_ids(text)


def leading_id(text: str) -> tuple[str, str] | None:
    """(id, the rest) when a line starts with a bare id: «1.3. Quản lý …», «1.3: …»."""
    text = " ".join(text.split())
    match = _LEADING.match(fold(text))
    if not match:
        return None
    rest = match.group(3)
    return f"{int(match.group(1))}.{int(match.group(2))}", text[len(text) - len(rest):] if rest \
        else ""


def tags(text: str) -> list[str]:
    """Ids named in a parenthesised tag, «… (TC 1.3)»."""
    found: list[str] = []
    for match in _TAG.finditer(fold(text)):
        found += _ids_in(match.group(0))
    return list(dict.fromkeys(found))


def without_tags(text: str) -> str:
    """The text with its criterion tags taken out (the tag is where the task goes, not what
    it is). Folding keeps one character per character, so positions carry over."""
    folded = fold(text)
    if len(folded) != len(text) or "(" not in text:
        return text
    kept, pos = [], 0
    for match in _TAG.finditer(folded):
        kept.append(text[pos:match.start()])
        pos = match.end()
    kept.append(text[pos:])
    return re.sub(r"\s+([.,;:])", r"\1", " ".join("".join(kept).split()))


def standard_heading(text: str) -> tuple[int, str] | None:
    """(standard number, its title) for «Tiêu chuẩn 2: …», «TC2 …», «2. Tiêu chuẩn II»."""
    text = " ".join(text.split())
    match = _STANDARD.match(fold(text))
    if not match:
        return None
    raw = match.group(1)
    number = ROMAN.get(raw) or int(raw)
    rest = match.group(2)
    return number, text[len(text) - len(rest):].strip() if rest else ""


def roman_standard(text: str, framework: str | None) -> int | None:
    """«II. CÁN BỘ QUẢN LÝ, GIÁO VIÊN …»: a Roman numeral heading is a standard only when its
    words are that standard's title (it is more often the document's own section)."""
    text = " ".join(text.split())
    match = _ROMAN_HEADING.match(fold(text))
    if not match:
        return None
    number = ROMAN[match.group(1)]
    for name in _frameworks(framework):
        title = frameworks()[name].get("standards", {}).get(str(number))
        if title and _ratio(fold_words(match.group(2)), fold_words(title)) >= TITLE_MATCH:
            return number
    return None


def local_criterion(text: str) -> tuple[int, str] | None:
    """(number within its standard, rest) for «Tiêu chí 3: …» written under a standard."""
    text = " ".join(text.split())
    match = _LOCAL.match(fold(text))
    if not match:
        return None
    rest = match.group(2)
    return int(match.group(1)), text[len(text) - len(rest):].strip() if rest else ""


def _frameworks(framework: str | None) -> list[str]:
    return [framework] if framework in frameworks() else list(frameworks())


@cache
def _titles(framework: str | None) -> list[tuple[str, str]]:
    """(folded title, id) of every criterion, in the framework when known."""
    pairs: dict[tuple[str, str], None] = {}
    for name in _frameworks(framework):
        for code, title in frameworks()[name]["criteria"].items():
            pairs[(fold_words(title), code)] = None
    return list(pairs)


def _ratio(a: str, b: str, at_least: float = 0.0) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def titled_id(text: str, framework: str | None) -> str | None:
    """The criterion whose official title the text is (accents, case and a typo aside), when
    exactly one id fits."""
    words = fold_words(re.sub(r"^\s*(?:[-–•*+]|\d+[.)])\s*", "", text))
    if len(words) < 6 or len(words) > 200:
        return None
    best: dict[str, float] = {}
    for title, code in _titles(framework):
        if abs(len(title) - len(words)) > max(8, len(title) // 4):
            continue
        score = _ratio(words, title, TITLE_MATCH)
        if score >= TITLE_MATCH:
            best[code] = max(best.get(code, 0.0), score)
    if len(best) != 1:
        return None
    (code,) = best
    return code


def title_alike(text: str, code: str, framework: str | None) -> bool:
    """Whether the words after an id read like that criterion's title (a heading «1.3.
    Quản lý kế hoạch …»), rather than the document's own numbering («1.3. Mục tiêu»)."""
    words = fold_words(text)
    if not words:
        return False
    for name in frameworks():  # the id is given: any framework's title for it will do
        title = frameworks()[name]["criteria"].get(code)
        if title is None:
            continue
        title = fold_words(title)
        head = words[:len(title) + 10]
        if _ratio(head, title) >= 0.6 or title.startswith(head[:25]) and len(head) >= 12:
            return True
    return False
