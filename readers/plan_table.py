"""A plan written as a table — our spreadsheet, the 2018 table, the 57/2026 improvement
table, the implementation report's plan column — read into a PlanDraft.

Columns are found by their header words, never by position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readers.frameworks import known_criterion_ids, parse_criterion_id
from readers.owner_phrases import split_owner_phrases
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.sheets import find_header, header_matcher
from core.text import fold, fold_words

# Header words, folded, per field, checked in this order: "Sản phẩm/kết quả cần đạt" is an
# output column although it also says "kết quả cần đạt".
HEADER_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("title", ("ten tieu chi", "noi dung tieu chi", "criterion title", "title")),
    ("output", ("san pham", "chi so danh gia", "output", "product")),
    ("owners", ("chu tri", "phoi hop", "nguoi thuc hien", "phu trach", "owners", "owner",
                "lead")),
    ("timeline", ("thoi gian", "timeline", "deadline", "when")),
    ("support", ("dieu kien", "ho tro", "kinh phi", "nguon luc", "support", "resources")),
    ("note", ("ghi chu", "minh chung du kien", "note", "notes")),
    ("target", ("ket qua can dat", "muc tieu", "target", "expected result")),
    ("task", ("cong viec", "giai phap", "hoat dong", "nd ke hoach", "noi dung ke hoach",
              "task", "tasks", "solution")),
    ("criterion", ("tieu chi", "noi dung cai tien", "criterion", "criterion id",
                   "ma tieu chi")),
    ("number", ("tt", "stt", "no")),
]
REQUIRED = {"criterion", "task"}

_NAMED_IDS = re.compile(r"tieu chi\s*((?:\d{1,2}\s*\.\s*\d{1,2}(?:\s*(?:,|;|va|&)\s*)?)+)")
_ID = re.compile(r"(\d{1,2})\s*\.\s*(\d{1,2})")
_ONLY_IDS = re.compile(r"^[\d\s.,;&]+$")
_STANDARD = re.compile(r"\btieu chuan\s*(\d)")


match_header = header_matcher(HEADER_WORDS)


def criterion_ids(cell: str) -> list[str]:
    """'Tiêu chí 1.2', 'Tiêu chí 2. 4: …', '4.1; 4.2; 4.3', '1.10' → ids, in order."""
    text = fold(cell)
    if not text:
        return []
    single = parse_criterion_id(text)
    if single:
        return [single]
    found: list[str] = []
    for match in _NAMED_IDS.finditer(text):
        found += [f"{int(a)}.{int(b)}" for a, b in _ID.findall(match.group(1))]
    if not found and _ONLY_IDS.match(text):
        found = [f"{int(a)}.{int(b)}" for a, b in _ID.findall(text)]
    return list(dict.fromkeys(found))


def is_standard_row(cells: dict[str, str]) -> bool:
    """A 'Tiêu chuẩn 1: …' or 'MỨC 1,2,3' heading row: one text (spanning, or in one cell
    beside its number) and no criterion id."""
    values = {v for f, v in cells.items() if v and f != "number"}
    if len(values) != 1:
        return False
    (value,) = values
    words = fold_words(value)
    if criterion_ids(value):
        return False
    return bool(_STANDARD.search(words)) or words.startswith("muc ")


@dataclass
class TableRead:
    """What reading one table found; problems are (row number, cell text)."""

    found: bool = False
    header_at: int | None = None
    columns: dict[int, str] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    numbered: dict[str, list[str]] = field(default_factory=dict)


def read_plan_table(rows: list[list[str]], draft: PlanDraft,
                    criteria_by_number: dict[str, list[str]] | None = None,
                    first_line: int = 1) -> TableRead:
    """Add the tasks of this table to `draft`. A row with no criterion id inherits the one
    above (merged cells, rows split across pages); a row of the 57/2026 table may name
    its criteria only through the focus-issues table (`criteria_by_number`, by TT)."""
    result = TableRead()
    found = find_header(rows, match_header, REQUIRED)
    if found is not None:
        result.header_at, result.columns = found
    if result.header_at is None:
        return result
    header_at, columns = found
    result.found = True
    by_id = {c.id: c for c in draft.criteria}
    current: list[CriterionDraft] = []
    for number, row in enumerate(rows[header_at + 1:], start=first_line + header_at + 1):
        cells = {name: (row[col] if col < len(row) else "") for col, name in columns.items()}
        if not any(cells.values()) or is_standard_row(cells):
            continue
        if list(cells.values()) == [rows[header_at][c] for c in columns]:
            continue  # the header again, repeated on a new page
        raw = cells.get("criterion", "")
        ids = criterion_ids(raw)
        if not ids and criteria_by_number:
            ids = criteria_by_number.get(fold_words(cells.get("number", "")), [])
        if raw and not ids:
            result.problems.append((number, raw))
            continue
        unknown = [i for i in ids if i not in known_criterion_ids()]
        if unknown:
            result.problems.append((number, raw))
            continue
        if ids:
            previous = {c.id for c in current}
            current = []
            for code in ids:
                if code in by_id and code not in previous and by_id[code].tasks:
                    draft.warn("criterion_repeated", code=code)
                criterion = by_id.get(code)
                if criterion is None:
                    criterion = by_id[code] = CriterionDraft(id=code)
                    draft.criteria.append(criterion)
                current.append(criterion)
        elif not current:
            if cells.get("task"):
                result.problems.append((number, ""))
            continue
        for criterion in current:
            _add_row(criterion, cells)
    return result


def _add_row(criterion: CriterionDraft, cells: dict[str, str]) -> None:
    criterion.title = criterion.title or cells.get("title") or None
    criterion.target = criterion.target or cells.get("target") or None
    text = cells.get("task")
    if not text:
        return
    owners_text = cells.get("owners") or None
    criterion.tasks.append(TaskDraft(
        text=text,
        owners=split_owner_phrases(owners_text),
        owners_text=owners_text,
        output=cells.get("output") or None,
        timeline=cells.get("timeline") or None,
        support=cells.get("support") or None,
        note=cells.get("note") or None,
    ))
