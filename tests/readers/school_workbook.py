"""A plan workbook as a school makes one in Excel, with the answer it states: a cover sheet
(merged title cells: the Phòng, the school, the title, the year, the circular), the task sheet
(a title row, a two-row merged header with wrapped labels, each criterion's cell merged down
its tasks' rows), and a monitoring sheet of review moments."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment

SCHOOL = "TRƯỜNG THCS NGUYỄN TRÃI"
YEAR = "2025-2026"
CRITERIA = ["1.2", "1.5", "2.2", "3.5", "5.3"]
OWNERS = ["HT, PHT", "Tổ trưởng tổ Sử - Địa - GDKT&PL", "Giáo viên các nhóm, lớp",
          "PHT phụ trách CSVC; NV Thiết bị", "GVCN các lớp 6, 7"]
TIMELINES = ["Tháng 9/2025", "Hằng tháng", "Tháng 11/2025 – Tháng 12/2025", "Học kỳ II",
             "Tháng 3/2026"]
CHECKPOINTS = [("Tháng 12/2025", "Tiến độ các nhiệm vụ học kỳ I", "Hiệu trưởng"),
               ("Tháng 5/2026", "Kết quả cả năm học", "Tổ giám sát")]


@dataclass
class Task:
    criterion: str
    text: str
    owners: str
    start: str
    end: str


@dataclass
class Known:
    """What the workbook says, as a reader should find it."""

    tasks: list[Task] = field(default_factory=list)

    def per_criterion(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for task in self.tasks:
            found.setdefault(task.criterion, []).append(task.text)
        return found


def plan_tasks(per_criterion: int, criteria: list[str] = CRITERIA) -> Known:
    known = Known()
    for c, code in enumerate(criteria):
        for n in range(per_criterion):
            period = TIMELINES[(c + n) % len(TIMELINES)]
            start, _, end = period.partition(" – ")
            known.tasks.append(Task(code, f"Nhiệm vụ {n + 1} của tiêu chí {code}: rà soát, "
                                          f"bổ sung hồ sơ và báo cáo kết quả",
                                    OWNERS[(c + n) % len(OWNERS)], start, end))
    return known


def school_workbook(path: Path, known: Known, chart: bool = False) -> Path:
    book = Workbook()
    _cover(book.active)
    _tasks(book.create_sheet("Kế hoạch"), known)
    _monitoring(book.create_sheet("Theo dõi"))
    if chart:
        sheet = book.create_sheet("Số liệu")
        sheet.append(["Tiêu chí", "Số nhiệm vụ"])
        for code, texts in known.per_criterion().items():
            sheet.append([code, len(texts)])
        bar = BarChart()
        bar.add_data(Reference(sheet, min_col=2, min_row=1, max_row=sheet.max_row),
                     titles_from_data=True)
        book.create_chartsheet("Biểu đồ").add_chart(bar)
        sheet.sheet_state = "hidden"  # the chart's data: a person sees the chart
    book.save(path)
    return path


def _cover(sheet) -> None:
    sheet.title = "Bìa"
    lines = ["PHÒNG GD&ĐT THỊ XÃ ĐÔNG TRIỀU", SCHOOL, "",
             "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG", f"Năm học {YEAR.replace('-', ' - ')}",
             "(Căn cứ Thông tư số 18/2018/TT-BGDĐT ngày 22/8/2018 của Bộ GDĐT)"]
    for row, line in enumerate(lines, start=2):
        sheet.cell(row, 1, line or None)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)


def _tasks(sheet, known: Known) -> None:
    sheet.merge_cells("A1:G1")
    sheet["A1"] = "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG CÁC TIÊU CHÍ"
    top = ["TT", "Tiêu chí", "Công việc/\ngiải pháp cần thực hiện", "Chủ trì,\nphối hợp",
           "Thời gian", None, "Sản phẩm"]
    for col, label in enumerate(top, start=1):
        sheet.cell(3, col, label).alignment = Alignment(wrap_text=True)
    sheet.cell(4, 5, "Bắt đầu")
    sheet.cell(4, 6, "Kết thúc")
    for col in (1, 2, 3, 4, 7):
        sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    sheet.merge_cells("E3:F3")
    row, number = 5, 0
    for code in known.per_criterion():
        first = row
        for task in (t for t in known.tasks if t.criterion == code):
            number += 1
            sheet.append([number, None, task.text, task.owners, task.start, task.end or None,
                          "Biên bản; báo cáo"])
            row += 1
        sheet.cell(first, 2, f"Tiêu chí {code}")
        if row - 1 > first:
            sheet.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)


def _monitoring(sheet) -> None:
    sheet.append(["THEO DÕI, ĐÁNH GIÁ VIỆC THỰC HIỆN KẾ HOẠCH"])
    sheet.merge_cells("A1:D1")
    sheet.append(["TT", "Thời điểm", "Nội dung theo dõi", "Người đánh giá"])
    for number, (when, content, reviewer) in enumerate(CHECKPOINTS, start=1):
        sheet.append([number, when, content, reviewer])
