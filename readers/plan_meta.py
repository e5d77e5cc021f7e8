"""What a document says about itself — school, school year, framework, level — weighed:
the school's own name and the circular the plan is based on outweigh a passing mention in
a solution («… phối hợp với Trung tâm GDTX …»). When the evidence is split, the plan says
so in its warnings instead of guessing silently."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher

from core.text import fold, fold_words
from readers.frameworks import frameworks
from readers.plan_draft import PlanDraft

CIRCULARS = {"57/2026": "TT57/2026", "17/2018": "TT17/2018", "18/2018": "TT18/2018",
             "19/2018": "TT19/2018"}
CIRCULAR_LEVELS = {"TT17/2018": "tieu_hoc", "TT19/2018": "mam_non"}  # one level each
LEVELS = (
    ("mam_non", ("mam non", "mau giao", "nha tre", "mn")),
    ("gdtx", ("giao duc thuong xuyen", "gdtx", "gdnn gdtx")),
    ("tieu_hoc", ("tieu hoc", "th")),
    ("thpt", ("trung hoc pho thong", "thpt")),
    ("thcs", ("trung hoc co so", "thcs")),
)
LEVEL_FRAMEWORK_2018 = {"mam_non": "TT19/2018", "tieu_hoc": "TT17/2018"}
FRONT = 40  # lines of letterhead, title and "Căn cứ …" before the plan itself
MENTIONS = 4  # however often a level is mentioned, it weighs less than the school's name
SPLIT = 0.6
TITLED = 3  # criteria titled as another circular names them, enough to doubt a citation  # a runner-up this close to the winner is evidence worth a warning
_SCHOOL_YEAR = re.compile(r"nam hoc\s*:?\s*(20\d\d)\s*[-–—/]?\s*(20\d\d)")
_SCHOOL = re.compile(r"^(?:truong|trung tam)\s+\S")
# Folded, «trưởng» (head) reads as «trường» (school).
_SCHOOL_WORD = re.compile(r"^\s*(?:trường|trung tâm)\s", re.IGNORECASE)
_SCHOOL_IN_TEXT = re.compile(
    r"\b[Tt]rường\s+((?:THCS|THPT|TH|MN|Tiểu học|Mầm non|Mẫu giáo|Trung học cơ sở|"
    r"Trung học phổ thông|PTDTBT|PTDTNT|TH&THCS|THCS&THPT|TH và THCS|THCS và THPT)"
    r"(?:\s+[A-ZĐÀ-Ỹ0-9][^\s,.;:]*)+)")
_OTHER_CENTRE = re.compile(r"^trung tam (?:y te|van hoa|hoc tap cong dong|boi duong)")
_CIRCULAR = re.compile(r"\b(\d{1,2})\s*/\s*(20\d\d)\b")


def framework_hint(lines: list[str]) -> str | None:
    """The framework of the circular the plan is based on, read before its criteria are."""
    cited = _cited(lines).most_common(1)
    return cited[0][0] if cited else None


def detect_meta(lines: list[str], draft: PlanDraft) -> None:
    folded = [fold(line) for line in lines]
    if draft.school is None:
        draft.school = _school(lines, folded)
    if draft.school_year is None:
        draft.school_year = _school_year(folded)
    if draft.level is None:
        draft.level = _level(lines, folded, draft)
    if draft.framework is None:
        draft.framework = _framework(lines, draft)


def _names_school(line: str) -> bool:
    """«Trường …», «TRƯỜNG …», «Trung tâm …» with its capital: a line a sentence's rest opens
    («trưởng học lớp …», «trường học xanh …») names no school."""
    line = unicodedata.normalize("NFC", line).lstrip()
    return line[:1].isupper() and bool(_SCHOOL_WORD.match(line))


def _school(lines: list[str], folded: list[str]) -> str | None:
    """The name that weighs most, spelt as the text spells it: a letterhead in capitals
    (Nghị định 30/2020) gives way to the same name in ordinary case further down."""
    best: tuple[int, int, str] | None = None
    spelt: dict[str, str] = {}
    for index, (line, f) in enumerate(zip(lines, folded)):
        if "thong tu" in f or "can cu" in f:
            continue
        if _SCHOOL.match(f) and _names_school(line) and len(line) <= 120 \
                and not _OTHER_CENTRE.match(f):
            found, weight = re.split(r"[;,(]", line)[0].strip(), 10 if index < FRONT else 3
        else:
            match = _SCHOOL_IN_TEXT.search(line)
            if not match:
                continue
            found = "Trường " + match.group(1)
            weight = 5 if index < FRONT or "ke hoach" in f else 1
        if not found.isupper():
            spelt.setdefault(fold(found), found)
        if best is None or weight > best[0]:
            best = (weight, index, found)
    return spelt.get(fold(best[2]), best[2]) if best else None


def _school_year(folded: list[str]) -> str | None:
    votes: Counter[str] = Counter()
    body: Counter[str] = Counter()
    for index, line in enumerate(folded):
        for match in _SCHOOL_YEAR.finditer(line):
            if int(match.group(2)) != int(match.group(1)) + 1:
                continue
            weight = 10 if index < FRONT and "ke hoach" in line else 3 if index < FRONT else 1
            votes[f"{match.group(1)}-{match.group(2)}"] += weight
            body[f"{match.group(1)}-{match.group(2)}"] += weight if index >= FRONT else 0
    for year, weight in body.items():  # a year the report looks back on, however often
        votes[year] -= max(0, weight - MENTIONS)
    return votes.most_common(1)[0][0] if votes else None


def _levels_in(text: str) -> set[str]:
    padded = f" {fold_words(text)} "
    return {level for level, needles in LEVELS if any(f" {n} " in padded for n in needles)}


def _level(lines: list[str], folded: list[str], draft: PlanDraft) -> str | None:
    votes: Counter[str] = Counter()
    for level in _levels_in(draft.school or ""):
        votes[level] += 10
    for framework in _cited(lines):
        if framework in CIRCULAR_LEVELS:
            votes[CIRCULAR_LEVELS[framework]] += 6
    mentions: Counter[str] = Counter()
    for index, line in enumerate(lines):
        if "thong tu" in folded[index]:
            continue  # "… đối với trường THCS, trường THPT …" names every level the circular covers
        weight = 2 if index < FRONT else 0.5
        for level in _levels_in_school_words(line):
            mentions[level] += weight
    for level, weight in mentions.items():
        votes[level] += min(weight, MENTIONS)
    return _winner(votes, draft, "level", decided=bool(_levels_in(draft.school or "")))


def _levels_in_school_words(line: str) -> set[str]:
    """Levels a line names as schools («trường THCS», «cấp tiểu học»), not every «TH»."""
    folded = fold_words(line)
    found = set()
    for level, needles in LEVELS:
        for needle in needles:
            if len(needle) <= 3 and not re.search(rf"\b(?:truong|cap|khoi)\s+{needle}\b",
                                                   folded):
                continue
            if re.search(rf"\b{re.escape(needle)}\b", folded):
                found.add(level)
    return found


def _winner(votes: Counter, draft: PlanDraft, name: str, decided: bool) -> str | None:
    ranked = votes.most_common(2)
    if not ranked:
        return None
    if len(ranked) == 2 and not decided and ranked[1][1] >= SPLIT * ranked[0][1]:
        draft.warn("meta_split", field=name, chosen=ranked[0][0], other=ranked[1][0])
    return ranked[0][0]


def _cited(lines: list[str]) -> Counter[str]:
    """Frameworks of the circulars the plan names («Căn cứ Thông tư số 18/2018/TT-BGDĐT»);
    the first one a «Căn cứ» line names counts most (later ones are often «… thay thế …»)."""
    cited: Counter[str] = Counter()
    for line in lines:
        folded = fold(line)
        if "thong tu" not in folded and "tt-bgd" not in folded:
            continue
        names = [CIRCULARS[f"{int(n)}/{y}"] for n, y in _CIRCULAR.findall(folded)
                 if f"{int(n)}/{y}" in CIRCULARS]
        for position, name in enumerate(names):
            cited[name] += (3 if position == 0 else 1) * (2 if "can cu" in folded else 1)
    return cited


def _framework(lines: list[str], draft: PlanDraft) -> str | None:
    cited = _cited(lines)
    titled = _titled_families(draft)
    if cited:
        chosen = cited.most_common(1)[0][0]
        family = "2026" if chosen == "TT57/2026" else "2018"
        other = "2018" if family == "2026" else "2026"
        if titled[other] >= TITLED and titled[other] > 2 * titled[family]:
            # The criteria are named as the other circular names them: the citation is of
            # something else («… kết quả tự đánh giá theo Thông tư 18/2018»).
            draft.warn("meta_split", field="framework", chosen=other, other=chosen)
            return "TT57/2026" if other == "2026" else \
                LEVEL_FRAMEWORK_2018.get(draft.level, "TT18/2018")
        return _winner(cited, draft, "framework", decided=False)
    ids = {c.id for c in draft.criteria}
    family: Counter[str] = Counter(titled)
    if ids - set(frameworks()["TT57/2026"]["criteria"]):
        family["2018"] += 8
    if draft.level == "gdtx":
        family["2026"] += 5  # the 2018 circulars have no GDTX framework
    if not family:
        return None
    if _winner(family, draft, "framework", decided=False) == "2026":
        return "TT57/2026"
    return LEVEL_FRAMEWORK_2018.get(draft.level, "TT18/2018")


def _titled_families(draft: PlanDraft) -> Counter[str]:
    """How many criteria the document titles as 57/2026 does, and as the 2018 circulars do."""
    families: Counter[str] = Counter()
    for criterion in draft.criteria:
        titled = _titled_as(criterion.id, criterion.title)
        if "TT57/2026" in titled:
            families["2026"] += 1
        if any(name != "TT57/2026" for name in titled):
            families["2018"] += 1
    return families


def _titled_as(code: str, title: str | None) -> list[str]:
    """Frameworks whose title for this criterion is the one the document wrote."""
    if not title:
        return []
    words = fold_words(title)
    return [name for name, fw in frameworks().items()
            if code in fw["criteria"] and SequenceMatcher(
                None, words, fold_words(fw["criteria"][code])).ratio() >= 0.8]
