"""Tasks written as sentences, the way a self-assessment report plans its improvements:
«Năm học 2024-2025, Hiệu trưởng tham mưu với UBND xã xây thêm 2 phòng học.» — who and when
are inside the sentence."""

from __future__ import annotations

import re

from core.text import fold, fold_words
from readers.owners import BOARD_ALIASES, ROLE_ALIASES
from readers.plan_draft import TaskDraft
from readers.timelines import parse_timeline

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZĐÀ-Ỹ])")
_ABBREVIATION = re.compile(r"(?:\b(?:TP|Tp|v\.v|ThS|TS|PGS|GS|St|Q|P)\.)$")
# A time at the end of a sentence: «… trong năm học 2024-2025», «… từ tháng 9/2024».
_TIME_TAIL = re.compile(r"[,;]?\s+((?:trong|tu|den|vao|truoc|cuoi|dau)\s+(?:nam hoc|hoc ky|thang"
                        r"|nam|quy)\b[^,;]*?|(?:hang|moi|dinh ky|dinh ki)\s+(?:tuan|thang|quy"
                        r"|nam hoc|nam|hoc ky))\s*[.!]?$")
OWNER_WORDS = tuple(sorted({alias for aliases in ROLE_ALIASES.values() for alias in aliases}
                           | set(BOARD_ALIASES) | {"to chuyen mon", "cac to chuyen mon",
                                                   "nha truong", "phong dao tao",
                                                   "to van phong", "to hanh chinh",
                                                   "doan thanh nien", "chi doan"},
                           key=len, reverse=True))
# What may follow a role inside the subject: «Phó hiệu trưởng phụ trách chuyên môn»,
# «Tổ trưởng tổ nuôi dưỡng», «Giáo viên các nhóm lớp».
QUALIFIERS = tuple(sorted({"phu trach chuyen mon", "phu trach co so vat chat", "phu trach",
                           "to chuyen mon", "to nuoi duong", "cac nhom lop", "cac lop",
                           "cac to", "khoi", "bo mon"}, key=len, reverse=True))
NOT_OWNERS = {"nha truong"}  # the school as a whole names no one
# The verbs a plan's sentences do things with: a role followed by a few other words and then
# one of these is a role named more narrowly («giáo viên tư vấn học đường tổ chức …»).
VERBS = ("to chuc", "thuc hien", "phan tich", "xay dung", "ra soat", "kiem tra", "boi duong", "trien khai",
         "phoi hop", "chi dao", "cap nhat", "hoan thien", "lap", "theo doi", "huong dan",
         "tham muu", "quan ly", "giam sat", "danh gia", "bao cao", "tuyen truyen", "du gio",
         "sinh hoat", "mua sam", "sua chua", "bo sung", "van dong", "ke hoach hoa")
# Words that start what the subject does, not a narrower name for it («tiếp tục», «đổi mới»).
LEADS = ("tiep tuc", "doi moi", "thanh lap", "chu dong", "thuong xuyen", "dinh ky",
         "tich cuc", "nang cao", "day manh", "tang cuong", "duy tri", "hoan thanh",
         "phan cong", "truc tiep", "se", "da", "dang", "can", "phai", "co", "cung", "duoc")
NARROWING = 5  # words a role's narrower name may take before its verb
# Only a bare role is narrowed so («giáo viên tư vấn học đường»); a named one is whole.
GENERIC = {"giao vien", "gv", "nhan vien", "nv"}


def sentences(paragraph: str) -> list[str]:
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        if _ABBREVIATION.search(paragraph[start:match.start()]):
            continue
        pieces.append(paragraph[start:match.start()].strip())
        start = match.end()
    pieces.append(paragraph[start:].strip())
    return [piece for piece in pieces if len(piece) > 3]


def sentence_task(sentence: str) -> TaskDraft:
    timeline, rest = _leading_time(sentence)
    if timeline is None:
        timeline = _trailing_time(sentence)
    owners = _subject_owners(rest)
    return TaskDraft(text=sentence, owners=owners, owners_text=", ".join(owners) or None,
                     timeline=timeline)


def _leading_time(sentence: str) -> tuple[str | None, str]:
    """«Năm học 2024-2025, …»: the clause before the first comma, when it is a time."""
    head, comma, rest = sentence.partition(",")
    if comma and len(head) <= 60 and _is_time(head):
        return head.strip(), rest.strip()
    return None, sentence


def _trailing_time(sentence: str) -> str | None:
    folded = fold(sentence)
    match = _TIME_TAIL.search(folded) if len(folded) == len(sentence) else None
    if not match:
        return None
    phrase = sentence[match.start(1):match.end(1)].strip()
    return phrase if _is_time(phrase) else None


def _is_time(text: str) -> bool:
    """Whether the words name a time (any school year will do to tell)."""
    return parse_timeline(text, "2000-2001").kind != "unknown"


def _subject_owners(clause: str) -> list[str]:
    """The people a clause starts with («Hiệu trưởng và Tổ trưởng chuyên môn tổ chức …»)."""
    words = clause.split()
    owners, at = [], 0
    while at < len(words):
        taken = _owner_at(words, at)
        if taken == 0:
            break
        phrase = " ".join(words[at:at + taken]).strip(",")
        if fold_words(phrase) not in NOT_OWNERS:
            owners.append(phrase)
        at += taken
        if at < len(words) and fold_words(words[at]) in ("va", "cung", ""):
            at += 1
        elif at < len(words) and words[at - 1].endswith(","):
            continue
        else:
            break
    return owners


def _owner_at(words: list[str], at: int) -> int:
    """How many words from `at` name a role and its qualifier, 0 when none do."""
    size = _phrase_at(words, at, OWNER_WORDS)
    if not size:
        return 0
    qualifier = _phrase_at(words, at + size, QUALIFIERS)
    if qualifier or fold_words(" ".join(words[at:at + size])) not in GENERIC:
        return size + qualifier
    return size + _narrowed(words, at + size)


def _narrowed(words: list[str], at: int) -> int:
    """How many words from `at` narrow the role before its verb (0 when no verb comes within
    NARROWING words, or a list goes on: «Giáo viên và nhân viên …»)."""
    if _phrase_at(words, at, VERBS + LEADS):
        return 0
    for size in range(1, NARROWING + 1):
        if at + size >= len(words) or fold_words(words[at + size - 1]) in ("va", "cung") \
                or words[at + size - 1].endswith((",", ";")):
            return 0
        if _phrase_at(words, at + size, VERBS):
            return size
    return 0


def _phrase_at(words: list[str], at: int, phrases: tuple[str, ...]) -> int:
    for phrase in phrases:
        size = len(phrase.split())
        if fold_words(" ".join(words[at:at + size])) == phrase:
            return size
    return 0
