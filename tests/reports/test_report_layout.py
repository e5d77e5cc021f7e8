"""The report the principal signs says only what was said, in the layout of Nghị định
30/2020: Phú Hữu's year (answered, late, not started, never answered, removed) with its
monthly training answered in October, November and twice in December, photos sent without a
name of their own; the .docx and .xlsx opened, and the .docx printed to PDF by LibreOffice."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from io import BytesIO

import docx
import openpyxl
import pytest
from sqlalchemy import select

from reports.report_data import period_of, report_data
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from storage.models import Evidence, School, Staff, Task, TaskUpdate
from storage.updates import record_update
from tests.phuhuu import local

PUBLIC_URL = "https://caitien.example.vn"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONTHLY = "Tập huấn cho các thành viên hội đồng tư vấn"


@pytest.fixture
def lived_year(sessions, year_of_updates, year_clock, evidence):
    """Phú Hữu's year, and the monthly training (criterion 1.2) answered month by month."""
    def answer(when, status, done, files=()):
        year_clock.advance(seconds=(when - year_clock.now()).total_seconds())
        with sessions.begin() as session:
            task = session.scalar(select(Task).where(Task.timeline == "Hàng tháng",
                                                     Task.closed_at.is_(None)))
            author = session.scalar(select(Staff).where(Staff.name == "Nguyễn Văn Tốt"))
            stored = [evidence.save("phuhuu", "1.2", "photo", data, "anh.png", "image/png",
                                    year_clock.now()).to_dict() for data in files]
            record_update(session, task, author.id, status, done, None, stored, year_clock)

    answer(local(2024, 3, 10, 9), "in_progress", "Tháng 3: tập huấn buổi 3 về kiểm định.",
           files=[b"\x89PNG-march-1", b"\x89PNG-march-2"])
    answer(local(2024, 4, 4, 9), "in_progress", "Tháng 4: tập huấn buổi 4, chưa đủ người.")
    answer(local(2024, 4, 22, 9), "done", "Tháng 4: cả hội đồng đã được tập huấn.",
           files=[b"\x89PNG-april"])
    return year_of_updates


def make(sessions, school, public_url=PUBLIC_URL, period="year"):
    with sessions() as session:
        school = session.get(School, school.id)
        return report_data(session, school, period_of(session, school, period),
                           date(2024, 6, 1), public_url)


def main_table(document):
    return next(t for t in document.tables if len(t.columns) == 8)


def rows_by_criterion(table) -> dict:
    return {r.cells[0].text.split(":")[0].removeprefix("Tiêu chí "): r for r in table.rows[2:]
            if r.cells[0].text.startswith("Tiêu chí")}


def text_of(document) -> str:
    return "\n".join(t.text or "" for t in document.element.body.iter(f"{W}t"))


# --- what the report says ----------------------------------------------------------------

def test_unanswered_tasks_are_their_own_group_and_nobody_is_given_a_reason(
        sessions, renderer, lived_year):
    data = make(sessions, lived_year)
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    rows = rows_by_criterion(main_table(document))
    unanswered = rows["2.4"]
    assert unanswered.cells[6].text.startswith("- Nhà trường tổ chức các hoạt động dạy học")
    assert unanswered.cells[5].text == "Không có"  # «chưa triển khai» is what someone said
    assert rows["4.2"].cells[5].text.startswith("- Xây dựng quy chế phối hợp")
    assert "Chưa họp được Ban đại diện cha mẹ học sinh" in rows["4.2"].cells[5].text
    assert rows["4.2"].cells[6].text == "Không có"
    assert "lý do: chưa có cập nhật" not in text_of(document).lower()
    assert data.counts["no_update"] == 1 and data.counts["not_started"] == 1


def test_a_monthly_task_keeps_every_months_answer(sessions, renderer, lived_year):
    data = make(sessions, lived_year)
    (line,) = [t for row in data.rows for t in row.done if t.text.startswith(MONTHLY)]
    assert [(a.on, a.status) for a in line.periods] == [
        (date(2023, 10, 5), "in_progress"), (date(2024, 3, 10), "in_progress"),
        (date(2024, 4, 22), "done")]
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    cell = rows_by_criterion(main_table(document))["1.2"].cells[3].text
    assert "Tháng 10/2023, ngày 05/10/2023: Đang thực hiện — Đã tập huấn 2 buổi" in cell
    assert "Tháng 3/2024, ngày 10/03/2024: Đang thực hiện — Tháng 3: tập huấn buổi 3" in cell
    assert "Tháng 4/2024, ngày 22/04/2024: Hoàn thành — Tháng 4: cả hội đồng" in cell
    assert "chưa đủ người" not in cell  # April's first answer, replaced by its last
    book = openpyxl.load_workbook(BytesIO(report_xlsx(data, renderer)))
    excel = next(row[3] for row in book["Báo cáo"].iter_rows(values_only=True)
                 if str(row[0]).startswith("Tiêu chí 1.2"))
    assert excel == cell


