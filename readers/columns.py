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
                "deliverables", "ket qua mong doi", "ket qua du kien", "indicator")),
    ("owners", ("chu tri", "phoi hop", "nguoi thuc hien", "phan cong", "nguoi chiu trach nhiem", "phu trach", "nguoi phu trach",
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
    ("target", ("ket qua can dat", "muc tieu", "muc can dat", "muc dat", "chi tieu", "target", "targets", "goal",
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
# «TT vấn đề», «STT nhiệm vụ»: the number of what the row is (57/2026 numbers its issues).
_NUMBER_OF = re.compile(r"^(?:tt|stt|so tt) (?!tieu chi|tieu chuan|tc\b)\w+(?: \w+)?$")
_LEVEL = re.compile(r"^(?:muc\s*([1-4])|(khong dat|chua dat|dat))$")
HEADER_SCAN = 12
EXTRA_HEADER_ROWS = 2
SUB_LABEL = 40
START_WORDS = {"tu", "tu ngay", "tu thang", "bat dau", "ngay bat dau", "start", "from"}
END_WORDS = {"den", "den ngay", "den thang", "ket thuc", "hoan thanh", "ngay hoan thanh", "end",
             "to", "finish"}
LONG_CELL = 160  # headers are labels, if wordy ones; a longer cell is data


def field_of(cell: str) -> str | None:
    words = fold_words(cell)
    if not words:
        return None
    if words in NUMBER_WORDS or _NUMBER_OF.match(words):
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
    """The first row within `scan` that labels the columns, joined with the rows under it
    that go on labelling: a sub-header («Thời gian» › «Bắt đầu» | «Kết thúc») or the rest of
    labels a text export cut over two lines («Hoạt» / «động/giải pháp»)."""
    for index, row in enumerate(rows[:scan]):
        labels, subs = list(row), [""] * len(row)
        last = index
        if not _label_row(row):
            if len({cell for cell in row if cell}) < 2 or index + 1 >= len(rows) or \
                    not _goes_on_labelling(rows[index + 1], labels):
                continue  # a title across the sheet (merged: in every cell), or no labels
            labels, subs = _joined(labels, subs, rows[index + 1])
            if not _label_row(labels):
                continue  # not even the two lines together label the columns
            subs, last = [""] * len(labels), index + 1
        for under in rows[last + 1:last + 1 + EXTRA_HEADER_ROWS]:
            if not _goes_on_labelling(under, labels) or not _labels_something(labels, under):
                break
            labels, subs = _joined(labels, subs, under)
            last += 1
        return _header(last, labels, subs)
    return None


def _goes_on_labelling(row: list[str], labels: list[str]) -> bool:
    """Short words and no data: no criterion, no number, not one text across the table. A
    label merged down from the row above is written again: it says nothing new."""
    filled = [cell for col, cell in enumerate(row)
              if cell and (col >= len(labels) or cell not in labels[col])]
    if not filled or len(set(filled)) == 1 and len(filled) > 1:
        return False
    if any(len(cell) > SUB_LABEL or re.search(r"\d", cell) for cell in filled):
        return False
    return not any(field_of(cell) in ("standard", "criterion") and fold_words(cell)
                   not in ("tieu chi", "tc") for cell in filled)


def _labels_something(labels: list[str], under: list[str]) -> bool:
    """Whether a row adds to the labels: a sub-label of its own («Từ», «Chủ trì») under a
    label spanning several columns or none, or the end of a label that meant nothing
    without it («Hoạt» + «động/giải pháp»). Under labels that each name their own column,
    a row of short words is data: «Cuối học kỳ I | Tiến độ | Ban giám hiệu»."""
    for col, cell in enumerate(under):
        if not cell or col < len(labels) and cell in labels[col]:
            continue
        above = labels[col] if col < len(labels) else ""
        if _edge(cell) or field_of(cell) and (not above or _spans(labels, col)):
            return True
        if not field_of(above) and field_of(f"{above} {cell}"):
            return True
    return False


def _spans(labels: list[str], col: int) -> bool:
    """Whether the label over `col` covers its neighbours too: merged, written in each, or
    written once with empty cells after it."""
    right = labels[col + 1] if col + 1 < len(labels) else None
    left = labels[col - 1] if col > 0 else None
    return labels[col] in (left, right) or right == ""


def _joined(labels: list[str], subs: list[str], under: list[str]) -> tuple[list[str], list[str]]:
    width = max(len(labels), len(under))
    labels = labels + [""] * (width - len(labels))
    subs = subs + [""] * (width - len(subs))
    joined_labels, joined_subs = [], []
    for col in range(width):
        below = under[col] if col < len(under) else ""
        above = labels[col] or (_spanning(labels, col) if below else "")
        if below and below != above:
            joined_labels.append(f"{above} {below}".strip())
            joined_subs.append(f"{subs[col]} {below}".strip() if labels[col] else below)
        else:
            joined_labels.append(above)
            joined_subs.append(subs[col])
    return joined_labels, joined_subs


def _spanning(top: list[str], col: int) -> str:
    """The top label over a column: its own, or the nearest one to its left when a merged
    cell left it empty."""
    for c in range(min(col, len(top) - 1), -1, -1):
        if top[c]:
            return top[c]
    return ""


def _header(last_row: int, labels: list[str], subs: list[str]) -> Header:
    fields: dict[int, str] = {}
    owner_parts: dict[int, str] = {}
    for col, label in enumerate(labels):
        name = _edge(subs[col]) or field_of(label)
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


def _edge(sub: str) -> str | None:
    """«Từ» | «Đến» under «Thời gian»: where a period starts and ends."""
    words = fold_words(sub)
    if words in START_WORDS:
        return "start"
    if words in END_WORDS:
        return "end"
    return None


def _owner_part(label: str) -> str | None:
    words = f" {fold_words(label)} "
    lead, helpers = " chu tri " in words, " phoi hop " in words
    if lead and not helpers:
        return "lead"
    if helpers and not lead:
        return "helpers"
    return None
