"""What a table's columns mean, from the words of their headers: Vietnamese with or without
diacritics, English, any order, line breaks inside, headers over two rows («Thời gian» over
«Bắt đầu» | «Kết thúc»), title rows above them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.text import fold_words

# Field → header words (folded, whole words). The first field whose words appear wins, so
# the order settles the overlaps: «Sản phẩm/kết quả cần đạt» is an output although it says
# «kết quả cần đạt»; «ND kế hoạch … (điều chỉnh)» is the adjusted plan, not the plan.
VOCABULARY: list[tuple[str, tuple[str, ...]]] = [
    ("ignored", ("da trien khai", "dang trien khai", "chua trien khai", "ket qua thuc hien",
                 "muc do thuc hien", "dieu chinh", "ly do", "danh gia ket qua thuc hien",
                 "tu danh gia", "ket qua danh gia", "status", "progress")),
    ("related", ("tieu chi lien quan",)),
    ("title", ("ten tieu chi", "noi dung tieu chi", "criterion title", "title")),
    ("output", ("san pham", "chi so danh gia", "output", "outputs", "product", "deliverable",
                "deliverables", "ket qua mong doi", "indicator")),
    ("owners", ("chu tri", "phoi hop", "nguoi thuc hien", "phu trach", "nguoi phu trach",
                "don vi thuc hien", "bo phan thuc hien", "trach nhiem", "owners", "owner",
                "lead", "responsible", "person in charge", "who")),
    ("when", ("thoi diem",)),
    ("start", ("bat dau", "tu ngay", "start")),
    ("end", ("ket thuc", "den ngay", "finish", "end")),
    ("timeline", ("thoi gian", "thoi han", "tien do", "timeline", "deadline", "due", "when",
                  "time", "schedule")),
    ("support", ("dieu kien", "ho tro", "kinh phi", "nguon luc", "support", "resources",
                 "budget")),
    ("note", ("ghi chu", "minh chung", "thong tin du lieu", "note", "notes", "remarks")),
    ("monitor", ("noi dung theo doi", "noi dung giam sat", "noi dung kiem tra")),
    ("reviewer", ("nguoi danh gia", "nguoi giam sat", "nguoi kiem tra")),
    ("target", ("ket qua can dat", "muc tieu", "chi tieu", "target", "targets", "goal",
                "expected result", "phan dau")),
    ("weakness", ("han che", "diem yeu", "ton tai", "hien trang", "thuc trang", "nguyen nhan",
                  "diem manh", "van de")),
    ("person", ("ho va ten", "ho ten", "chuc vu", "chuc danh", "ky ten", "full name")),
    ("task", ("cong viec", "giai phap", "bien phap", "hoat dong", "nhiem vu", "nd ke hoach",
              "noi dung ke hoach", "ke hoach cai tien", "noi dung thuc hien", "task", "tasks",
              "solution", "solutions", "activity", "activities", "action", "actions")),
    ("criterion", ("tieu chi", "ma tc", "tc", "noi dung cai tien", "criterion", "criteria",
                   "criterion id")),
    ("standard", ("tieu chuan", "standard")),
]
NUMBER_WORDS = {"tt", "stt", "so tt", "no", "so thu tu"}
_LEVEL = re.compile(r"^(?:muc\s*([1-4])|(khong dat|chua dat|dat))$")
HEADER_SCAN = 12
LONG_CELL = 160  # headers are labels, if wordy ones; a longer cell is data


def field_of(cell: str) -> str | None:
    words = fold_words(cell)
    if not words:
        return None
    if words in NUMBER_WORDS:
        return "number"
    level = _LEVEL.match(words)
    if level:
        return "level"
    padded = f" {words} "
    for name, needles in VOCABULARY:
        if any(f" {needle} " in padded for needle in needles):
            return name
    return None


def level_of(cell: str) -> int | None:
    """The level a self-assessment column stands for: «Mức 2» → 2, «Đạt» → 1, «Không đạt» → 0."""
    match = _LEVEL.match(fold_words(cell))
    if not match:
        return None
    if match.group(1):
        return int(match.group(1))
    return 1 if match.group(2) == "dat" else 0


@dataclass
class Header:
    """Where a table's header ends and what each column holds."""

    last_row: int
    fields: dict[int, str]
    labels: dict[int, str] = field(default_factory=dict)
    owner_parts: dict[int, str] = field(default_factory=dict)  # column → "lead" | "helpers"

    def column(self, name: str) -> int | None:
        return next((c for c, f in self.fields.items() if f == name), None)

    def columns(self, name: str) -> list[int]:
        return [c for c, f in self.fields.items() if f == name]

    def has(self, *names: str) -> bool:
        return all(n in self.fields.values() for n in names)