def test_a_weekly_task_keeps_every_weeks_answer(sessions, renderer, lived_year):
    with sessions.begin() as session:
        task = session.scalar(select(Task).where(Task.timeline == "Hàng tháng"))
        task.schedule_every = "week"
    data = make(sessions, lived_year)
    (line,) = [t for row in data.rows for t in row.done if t.text.startswith(MONTHLY)]
    assert [a.on for a in line.periods] == [date(2023, 10, 5), date(2024, 3, 10),
                                            date(2024, 4, 4), date(2024, 4, 22)]
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    cell = rows_by_criterion(main_table(document))["1.2"].cells[3].text
    assert "Tuần 01/04–07/04/2024, ngày 04/04/2024: Đang thực hiện — Tháng 4: tập huấn buổi 4" \
        in cell
    assert "Tuần 22/04–28/04/2024, ngày 22/04/2024: Hoàn thành" in cell


def test_a_correction_answers_for_the_month_it_corrects(sessions, renderer, lived_year,
                                                         year_clock):
    year_clock.advance(seconds=(local(2024, 5, 2, 8) - year_clock.now()).total_seconds())
    with sessions.begin() as session:
        task = session.scalar(select(Task).where(Task.timeline == "Hàng tháng"))
        april = session.scalar(select(TaskUpdate).where(TaskUpdate.task_id == task.id)
                               .order_by(TaskUpdate.id.desc()).limit(1))
        record_update(session, task, april.author_id, "done",
                      "Tháng 4: cả hội đồng đã được tập huấn, có biên bản.", None, [],
                      year_clock, corrects_id=april.id)
    data = make(sessions, lived_year)
    (line,) = [t for row in data.rows for t in row.done if t.text.startswith(MONTHLY)]
    assert [a.on for a in line.periods] == [date(2023, 10, 5), date(2024, 3, 10),
                                            date(2024, 4, 22)]  # April's, not May
    assert line.periods[-1].done_text.endswith("có biên bản.")
    assert line.periods[-1].evidence == ["[H1-1.2-04]"] and line.unplaced == []


def test_the_first_semester_has_only_its_months(sessions, lived_year):
    data = make(sessions, lived_year, period="hk1")
    (line,) = [t for row in data.rows for t in row.ongoing if t.text.startswith(MONTHLY)]
    assert [a.on for a in line.periods] == [date(2023, 10, 5)]


def test_each_evidence_item_once_with_a_name_and_a_link(sessions, renderer, lived_year):
    data = make(sessions, lived_year)
    codes = [e.code for e in data.evidence]
    assert len(codes) == 7 and len(set(codes)) == 7
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    table_text = "\n".join(c.text for r in main_table(document).rows[2:]
                           for c in dict.fromkeys(r.cells))  # a merged cell once
    listing = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã minh chứng")
    assert [r.cells[0].text for r in listing.rows[1:]] == codes
    for code in codes:
        assert table_text.count(code) == 1, code
    names = [r.cells[2].text for r in listing.rows[1:]]
    assert len(set(names)) == len(names) and not any(n.startswith("anh.png") for n in names)
    assert any(n.startswith("bien-ban.pdf — Tập huấn cho các thành viên hội đồng tư vấn")
               for n in names)
    assert any(n.startswith("Ảnh 1/2 — Tập huấn") and "10/03/2024" in n for n in names)
    assert any(n.startswith("Ảnh 2/2 — Tập huấn") and "10/03/2024" in n for n in names)
    with sessions() as session:
        ids = session.scalars(select(Evidence.id).order_by(Evidence.id)).all()
    links = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert links == {f"{PUBLIC_URL}/web/s/{lived_year.id}/evidence/{i}" for i in ids}
    book = openpyxl.load_workbook(BytesIO(report_xlsx(data, renderer)))
    report_sheet = "\n".join(str(v) for row in book["Báo cáo"].iter_rows(values_only=True)
                             for v in row if v)
    assert [report_sheet.count(code) for code in codes] == [1] * len(codes)
    sheet = book["Minh chứng"]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == codes
    assert [r[2].value for r in sheet.iter_rows(min_row=2)] == names
    assert {r[4].hyperlink.target for r in sheet.iter_rows(min_row=2)} == links


