"""What a document says about itself: school, school year, framework, level."""

from __future__ import annotations

import re

from readers.frameworks import frameworks
from readers.plan_draft import PlanDraft
from core.text import fold

CIRCULARS = (("57/2026", "TT57/2026"), ("17/2018", "TT17/2018"), ("18/2018", "TT18/2018"),
             ("19/2018", "TT19/2018"))
LEVELS = (
    ("mam_non", ("mam non", "mau giao", "nha tre")),
    ("gdtx", ("giao duc thuong xuyen", "gdtx", "gdnn-gdtx")),
    ("tieu_hoc", ("tieu hoc",)),
    ("thpt", ("trung hoc pho thong", "thpt")),
    ("thcs", ("trung hoc co so", "thcs")),
)
LEVEL_FRAMEWORK_2018 = {"mam_non": "TT19/2018", "tieu_hoc": "TT17/2018"}
_SCHOOL_YEAR = re.compile(r"nam hoc\s*:?\s*(20\d\d)\s*[-–—/]?\s*(20\d\d)")
_SCHOOL = re.compile(r"^truong\s+\S")
# "… trường THCS Phú Hữu xây dựng kế hoạch …": the kind of school, then capitalised words.
_SCHOOL_IN_TEXT = re.compile(
    r"\b[Tt]rường\s+((?:THCS|THPT|TH|MN|Tiểu học|Mầm non|Mẫu giáo|Trung học cơ sở|"
    r"Trung học phổ thông|PTDTBT|TH&THCS|THCS&THPT)(?:\s+[A-ZĐÀ-Ỹ0-9][^\s,.;:]*)+)")


def detect_meta(lines: list[str], draft: PlanDraft) -> None:
    folded = [fold(line) for line in lines]
    everything = "\n".join(folded)
    if draft.school is None:
        draft.school = next((line for line, f in zip(lines, folded)
                             if _SCHOOL.match(f) and len(line) <= 120), None)
    if draft.school is None:
        for line, f in zip(lines, folded):
            match = _SCHOOL_IN_TEXT.search(line)
            if match and "thong tu" not in f:
                draft.school = "Trường " + match.group(1)
                break
    if draft.school_year is None:
        match = _SCHOOL_YEAR.search(everything)
        if match and int(match.group(2)) == int(match.group(1)) + 1:
            draft.school_year = f"{match.group(1)}-{match.group(2)}"
    if draft.level is None:
        draft.level = _level(fold(draft.school or ""), everything)
    if draft.framework is None:
        draft.framework = _framework(folded, draft)


def _level(school: str, everything: str) -> str | None:
    for text in (school, everything):
        for level, needles in LEVELS:
            if any(re.search(rf"\b{re.escape(n)}\b", text) for n in needles):
                return level
    return None


def _framework(folded: list[str], draft: PlanDraft) -> str | None:
    # The circular the plan is based on ("Căn cứ Thông tư số 18/2018/TT-BGDĐT …").
    for line in folded:
        if "can cu" in line or "thong tu" in line:
            for number, name in CIRCULARS:
                if number in line:
                    return name
    ids = {c.id for c in draft.criteria}
    if not ids:
        return None
    if ids - set(frameworks()["TT57/2026"]["criteria"]):
        return LEVEL_FRAMEWORK_2018.get(draft.level, "TT18/2018")
    return None