def _label_row(row: list[str]) -> dict[int, str]:
    """Column → field of a row that reads as labels, or {} when it reads as data."""
    mapped: dict[int, str] = {}
    filled = [c for c in row if c]
    if not filled or any(len(c) > LONG_CELL for c in filled):
        return {}
    for col, cell in enumerate(row):
        name = field_of(cell) if cell else None
        if name:
            mapped[col] = name
    distinct = {row[c] for c in mapped}
    if len(distinct) < 2 or len(distinct) * 2 < len(set(filled)):
        return {}
    return mapped


def find_header(rows: list[list[str]], scan: int = HEADER_SCAN) -> Header | None:
    """The first row within `scan` that labels the columns, joined with the row under it
    when that one labels sub-columns («Thời gian» › «Bắt đầu» | «Kết thúc»)."""
    for index, row in enumerate(rows[:scan]):
        mapped = _label_row(row)
        if not mapped:
            continue
        if index + 1 < len(rows):
            two = _two_rows(row, rows[index + 1])
            if two is not None:
                return _header(index + 1, two)
        return _header(index, row)
    return None


def _two_rows(top: list[str], under: list[str]) -> list[str] | None:
    """The labels of a header written over two rows, or None when `under` is not a
    sub-header: its labels sit under a merged cell (repeated text, or left empty in a
    spreadsheet) and name fields of their own."""
    subs = [(c, cell) for c, cell in enumerate(under) if cell and field_of(cell)
            and (c >= len(top) or cell != top[c])]
    if not subs or any(len(cell) > LONG_CELL for cell in under if cell):
        return None
    if any(cell and not field_of(cell) and (c >= len(top) or cell != top[c])
           for c, cell in enumerate(under)):
        return None
    labels = []
    width = max(len(top), len(under))
    for col in range(width):
        above = _spanning(top, col)
        below = under[col] if col < len(under) else ""
        labels.append(f"{above} {below}".strip() if below and below != above else above)
    return labels


def _spanning(top: list[str], col: int) -> str:
    """The top label over a column: its own, or the nearest one to its left when a merged
    cell left it empty."""
    for c in range(min(col, len(top) - 1), -1, -1):
        if top[c]:
            return top[c]
    return ""


def _header(last_row: int, labels: list[str]) -> Header:
    fields: dict[int, str] = {}
    owner_parts: dict[int, str] = {}
    for col, label in enumerate(labels):
        name = field_of(label)
        if name is None:
            continue
        if name in fields.values() and name not in ("owners", "level", "ignored", "person",
                                                   "weakness"):
            continue  # the first column of a kind is the one (the plan, not its adjustment)
        fields[col] = name
        if name == "owners":
            part = _owner_part(label)
            if part:
                owner_parts[col] = part
    return Header(last_row, fields, dict(enumerate(labels)), owner_parts)


def _owner_part(label: str) -> str | None:
    words = f" {fold_words(label)} "
    lead, helpers = " chu tri " in words, " phoi hop " in words
    if lead and not helpers:
        return "lead"
    if helpers and not lead:
        return "helpers"
    return None