def test_the_files_of_a_task_removed_from_the_plan_are_noted_once(sessions, renderer,
                                                                  lived_year):
    with sessions.begin() as session:
        removed = session.scalar(select(Task).where(Task.closed_at.is_not(None)))
        author = session.scalar(select(Staff).where(Staff.name == "Nguyễn Văn Tốt"))
        session.add(Evidence(school_id=removed.school_id, task_id=removed.id,
                             criterion_code="5.2", author_id=author.id, kind="document",
                             path="x.pdf", file_name="danh-sach-ho-tro.pdf", size=1,
                             sha256="0" * 64, created_at=local(2023, 12, 1, 9)))
    data = make(sessions, lived_year)
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    row = rows_by_criterion(main_table(document))["5.2"]
    assert row.cells[7].text == "Minh chứng của nhiệm vụ đã bỏ: [H5-5.2-01]"
    assert [c.text for c in row.cells].count("Không có") == 4  # the four results
    listing = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã minh chứng")
    assert [r.cells[2].text[:20] for r in listing.rows[1:] if r.cells[0].text ==
            "[H5-5.2-01]"] == ["danh-sach-ho-tro.pdf"]


def test_without_a_public_address_the_files_are_named_not_linked(sessions, renderer,
                                                                  lived_year):
    data = make(sessions, lived_year, public_url=None)
    document = docx.Document(BytesIO(report_docx(data, renderer)))
    assert not [rel for rel in document.part.rels.values() if rel.is_external]
    listing = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã minh chứng")
    assert {r.cells[4].text for r in listing.rows[1:]} == {
        "Lưu trong hồ sơ minh chứng của nhà trường"}


# --- the layout of Nghị định 30/2020 -------------------------------------------------------

@pytest.mark.parametrize("kind", ["report", "monitoring"])
def test_both_documents_on_a4_with_the_decree_s_header_and_margins(sessions, renderer,
                                                                    lived_year, kind):
    data = make(sessions, lived_year)
    write = report_docx if kind == "report" else monitoring_docx
    document = docx.Document(BytesIO(write(data, renderer)))
    section = document.sections[0]
    size = sorted((round(section.page_width.mm), round(section.page_height.mm)))
    assert size == [210, 297]
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 13
    school, motto = document.tables[0].rows[0].cells
    assert school.paragraphs[0].text == "TRƯỜNG THCS PHÚ HỮU"
    assert "Số: ……/BC-THCSPH" in [p.text for p in school.paragraphs]
    assert [p.text for p in motto.paragraphs[:2]] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                      "Độc lập - Tự do - Hạnh phúc"]
    assert re.fullmatch(r"…+, ngày 01 tháng 6 năm 2024", motto.paragraphs[2].text)
    titles = [r for p in document.paragraphs for r in p.runs if p.text.startswith("BÁO CÁO")]
    assert titles and all(r.font.size.pt == 14 for r in titles)
    table = main_table(document) if kind == "report" else next(
        t for t in document.tables if t.rows[0].cells[0].text == "Tiêu chí")
    groups = list(dict.fromkeys(c.text for c in table.rows[0].cells))
    assert groups[1:3] == ["ND Kế hoạch cải tiến chất lượng giáo dục năm học 2023-2024",
                           "Kết quả thực hiện"]
    assert table.rows[1].cells[0].text == groups[0]  # standing through both header rows
    repeated = [bool(r._tr.trPr is not None and r._tr.trPr.find(f"{W}tblHeader") is not None)
                for r in table.rows]
    assert repeated[:3] == [True, True, False] and not any(repeated[2:])
    signature = document.tables[-1].rows[0].cells[1].text
    assert ("HIỆU TRƯỞNG" if kind == "report" else "TỔ TRƯỞNG TỔ GIÁM SÁT") in signature


def test_the_evidence_and_monitoring_tables_repeat_their_header_too(sessions, renderer,
                                                                     lived_year):
    document = docx.Document(BytesIO(report_docx(make(sessions, lived_year), renderer)))
    listing = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã minh chứng")
    assert listing.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None


