"""THCS Phú Hữu: the table plan of ../shared/seeds, 2023-2024, with a staff list that covers
its owner phrases; the school the reminder and report tests live through a year in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TABLE_PLAN = SEEDS / "plan-thcs-table-2023-2024.docx"
PHONES = {"Tốt": "0912000001", "Hoa": "0912000002", "Đức": "0912000003", "Hà": "0912000004",
          "Kim": "0912000005", "Nam": "0912000006", "Sát": "0912000007"}
TET_2024 = {"from": "2024-02-08", "to": "2024-02-14", "name": "Tết Giáp Thìn"}
NEW_YEAR = {"from": "2024-01-01", "to": "2024-01-01", "name": "Tết Dương lịch"}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def chat_of(name: str) -> str:
    """The chat id (= user id) the fixture links each person with."""
    return str(9000 + int(PHONES[name][-4:]))
