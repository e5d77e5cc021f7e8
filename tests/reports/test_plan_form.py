"""The stored plan in the ministry's form: a Word document the principal signs, laid out as
Nghị định 30/2020 asks, whose table reads back through the importer as the same plan — the
57/2026 Biểu 2 for Hòa Bình's plan, the 9-column table for Phú Hữu's under the 2018
circulars — and which LibreOffice prints on A4 with the table's header on every page."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, timezone
from io import BytesIO
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from readers.frameworks import frameworks
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.plan_files import read_plan
from reports.plan_form import PlanForm, plan_form_docx, stored_plan_form
from storage.models import Staff, Task
from storage.plans import save_plan
from storage.schools import pick_school
from storage.updates import record_update
from tests.conftest import DEMO

TT57 = "plan-tt57-thcs-2026-2027.docx"
TABLE_2018 = "plan-thcs-table-2023-2024.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SECTIONS_2026 = ("I. THÔNG TIN CHUNG", "II. CĂN CỨ", "III. MỤC ĐÍCH, YÊU CẦU",
                 "IV. VẤN ĐỀ TRỌNG TÂM CẦN CẢI TIẾN", "V. KẾ HOẠCH CẢI TIẾN",
                 "VI. THEO DÕI, ĐÁNH GIÁ", "VII. TỔ CHỨC THỰC HIỆN",
                 "VIII. CƠ CHẾ ĐÁNH GIÁ, BÁO CÁO")


def plan_of(draft: PlanDraft) -> tuple:
    """Everything the form carries back: the plan's facts, its criteria and tasks with
    owners as written, timelines as read, and its review moments."""
    return (draft.school, draft.framework, draft.level, draft.school_year, [
        (c.id, c.title, c.target, [(t.text, t.owners, t.owners_text, t.output, t.timeline,
                                    t.schedule, t.support, t.note) for t in c.tasks])
        for c in draft.criteria],
        [(c.when, c.content, c.reviewer, c.schedule) for c in draft.checkpoints])


def stored(sessions, clock, path: Path, today: date, code: str = "truong"):
    with sessions.begin() as session:
        school = pick_school(session, code, clock, create=True)
        save_plan(session, school, read_plan(path), clock)
    with sessions() as session:
        return stored_plan_form(session, pick_school(session, code, clock), today)


def read_back(data: bytes, folder: Path, name: str = "ke-hoach.docx") -> PlanDraft:
    path = folder / name
    path.write_bytes(data)
    return read_plan(path)


@pytest.mark.parametrize("name", [TT57, TABLE_2018], ids=["57/2026", "2018"])
def test_a_plan_imported_from_the_seed_and_exported_in_the_form_reads_back_the_same(
        name, seed, sessions, clock, renderer, tmp_path):
    form = stored(sessions, clock, seed(name), date(2026, 10, 1))
    again = read_back(plan_form_docx(form, renderer), tmp_path)
    original = read_plan(seed(name))
    assert plan_of(again) == plan_of(original)
    assert again.warnings == original.warnings  # Phú Hữu's 3.3 titled as 3.2, kept as written


def test_the_demo_plan_with_two_tasks_under_a_criterion_and_no_review_moments_reads_back(
        sessions, clock, renderer, tmp_path):
    form = stored(sessions, clock, DEMO / "plan.csv", date(2026, 10, 1))
    data = plan_form_docx(form, renderer)
    again, original = read_back(data, tmp_path), read_plan(DEMO / "plan.csv")
    assert plan_of(again)[1:] == plan_of(original)[1:]
    # the reader of Word plans ends a school's name at a bracket («Trường … (Quận 1)»)
    assert (original.school, again.school) == ("Trường THCS Hoà Bình (trường giả định)",
                                               "Trường THCS Hoà Bình")
    # no review moments in the plan: section VI asks the school for them
    text = document_text(data)
    assert "VI. THEO DÕI, ĐÁNH GIÁ [Nhà trường bổ sung: thời điểm theo dõi" in text


# --- the document --------------------------------------------------------------------------

def document_text(data: bytes) -> str:
    """Paragraphs and table cells in document order, one space between."""
    body = docx.Document(BytesIO(data)).element.body
    return " ".join(" ".join("".join(t.text or "" for t in p.iter(W + "t"))
                             for p in body.iter(W + "p")).split())


def tables(data: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows]
            for table in docx.Document(BytesIO(data)).tables]


def answer(sessions, clock, when: datetime, task_text: str, status: str) -> None:
    clock.advance(seconds=(when - clock.now()).total_seconds())
    with sessions.begin() as session:
        task = session.scalar(select(Task).where(Task.text.startswith(task_text)))
        principal = session.scalar(select(Staff).where(Staff.name == "Trần Minh Quang"))
        record_update(session, task, principal.id, status, None, None, [], clock)


@pytest.fixture
def hoa_binh_in_february(sessions, clock, seed):
    """Hòa Bình's 57/2026 plan; two tasks done before the end of học kỳ I (15/01/2027), a
    third after it; the plan written out on 01/02/2027, before the end of the year."""
    form = stored(sessions, clock, seed(TT57), date(2026, 11, 2), code="hoabinh")
    with sessions.begin() as session:
        school = pick_school(session, "hoabinh", clock)
        session.add(Staff(school_id=school.id, name="Trần Minh Quang", roles=["HT"]))
    answer(sessions, clock, datetime(2026, 12, 1, 3, tzinfo=timezone.utc),
           "Xây dựng kho học liệu số", "done")
    answer(sessions, clock, datetime(2027, 1, 10, 3, tzinfo=timezone.utc),
           "Tổ chức 4 buổi sinh hoạt", "done")
    answer(sessions, clock, datetime(2027, 1, 20, 3, tzinfo=timezone.utc),
           form.draft.criteria[-1].tasks[0].text[:30], "done")
    with sessions() as session:
        return stored_plan_form(session, pick_school(session, "hoabinh", clock),
                                date(2027, 2, 1))


def test_biểu_2_has_the_layout_the_sections_and_the_tables_filled(
        hoa_binh_in_february, renderer):
    data = plan_form_docx(hoa_binh_in_february, renderer)
    document = docx.Document(BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    text = document_text(data)
    assert ("TRƯỜNG THCS HÒA BÌNH Số: ……/KH-THCSHB CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
            "Độc lập - Tự do - Hạnh phúc ………………, ngày 01 tháng 02 năm 2027 "
            "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC NĂM HỌC 2026-2027") in text
    sections = [*SECTIONS_2026, "HIỆU TRƯỞNG"]
    assert [text.index(s) for s in sections] == sorted(text.index(s) for s in sections)
    assert "Trường THCS Hòa Bình; cấp học: THCS." in text
    assert "Căn cứ Thông tư số 57/2026/TT-BGDĐT ngày 07/7/2026" in text
    assert text.endswith("HIỆU TRƯỞNG (Ký, ghi rõ họ tên và đóng dấu) Trần Minh Quang")
    # what the plan does not hold is marked for the principal, never made up
    assert text.count("[Nhà trường bổ sung:") == 5
    focus, improvement, monitoring = tables(data)[1:4]
    assert focus[1:] == [["1", "Tiêu chuẩn 1", "1.4"] + ["[Bổ sung]"] * 3,
                         ["2", "Tiêu chuẩn 2", "2.2"] + ["[Bổ sung]"] * 3,
                         ["3", "Tiêu chuẩn 3", "3.2"] + ["[Bổ sung]"] * 3,
                         ["4", "Tiêu chuẩn 4", "4.1; 4.2; 4.3"] + ["[Bổ sung]"] * 3]
    assert improvement[0][9] == "Mức độ thực hiện" and len(improvement) == 7
    assert improvement[2][:7] == [
        "2", "Tiêu chí 2.2: Giáo viên", "Giáo viên vận dụng đánh giá vì sự tiến bộ của học sinh",
        "Tổ chức 4 buổi sinh hoạt chuyên môn theo nghiên cứu bài học về kiểm tra, đánh giá; "
        "mỗi tổ thực hiện 2 chuyên đề", "100% giáo viên tham gia; 8 chuyên đề được thực hiện",
        "Tháng 10/2026 - Tháng 3/2027", "Phó hiệu trưởng phụ trách chuyên môn; TTCM các tổ"]
    assert [row[9] for row in improvement[1:]].count("Hoàn thành") == 3
    # the end of học kỳ I has come: what the answers said by then; the year's end has not
    assert monitoring[1:] == [
        ["Cuối học kỳ I", "Tiến độ các nhiệm vụ 1–6", "2/6 nhiệm vụ hoàn thành", "Không",
         "Hội đồng tự đánh giá"],
        ["Cuối năm học", "Kết quả các nhiệm vụ 1–6", "", "", "Hội đồng tự đánh giá"]]


def test_the_2018_plan_is_the_nine_column_table_under_its_standards(
        sessions, clock, renderer, tmp_path, seed):
    data = plan_form_docx(stored(sessions, clock, seed(TABLE_2018), date(2023, 9, 20)),
                          renderer)
    text = document_text(data)
    assert "Căn cứ Thông tư số 18/2018/TT-BGDĐT ngày 22/8/2018" in text
    assert "VIII." not in text and "IV. TỔ CHỨC THỰC HIỆN" in text
    table = tables(data)[1]
    assert table[0] == ["TT", "Tiêu chuẩn, tiêu chí", "Kết quả cần đạt (so với hiện trạng)",
                        "Công việc/giải pháp cần thực hiện", "Chủ trì và phối hợp thực hiện",
                        "Sản phẩm/kết quả cần đạt được", "Thời gian thực hiện và hoàn thành",
                        "Điều kiện hỗ trợ khác", "Ghi chú"]
    assert table[1] == ["1. Tiêu chuẩn 1: Tổ chức và quản lý nhà trường"] * 9
    assert table[2][:5] == ["1", "Tiêu chí 1.2: Hội đồng trường (Hội đồng quản trị đối với "
                            "trường tư thục) và các hội đồng khác",
                            "Mức 1 Hội đồng trường và các hội đồng khác",
                            "Tập huấn cho các thành viên hội đồng tư vấn các kiến thức, kỹ "
                            "năng cần thiết. Việc rà soát, đánh giá hoạt động của HĐTV cần "
                            "được thường xuyên, định kỳ. Tạo điều kiện cho các thành viên "
                            "tham gia các lớp tập huấn do ngành tổ chức.", "Hiệu trưởng"]


# --- printed ---------------------------------------------------------------------------------

def long_plan(folder: Path, tasks: int = 300) -> Path:
    """A 57/2026 plan of `tasks` tasks, spread over the fifteen criteria, as a CSV."""
    criteria = list(frameworks()["TT57/2026"]["criteria"].items())
    lines = ["Trường THCS Kim Đồng,Kế hoạch cải tiến chất lượng giáo dục năm học 2026-2027",
             "Tiêu chí,Tên tiêu chí,Kết quả cần đạt,Công việc/giải pháp,Chủ trì,Sản phẩm,"
             "Thời gian thực hiện,Điều kiện hỗ trợ,Ghi chú"]
    for number in range(1, tasks + 1):
        code, title = criteria[(number - 1) * len(criteria) // tasks]
        lines.append(f'{code},"{title}",Đạt Mức 2,"Nhiệm vụ số {number}: rà soát, bổ sung hồ '
                     f'sơ và tổ chức thực hiện theo kế hoạch của tổ",'
                     f'"PHT, TTCM",Biên bản và sản phẩm,Tháng 11/2026,Không,')
    path = folder / "dai.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def to_pdf(folder: Path, data: bytes) -> tuple[Path, str, int]:
    source = folder / "ke-hoach.docx"
    source.write_bytes(data)
    profile = folder / "libreoffice-profile"  # its own: other runs may print at once
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True)
    pdf = folder / "ke-hoach.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return pdf, fields["Page size"].strip(), int(fields["Pages"])


def page_text(pdf: Path, page: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())  # a header cell's words wrap onto lines of their own


def test_a_300_task_plan_prints_on_a4_with_the_header_on_every_page_of_its_table(
        sessions, clock, renderer, tmp_path):
    path = long_plan(tmp_path)
    data = plan_form_docx(stored(sessions, clock, path, date(2026, 11, 2)), renderer)
    assert plan_of(read_back(data, tmp_path))[1:] == plan_of(read_plan(path))[1:]
    pdf, size, pages = to_pdf(tmp_path, data)
    assert size.startswith("841.") and "(A4)" in size  # A4 across
    texts = [page_text(pdf, page) for page in range(1, pages + 1)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts[0]
    table_pages = [t for t in texts if "Nhiệm vụ số" in t]
    assert "V. KẾ HOẠCH CẢI TIẾN" in table_pages[0]  # the title stays with its table
    assert len(table_pages) > 5
    for text in table_pages:  # the header's cells, whatever order pdftotext reads them in
        for header in ("Nội dung cải tiến", "Mục tiêu cải tiến", "Hoạt động/giải pháp",
                       "Đơn vị/cá nhân phụ trách", "Mức độ thực hiện"):
            assert header in text
    printed = [int(n) for t in table_pages for n in re.findall(r"Nhiệm vụ số (\d+)", t)]
    assert sorted(printed) == list(range(1, 301))  # each task once, none lost
    everything = " ".join(texts)
    for section in SECTIONS_2026:
        assert section in everything
    assert "HIỆU TRƯỞNG" in texts[-1]


def test_the_2018_form_prints_with_its_sections_and_table(sessions, clock, renderer, tmp_path,
                                                          seed):
    data = plan_form_docx(stored(sessions, clock, seed(TABLE_2018), date(2023, 9, 20)),
                          renderer)
    pdf, size, pages = to_pdf(tmp_path, data)
    assert size.startswith("841.") and "(A4)" in size
    text = " ".join(page_text(pdf, page) for page in range(1, pages + 1))
    for words in ("I. MỤC ĐÍCH, YÊU CẦU", "II. CĂN CỨ XÂY DỰNG KẾ HOẠCH",
                  "III. NỘI DUNG KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC",
                  "5. Tiêu chuẩn 5: Hoạt động giáo dục và kết quả giáo dục",
                  "IV. TỔ CHỨC THỰC HIỆN", "HIỆU TRƯỞNG"):
        assert words in text
    # the signature block stays whole, with the closing line above it
    last = page_text(pdf, pages)
    for words in ("Trên đây là kế hoạch", "HIỆU TRƯỞNG", "(Ký, ghi rõ họ tên và đóng dấu)"):
        assert words in last


# --- hostile text ----------------------------------------------------------------------------

def test_text_that_looks_like_markup_or_template_tags_is_written_as_it_was_typed(
        renderer, tmp_path):
    typed = ["{{ 7*7 }} và {%tr endfor %}", "</w:t><w:p>&amp; <b>in đậm</b>",
             "chuông\x07 và\x0b tab", "- dòng một\n- dòng hai", "Dài " + "rất " * 1500]
    draft = PlanDraft(framework="TT18/2018", criteria=[
        CriterionDraft(id="1.1", title=None, target="{{ target }}",
                       tasks=[TaskDraft(text=text, owners_text=text) for text in typed])])
    form = PlanForm(draft, "x", None, date(2026, 10, 1), [None] * len(typed), [])
    data = plan_form_docx(form, renderer)
    rows = tables(data)[1]  # opens: Word would refuse a control character
    assert [row[3] for row in rows[2:]] == [
        "{{ 7*7 }} và {%tr endfor %}", "</w:t><w:p>&amp; <b>in đậm</b>", "chuông và tab",
        "- dòng một\n- dòng hai", ("Dài " + "rất " * 1500).strip()]
    assert rows[2][1] == "Tiêu chí 1.1" and rows[2][2] == "{{ target }}"
    # a plan without a school year: the title says none rather than a bare «NĂM HỌC»
    assert "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC I. MỤC ĐÍCH, YÊU CẦU" in document_text(data)


@pytest.mark.parametrize("framework", ["TT57/2026", "TT18/2018"])
def test_a_criterion_with_a_target_and_no_task_yet_keeps_its_row(framework, renderer,
                                                                  tmp_path):
    year = "2026-2027" if framework == "TT57/2026" else "2023-2024"
    draft = read_plan(DEMO / "plan.csv", year)
    draft.framework = framework
    draft.criteria = [c for c in draft.criteria if c.id in frameworks()[framework]["criteria"]]
    draft.criteria[0].tasks = []
    form = PlanForm(draft, "demo", None, date(2026, 10, 1), [None] * draft.task_count, [])
    again = read_back(plan_form_docx(form, renderer), tmp_path)
    assert (again.criteria[0].id, again.criteria[0].target, again.criteria[0].tasks) == (
        "1.1", "Duy trì Mức 2", [])
    assert [(c.id, [t.text for t in c.tasks]) for c in again.criteria[1:]] == [
        (c.id, [t.text for t in c.tasks]) for c in draft.criteria[1:]]
