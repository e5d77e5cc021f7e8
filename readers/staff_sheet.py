"""The staff list: Họ và tên · Số điện thoại · Chức vụ · Tổ · Telegram."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InputError
from core.phones import normalize_phone
from readers.sheets import find_header, header_matcher, read_rows
from core.text import clean

HEADER_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("phone", ("so dien thoai", "dien thoai", "sdt", "phone", "mobile")),
    ("telegram", ("telegram", "tai khoan telegram", "username")),
    ("roles", ("chuc vu", "vai tro", "roles", "role", "position")),
    ("group", ("to chuyen mon", "to", "bo phan", "group", "team")),
    ("name", ("ho va ten", "ho ten", "ten", "name", "full name")),
]
REQUIRED = {"name", "phone", "roles"}


@dataclass
class StaffRow:
    line: int
    name: str
    phone: str | None
    phone_norm: str | None
    roles: list[str] = field(default_factory=list)
    group: str | None = None
    telegram: str | None = None


match_header = header_matcher(HEADER_WORDS)


def split_roles(text: str) -> list[str]:
    return [clean(part) for part in re.split(r"[,;\n/]+", text or "") if clean(part)]


def parse_staff_sheet(path: Path) -> list[StaffRow]:
    rows = read_rows(path)
    found = find_header(rows, match_header, REQUIRED)
    if found is None:
        raise InputError("staff_empty", name=path.name)
    header_at, columns = found
    if header_at is None:
        missing = sorted(REQUIRED - set(columns.values()))
        raise InputError("staff_missing_columns", name=path.name, missing=missing)

    staff: list[StaffRow] = []
    problems: list[tuple[int, str]] = []
    seen_phones: dict[str, int] = {}
    for line, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {name: (row[col] if col < len(row) else "") for col, name in columns.items()}
        if not any(cells.values()):
            continue
        if not cells["name"]:
            problems.append((line, "no_name"))
            continue
        phone_norm = normalize_phone(cells["phone"]) if cells["phone"] else None
        if cells["phone"] and phone_norm is None:
            problems.append((line, "bad_phone"))
            continue
        if phone_norm and phone_norm in seen_phones:
            problems.append((line, "duplicate_phone"))
            continue
        if phone_norm:
            seen_phones[phone_norm] = line
        telegram = cells.get("telegram", "").lstrip("@") or None
        staff.append(
            StaffRow(
                line=line,
                name=cells["name"],
                phone=cells["phone"] or None,
                phone_norm=phone_norm,
                roles=split_roles(cells["roles"]),
                group=cells.get("group") or None,
                telegram=telegram,
            )
        )
    if problems:
        raise InputError("staff_bad_rows", name=path.name, rows=problems)
    if not staff:
        raise InputError("staff_empty", name=path.name)
    return staff