def test_the_workbook_prints_on_a4_with_its_header_rows_on_every_page(sessions, renderer,
                                                                       lived_year):
    book = openpyxl.load_workbook(BytesIO(report_xlsx(make(sessions, lived_year), renderer)))
    sheet = book["Báo cáo"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1] == ["Số: ……/BC-THCSPH"] + [None] * 7
    assert sheet.print_title_rows == "$5:$6"
    assert values[4][3] == "Kết quả thực hiện" and values[5][6] == "Chưa có cập nhật"
    for page in book.worksheets:
        assert page.page_setup.paperSize == 9  # A4
        assert round(page.page_margins.left * 25.4) == 30
        assert round(page.page_margins.right * 25.4) == 15
        assert round(page.page_margins.top * 25.4) == 20
        assert page.print_title_rows
    unanswered = next(row for row in values if str(row[0]).startswith("Tiêu chí 2.4"))
    assert unanswered[5] == "Không có" and unanswered[6].startswith("- Nhà trường tổ chức")


# --- printed ----------------------------------------------------------------------------

def to_pdf(tmp_path, name: str, data: bytes):
    source = tmp_path / f"{name}.docx"
    source.write_bytes(data)
    profile = tmp_path / "libreoffice-profile"  # its own: other runs may print at once
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / f"{name}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return pdf, fields["Page size"].strip(), int(fields["Pages"])


def page_text(pdf, page: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())  # a header cell's words wrap onto lines of their own


def a4_points(size: str) -> list[int]:
    """«841.89 x 595.304 pts (A4)» → [595, 842]."""
    return sorted(round(float(n)) for n in re.findall(r"[\d.]+", size)[:2])


def test_printed_on_a4_with_the_header_on_every_page(sessions, renderer, lived_year, tmp_path):
    data = make(sessions, lived_year)
    pdf, size, pages = to_pdf(tmp_path, "bao-cao", report_docx(data, renderer))
    # A4 across (ND30 allows a document of wide tables to lie across the page)
    assert a4_points(size) == [595, 842] and "(A4)" in size and size.startswith("841.")
    assert pages > 1
    first, second = page_text(pdf, 1), page_text(pdf, 2)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Số: ……/BC-THCSPH" in first
    assert "Tiêu chí 1.2:" in first and "Tiêu chí 1.2:" not in second
    for header in ("Tiêu chuẩn, tiêu chí", "Kết quả thực hiện", "Chưa có cập nhật",
                   "ND Kế hoạch cải tiến chất lượng giáo dục năm học 2023-2024"):
        assert header in first and header in second, header
    _, size, _ = to_pdf(tmp_path, "giam-sat", monitoring_docx(data, renderer))
    assert a4_points(size) == [595, 842] and size.startswith("595.") and "(A4)" in size


def test_the_word_templates_are_the_ones_their_script_builds():
    """templates/reports/*.docx are committed; word_templates.py is where they are changed."""
    import importlib.util
    import zipfile
    from templates.render import DEFAULT_TEMPLATES

    spec = importlib.util.spec_from_file_location(
        "word_templates", DEFAULT_TEMPLATES / "reports" / "word_templates.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for build, name in ((script.report, "bao-cao-thuc-hien.docx"),
                        (script.monitoring, "bao-cao-giam-sat.docx"),
                        (script.plan_2026, "ke-hoach-57-2026.docx"),
                        (script.plan_2018, "ke-hoach-2018.docx")):
        built = BytesIO()
        build().save(built)
        with zipfile.ZipFile(built) as fresh, \
                zipfile.ZipFile(DEFAULT_TEMPLATES / "reports" / name) as committed:
            assert fresh.read("word/document.xml") == committed.read("word/document.xml")


def test_the_monitoring_findings_speak_of_today_not_of_a_day_to_come(sessions, renderer,
                                                                     lived_year):
    with sessions() as session:
        school = session.get(School, lived_year.id)
        period = period_of(session, school, "year")
        data = report_data(session, school, period, date(2024, 3, 15), PUBLIC_URL)
    assert period.end > date(2024, 3, 15)
    text = text_of(docx.Document(BytesIO(monitoring_docx(data, renderer))))
    assert "Đến ngày 15/03/2024:" in text
    assert f"Đến ngày {period.end.strftime('%d/%m/%Y')}" not in text
