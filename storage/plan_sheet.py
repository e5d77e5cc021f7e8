"""The plan spreadsheet: one row per task. Read it, and write the empty template."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from storage.errors import InputError
from storage.frameworks import known_criterion_ids, parse_criterion_id
from storage.owner_phrases import split_owner_phrases
from storage.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from storage.sheets import find_header, read_rows
from storage.text import fold_words

# Header words, folded, per field. Checked in this order: "Sản phẩm/kết quả cần đạt"
# is an output column although it also says "kết quả cần đạt".
HEADER_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("title", ("ten tieu chi", "noi dung tieu chi", "criterion title", "title")),
    ("output", ("san pham", "output", "product")),
    ("owners", ("chu tri", "phoi hop", "nguoi thuc hien", "phu trach", "owners", "owner", "lead")),
    ("timeline", ("thoi gian", "timeline", "deadline", "when")),
    ("support", ("dieu kien", "ho tro", "kinh phi", "support", "resources")),
    ("note", ("ghi chu", "note", "notes")),
    ("target", ("ket qua can dat", "muc tieu", "target", "expected result")),
    ("task", ("cong viec", "giai phap", "hoat dong", "task", "tasks", "solution")),
    ("criterion", ("tieu chi", "criterion", "criterion id", "ma tieu chi")),
]

# What the template's header row says, in the order of its columns.
TEMPLATE_COLUMNS = [
    ("criterion", "Tiêu chí"),
    ("title", "Tên tiêu chí"),
    ("target", "Kết quả cần đạt"),
    ("task", "Công việc/giải pháp"),
    ("owners", "Chủ trì, phối hợp"),
    ("output", "Sản phẩm"),
    ("timeline", "Thời gian thực hiện"),
    ("support", "Điều kiện hỗ trợ"),
    ("note", "Ghi chú"),
]
TEMPLATE_EXAMPLE = {
    "criterion": "1.2",
    "title": "Hội đồng trường và các hội đồng khác",
    "target": "Duy trì Mức 2",
    "task": "Rà soát, kiện toàn Hội đồng trường; họp định kỳ theo quy chế",
    "owners": "HT, PHT, TTCM",
    "output": "Quyết định kiện toàn; biên bản họp",
    "timeline": "Tháng 9/2026",
    "support": "",
    "note": "",
}

_YEAR = re.compile(r"(20\d\d)\s*[-–—/]\s*(20\d\d)")


def match_header(cell: str) -> str | None:
    words = f" {fold_words(cell)} "
    for field, needles in HEADER_WORDS:
        if any(f" {needle} " in words for needle in needles):
            return field
    return None


def parse_plan_sheet(path: Path) -> PlanDraft:
    rows = read_rows(path)
    found = find_header(rows, match_header, {"criterion", "task"})
    if found is None:
        raise InputError("plan_empty", name=path.name)
    header_at, columns = found
    if header_at is None:
        missing = {"criterion", "task"} - set(columns.values())
        raise InputError("plan_missing_columns", name=path.name, missing=sorted(missing))

    draft = PlanDraft()
    _read_preamble(rows[:header_at], draft)
    by_id: dict[str, CriterionDraft] = {}
    unknown: list[tuple[int, str]] = []
    current: CriterionDraft | None = None
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {field: (row[col] if col < len(row) else "") for col, field in columns.items()}
        if not any(cells.values()):
            continue
        raw_id = cells.get("criterion", "")
        if raw_id:
            code = parse_criterion_id(raw_id)
            if code is None or code not in known_criterion_ids():
                unknown.append((number, raw_id))
                continue
            current = by_id.get(code)
            if current is None:
                current = CriterionDraft(id=code)
                by_id[code] = current
                draft.criteria.append(current)
        elif current is None:
            unknown.append((number, ""))
            continue
        current.title = current.title or cells.get("title") or None
        current.target = current.target or cells.get("target") or None
        if cells.get("task"):
            owners_text = cells.get("owners") or None
            current.tasks.append(
                TaskDraft(
                    text=cells["task"],
                    owners=split_owner_phrases(owners_text),
                    owners_text=owners_text,
                    output=cells.get("output") or None,
                    timeline=cells.get("timeline") or None,
                    support=cells.get("support") or None,
                    note=cells.get("note") or None,
                )
            )
    if unknown:
        raise InputError("plan_unknown_criteria", name=path.name, rows=unknown)
    if not draft.task_count:
        raise InputError("plan_no_tasks", name=path.name)
    return draft


def _read_preamble(rows: list[list[str]], draft: PlanDraft) -> None:
    for row in rows:
        for cell in row:
            if not cell:
                continue
            year = _YEAR.search(cell)
            if year and draft.school_year is None:
                draft.school_year = f"{year.group(1)}-{year.group(2)}"
            if draft.school is None and fold_words(cell).startswith("truong "):
                draft.school = cell


def write_plan_template(path: Path) -> None:
    headers = [label for _, label in TEMPLATE_COLUMNS]
    example = [TEMPLATE_EXAMPLE[field] for field, _ in TEMPLATE_COLUMNS]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([headers, example])
        return
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kế hoạch"
    sheet.append(headers)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [9, 30, 24, 48, 22, 28, 20, 20, 16]
    for letter, width in zip("ABCDEFGHI", widths):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.save(path)
