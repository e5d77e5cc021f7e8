"""Resolve owner phrases from a plan ("HT", "PHT phụ trách CSVC", "Tổ Toán", "UBND phường",
"Cô Lan") to staff records."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Protocol

from core.text import clean, fold_words

# Canonical role → how plans and staff lists write it (folded). Longest alias wins.
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "HT": ("ht", "hieu truong", "giam doc", "gd"),  # a GDTX centre has a director
    "PHT": ("pht", "pho hieu truong", "p ht", "pho giam doc", "pgd"),
    "TTCM": ("ttcm", "to truong chuyen mon", "to truong cm", "to truong"),
    "TPCM": ("tpcm", "to pho chuyen mon", "to pho cm", "to pho"),
    "TTVP": ("ttvp", "to truong van phong"),
    "GVCN": ("gvcn", "giao vien chu nhiem"),
    "GVBM": ("gvbm", "giao vien bo mon"),
    "GV": ("gv", "giao vien", "toan the giao vien", "tat ca giao vien"),
    "TPT": ("tpt", "tpt doi", "tong phu trach", "tong phu trach doi"),
    "BTCB": ("bi thu chi bo", "bi thu"),
    "BTCD": ("bi thu chi doan", "bi thu doan truong", "bi thu doan"),
    "CTCD": ("ctcd", "chu tich cong doan"),
    "KT": ("ke toan", "nv ke toan"),
    "VT": ("van thu", "nv van thu"),
    "TB": ("thiet bi", "nv thiet bi", "nhan vien thiet bi"),
    "TV": ("thu vien", "nv thu vien", "nhan vien thu vien"),
    "YT": ("y te", "nv y te", "nhan vien y te"),
    "NV": ("nv", "nhan vien", "nv van phong"),
    "GS": ("to giam sat", "giam sat", "thanh vien to giam sat", "to truong to giam sat",
           "tv to giam sat"),
}
# Roles that also carry a broader one.
IMPLIES = {
    "GVCN": {"GV"}, "GVBM": {"GV"}, "TTCM": {"GV"}, "TPCM": {"GV"},
    "KT": {"NV"}, "VT": {"NV"}, "TB": {"NV"}, "TV": {"NV"}, "YT": {"NV"},
}
BOARD = {"HT", "PHT"}
MONITOR = "GS"
BOARD_ALIASES = ("bgh", "ban giam hieu", "ban giam doc", "bgd")
EVERYONE_ALIASES = ("toan the cb gv nv", "cb gv nv", "cbgvnv", "toan truong", "tap the su pham",
                    "toan the can bo giao vien nhan vien", "hoi dong su pham")
EXTERNAL_WORDS = (
    "ubnd", "uy ban", "pgd", "phong gd", "phong giao duc", "sgd", "so gd", "so giao duc",
    "ban dai dien", "bdd", "cmhs", "cha me hoc sinh", "cha me tre", "hoi cha me", "phu huynh",
    "cong an", "tram y te", "chinh quyen", "dia phuong", "doanh nghiep", "manh thuong quan",
    "hoi khuyen hoc", "hoi phu nu", "dang uy", "cap uy", "mat tran", "nha tai tro",
)
# Local authorities named by their place: "TP Thủ Đức", "Quận 9", "Huyện Đông Triều". Matched
# with their diacritics, which tell "Huyện" from the name "Huyền", "Quận" from "Quân".
EXTERNAL_PLACES = ("tp", "thành phố", "quận", "huyện", "thị xã", "xã", "phường", "tỉnh")
HONORIFICS = ("dong chi", "d c", "thay", "co", "ong", "ba", "anh", "chi")


class StaffLike(Protocol):
    id: int
    name: str
    roles: list[str]
    group: str | None


@dataclass
class Resolution:
    phrase: str
    kind: str  # "staff" | "external" | "unresolved"
    staff_ids: list[int] = field(default_factory=list)


@lru_cache(maxsize=4096)  # staff roles are read at every reminder tick
def role_of(token: str) -> tuple[str | None, str]:
    """('PHT', 'phu trach csvc') for 'PHT phụ trách CSVC'; (None, text) when no role."""
    words = fold_words(token)
    best: tuple[str | None, str] = (None, words)
    best_len = -1
    for role, aliases in ROLE_ALIASES.items():
        for alias in aliases:
            if (words == alias or words.startswith(alias + " ")) and len(alias) > best_len:
                best, best_len = (role, words[len(alias):].strip()), len(alias)
    return best


def staff_roles(member: StaffLike) -> set[str]:
    roles: set[str] = set()
    for token in member.roles or []:
        role, _ = role_of(token)
        if role:
            roles.add(role)
            roles |= IMPLIES.get(role, set())
    return roles


def _qualified(members: list[StaffLike], qualifier: str) -> list[StaffLike]:
    """Narrow to those whose roles or group mention the qualifier, when any do."""
    words = [w for w in qualifier.split() if w not in ("phu", "trach", "to", "mon", "khoi")]
    if not words:
        return members
    text = " ".join(words)
    narrowed = [
        m for m in members
        if text in fold_words(" ".join(m.roles or []) + " " + (m.group or ""))
    ]
    return narrowed or members


def _starts(words: str, aliases: Iterable[str]) -> bool:
    return any(words == a or words.startswith(a + " ") for a in aliases)


def resolve_phrase(phrase: str, staff: list[StaffLike]) -> Resolution:
    words = fold_words(phrase)
    if not words:
        return Resolution(phrase, "unresolved")
    padded = f" {words} "
    if any(f" {w} " in padded for w in EXTERNAL_WORDS):
        return Resolution(phrase, "external")
    if _starts(words, EVERYONE_ALIASES):
        return Resolution(phrase, "staff", [m.id for m in staff])
    if _starts(words, BOARD_ALIASES):
        ids = [m.id for m in staff if staff_roles(m) & BOARD]
        return Resolution(phrase, "staff" if ids else "unresolved", ids)

    role, qualifier = role_of(phrase)
    if role:
        members = [m for m in staff if role in staff_roles(m)]
        ids = [m.id for m in _qualified(members, qualifier)]
        return Resolution(phrase, "staff" if ids else "unresolved", ids)

    if words.startswith("to "):
        group = words[3:]
        ids = [m.id for m in staff if m.group and fold_words(m.group).endswith(group)]
        if ids:
            return Resolution(phrase, "staff", ids)

    name = words
    for honorific in HONORIFICS:
        if name.startswith(honorific + " "):
            name = name[len(honorific) + 1:]
            break
    exact = [m.id for m in staff if fold_words(m.name) == name]
    if exact:
        return Resolution(phrase, "staff", exact)
    ending = [m.id for m in staff if f" {fold_words(m.name)}".endswith(f" {name}")]
    if len(ending) == 1:
        return Resolution(phrase, "staff", ending)
    if _starts(clean(phrase).lower(), EXTERNAL_PLACES):
        return Resolution(phrase, "external")
    return Resolution(phrase, "unresolved")


def led_group(roles: Iterable[str], group: str | None) -> str | None:
    """The tổ a person leads, folded: a group leader (TTCM) sees its tasks — the tasks with
    an owner in it — and is the one the overdue ladder asks to chase them
    (storage/access.py and reminders/planner.py both ask this)."""
    return fold_words(group) if "TTCM" in set(roles) and group and fold_words(group) else None
