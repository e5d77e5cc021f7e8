"""The implementation report of a lived school year, as Word and Excel files that open."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from storage.models import Evidence, School, Staff, Task
from readers.plan_files import read_plan
from storage.plans import save_plan
from reports.report_data import period_of, report_data
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import parse_staff_sheet
from storage.updates import record_update
from tests.conftest import DEMO
from tests.phuhuu import SEEDS

TT57_PLAN = SEEDS / "plan-tt57-thcs-2026-2027.docx"

COLUMNS = ["Tiêu chuẩn, tiêu chí", "Nội dung kế hoạch xây dựng đầu năm",
           "Nội dung kế hoạch đã điều chỉnh",
           "Công việc đã triển khai xong (chất lượng, hiệu quả)",
           "Công việc đang triển khai hoặc chậm so với kế hoạch (lý do)",
           "Công việc chưa triển khai (lý do)", "Chưa có cập nhật", "Ghi chú"]
CRITERIA = ["1.2", "1.3", "2.4", "3.3", "3.4", "4.2", "5.2"]


def make(sessions, school, period="year"):
    with sessions() as session:
        school = session.get(School, school.id)
        return report_data(session, school, period_of(session, school, period),
                           date(2024, 6, 1))


def by_code(data) -> dict:
    return {row.code: row for row in data.rows}


def test_the_year_in_rows_per_criterion(sessions, year_of_updates):
    data = make(sessions, year_of_updates)
    rows = by_code(data)
    assert list(rows) == CRITERIA
    assert [line.text[:20] for line in rows["3.3"].done] == ["Nhà trường tham mưu "]
    assert rows["3.3"].done[0].done_text == "Đã sửa 6 phòng học, chống thấm trần."
    assert rows["1.2"].ongoing[0].status == "in_progress"
    assert rows["1.3"].ongoing[0].reason == "Chờ hướng dẫn của Đảng ủy phường."
    assert rows["4.2"].not_started[0].reason.startswith("Chưa họp được")
    assert rows["4.2"].adjusted == ["Xây dựng quy chế phối hợp với Ban đại diện CMHS, họp mỗi "
                                    "học kỳ"]
    assert rows["4.2"].planned[0].startswith("Xây dựng kế hoạch phối hợp và quy chế")
    assert [(t[:10], d) for t, d in rows["5.2"].closed] == [("Hỗ trợ chi", date(2024, 1, 20))]
    assert rows["2.4"].not_started == [] and rows["2.4"].no_update[0].status is None
    assert data.counts == {"done": 2, "ongoing": 2, "not_started": 1, "no_update": 1,
                           "adjusted": 1, "closed": 1}
    assert [e.code for e in data.evidence] == ["[H1-1.2-01]", "[H3-3.3-01]", "[H3-3.4-01]",
                                               "[H3-3.4-02]"]


def test_the_first_semester_stops_at_its_end(sessions, year_of_updates):
    rows = by_code(make(sessions, year_of_updates, "hk1"))
    assert rows["3.4"].done == [] and rows["3.4"].no_update[0].status is None
    assert rows["5.2"].closed == [] and rows["5.2"].no_update and not rows["5.2"].not_started


def test_the_word_file_opens_with_eight_columns_and_a_row_per_criterion(
        sessions, renderer, year_of_updates):
    data = make(sessions, year_of_updates)
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    table = next(t for t in document.tables if len(t.columns) == 8)
    assert [c.text for c in table.rows[1].cells] == COLUMNS
    rows = {r.cells[0].text.split(":")[0]: r for r in table.rows[2:]
            if r.cells[0].text.startswith("Tiêu chí")}
    assert list(rows) == [f"Tiêu chí {c}" for c in CRITERIA]
    assert "Đã sửa 6 phòng học" in rows["Tiêu chí 3.3"].cells[3].text
    assert "[H3-3.3-01]" in rows["Tiêu chí 3.3"].cells[3].text
    assert "Chờ hướng dẫn của Đảng ủy phường" in rows["Tiêu chí 1.3"].cells[4].text
    assert rows["Tiêu chí 2.4"].cells[5].text == "Không có"
    assert "chưa có cập nhật" not in rows["Tiêu chí 2.4"].cells[5].text.lower()
    assert rows["Tiêu chí 2.4"].cells[6].text.startswith("- ")
    assert "Bỏ khỏi kế hoạch ngày 20/01/2024" in rows["Tiêu chí 5.2"].cells[2].text
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Cả năm học — năm học 2023-2024" in text
    headings = [r.cells[0].text for r in table.rows[2:] if r.cells[0].text.startswith("Tiêu chuẩn")]
    assert headings[0] == "Tiêu chuẩn 1: Tổ chức và quản lý nhà trường"
    evidence = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã minh chứng")
    assert [r.cells[0].text for r in evidence.rows[1:]] == [e.code for e in data.evidence]
    signature = document.tables[-1].rows[0].cells[1].text
    assert "HIỆU TRƯỞNG" in signature and "Nguyễn Văn Tốt" in signature


def test_the_excel_file_has_the_same_cells(sessions, renderer, year_of_updates):
    data = make(sessions, year_of_updates)
    word = docx.Document(BytesIO(report_docx(data, renderer)))
    table = next(t for t in word.tables if len(t.columns) == 8)
    word_rows = [[c.text for c in r.cells] for r in table.rows[2:]
                 if r.cells[0].text.startswith("Tiêu chí")]
    book = openpyxl.load_workbook(BytesIO(report_xlsx(data, renderer)))
    sheet = book["Báo cáo"]
    values = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[4] == [COLUMNS[0], "ND Kế hoạch cải tiến chất lượng giáo dục năm học "
                         "2023-2024", "", "Kết quả thực hiện", "", "", "", COLUMNS[7]]
    assert values[5] == [""] + COLUMNS[1:7] + [""]
    excel_rows = [row for row in values if str(row[0]).startswith("Tiêu chí")]
    assert excel_rows == word_rows
    assert [r[0] for r in book["Minh chứng"].iter_rows(min_row=2, values_only=True)] == [
        e.code for e in data.evidence]


def test_evidence_codes_stay_put_between_reports(sessions, year_of_updates, evidence,
                                                 year_clock):
    first = [e.code for e in make(sessions, year_of_updates).evidence]
    assert len(first) == len(set(first))
    assert [e.code for e in make(sessions, year_of_updates).evidence] == first
    with sessions.begin() as session:
        earlier = session.scalar(select(Evidence).order_by(Evidence.id))
        session.add(Evidence(school_id=earlier.school_id, task_id=earlier.task_id,
                             criterion_code=earlier.criterion_code, author_id=earlier.author_id,
                             kind="photo", path="x.jpg", size=1, sha256="0" * 64,
                             created_at=year_clock.now()))
    later = [e.code for e in make(sessions, year_of_updates).evidence]
    assert [c for c in later if c in first] == first and "[H3-3.3-02]" in later


def test_a_57_2026_plan_gets_its_codes_and_monitoring_table(sessions, renderer, clock,
                                                            evidence, seed):
    with sessions.begin() as session:
        school = pick_school(session, "hoabinh", clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(seed(TT57_PLAN)), clock)
        task = session.scalar(select(Task).where(Task.school_id == school.id)
                              .order_by(Task.id))
        stored = evidence.save("hoabinh", "1.4", "photo", b"photo", None, "image/jpeg",
                               clock.now())
        record_update(session, task, session.scalar(select(Staff.id)), "done", "Đã phân công.",
                      None, [stored.to_dict()], clock)
        data = report_data(session, school, period_of(session, school, "hk1"),
                           date(2027, 1, 16))
    assert [e.code for e in data.evidence] == ["MC.1.4.01"]
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    monitoring = next(t for t in document.tables if t.rows[0].cells[0].text == "Thời điểm")
    assert [[c.text for c in r.cells][:3] for r in monitoring.rows[1:]] == [
        ["Cuối học kỳ I", data.monitoring[0].content, "1/6 nhiệm vụ hoàn thành"],
        ["Cuối năm học", data.monitoring[1].content, "Chưa đến thời điểm theo dõi"]]


def test_the_report_from_the_command_line(cli, year_of_updates, tmp_path):
    code, out, _ = cli("report", "--period", "hk1", "--out", str(tmp_path / "hk1.docx"))
    assert code == 0 and "nhiệm vụ hoàn thành" in out
    assert len(docx.Document(tmp_path / "hk1.docx").tables) >= 3
    code, _, _ = cli("report", "--period", "2023-09-01:2023-12-31", "--format", "xlsx",
                     "--out", str(tmp_path / "q"))
    book = openpyxl.load_workbook(BytesIO((tmp_path / "q").read_bytes()))
    assert code == 0 and book.sheetnames[0] == "Báo cáo"
    code, _, err = cli("report", "--period", "hk3", "--out", str(tmp_path / "x.docx"))
    assert code == 2 and "Không hiểu giai đoạn" in err
    code, _, err = cli("report", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and ".docx hoặc .xlsx" in err
    code, _, _ = cli("report", "--monitoring", "--out", str(tmp_path / "gs.docx"))
    assert code == 0
    paragraphs = docx.Document(tmp_path / "gs.docx").paragraphs
    assert "BÁO CÁO GIÁM SÁT" in [p.text for p in paragraphs]


def test_the_monitoring_report_frames_the_same_data(sessions, renderer, year_of_updates):
    data = make(sessions, year_of_updates)
    document = docx.Document(BytesIO(monitoring_docx(data, renderer)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO GIÁM SÁT" in text and "III. Kiến nghị" in text
    assert "2/6 nhiệm vụ hoàn thành (33%)" in text
    assert "Chậm tiến độ [1.3]" in text and "lý do: Chờ hướng dẫn của Đảng ủy phường." in text
    assert "Chưa triển khai [4.2]" in text and "Chưa họp được Ban đại diện" in text
    assert "Chưa triển khai [2.4]" not in text and "Chưa có cập nhật [2.4]" in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Tiêu chí")
    assert [r.cells[0].text for r in table.rows[2:]] == CRITERIA
    assert [r.cells[2].text for r in table.rows[2:]] == ["0", "0", "0", "1", "1", "0", "0"]
    assert [r.cells[5].text for r in table.rows[2:]] == ["0", "0", "1", "0", "0", "0", "0"]
