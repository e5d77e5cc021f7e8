"""The evidence list (Danh mục minh chứng) and the evidence box, from a school year of
answers with photos and PDFs: every item once, codes in the framework's form and without
gaps, the box's folders and names as the list has them."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from reports.evidence_box import safe_name, write_box
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import evidence_list
from storage.models import Evidence, EvidenceCriterion, School, Staff, Task
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.updates import record_update
from tests.conftest import DEMO, require_seed
from tests.reports.test_reports import TT57_PLAN

HEADERS = ["TT", "Mã minh chứng", "Tên minh chứng", "Số/ngày ban hành hoặc thời điểm",
           "Nơi ban hành hoặc người thực hiện", "Ghi chú"]
PDF = b"%PDF-1.4\n% a scanned minute\n"
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 10


def listed(sessions, school_id, renderer):
    with sessions() as session:
        return evidence_list(session, session.get(School, school_id), date(2024, 6, 1),
                             renderer)


def gapless(codes: list[str], pattern: str) -> None:
    """Each criterion's codes match the framework's form and run 01, 02, … without gaps."""
    numbers: dict[str, list[int]] = {}
    for code in codes:
        found = re.fullmatch(pattern, code)
        assert found, code
        numbers.setdefault(found["criterion"], []).append(int(found["n"]))
    for run in numbers.values():
        assert sorted(run) == list(range(1, len(run) + 1))


def test_a_year_of_answers_lists_every_item_once_in_the_2018_form(
        year_of_updates, sessions, renderer):
    data = listed(sessions, year_of_updates.id, renderer)
    rows = data.rows()
    with sessions() as session:
        ids = sorted(session.scalars(select(Evidence.id)))
    assert sorted(item.evidence_id for _, _, item in rows) == ids
    assert [tt for tt, _, _ in rows] == list(range(1, len(ids) + 1))
    gapless([item.code for _, _, item in rows],
            r"\[H(?P<s>\d)-(?P<criterion>(?P=s)\.\d)-(?P<n>\d\d)\]")
    first = rows[0][2]
    assert (first.code, first.issued, first.issuer) == ("[H1-1.2-01]", "05/10/2023",
                                                          "Nguyễn Văn Tốt")
    assert first.name.startswith("bien-ban — Tập huấn")


def test_the_word_and_excel_files_open_with_the_ministry_columns_and_group_rows(
        year_of_updates, sessions, renderer):
    data = listed(sessions, year_of_updates.id, renderer)
    sheet = openpyxl.load_workbook(BytesIO(evidence_list_xlsx(data, renderer))).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    start = values.index(HEADERS)
    assert values[start + 1][0].startswith("Tiêu chuẩn 1")
    assert values[start + 2][0].startswith("Tiêu chí 1.2")
    assert values[start + 3][:2] == [1, "[H1-1.2-01]"]
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    document = docx.Document(BytesIO(evidence_list_docx(data, renderer)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    assert [c.text for c in table.rows[0].cells] == HEADERS
    texts = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert texts[0][0].startswith("Tiêu chuẩn 1") and texts[1][0].startswith("Tiêu chí 1.2")
    assert [r[1] for r in texts if r[0].isdigit()] == [i.code for _, _, i in data.rows()]


def test_a_57_2026_plan_lists_mc_codes_without_gaps(sessions, renderer, clock, evidence):
    require_seed(TT57_PLAN)
    with sessions.begin() as session:
        school = pick_school(session, "hoabinh", clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(TT57_PLAN), clock)
        author = session.scalar(select(Staff.id))
        for task in session.scalars(select(Task).where(Task.school_id == school.id)).all()[:4]:
            stored = [evidence.save("hoabinh", task.criterion.code, kind, data, name, mime,
                                    clock.now()).to_dict()
                      for kind, data, name, mime in (
                          ("photo", JPEG, None, "image/jpeg"),
                          ("document", PDF, "Biên bản họp.pdf", "application/pdf"))]
            record_update(session, task, author, "done", "Đã làm.", None, stored, clock)
        school_id = school.id
    rows = listed(sessions, school_id, renderer).rows()
    assert len(rows) == 8
    gapless([i.code for _, _, i in rows], r"MC\.(?P<criterion>\d\.\d)\.(?P<n>\d\d)")


def test_an_item_attached_to_a_second_criterion_is_listed_under_both_with_its_first_code(
        year_of_updates, sessions, renderer, clock):
    with sessions.begin() as session:
        item = session.scalar(select(Evidence).order_by(Evidence.id))  # [H3-3.3-01]
        session.add(EvidenceCriterion(evidence_id=item.id, criterion_code="1.2",
                                      school_id=item.school_id, added_at=clock.now()))
    data = listed(sessions, year_of_updates.id, renderer)
    where = [(criterion.code, item.code) for _, criterion, item in data.rows()
             if item.code == "[H3-3.3-01]"]
    assert where == [("1.2", "[H3-3.3-01]"), ("3.3", "[H3-3.3-01]")]
    assert [i.code for _, c, i in data.rows() if c.code == "1.2"] == ["[H1-1.2-01]",
                                                                       "[H3-3.3-01]"]


def test_a_withdrawn_item_keeps_its_code_and_says_so(year_of_updates, sessions, renderer):
    with sessions.begin() as session:
        item = session.scalar(select(Evidence).where(Evidence.criterion_code == "3.4")
                              .order_by(Evidence.id))
        item.withdrawn_at = datetime(2024, 5, 2, 3, tzinfo=UTC)
    rows = [(i.code, i.note) for _, c, i in listed(sessions, year_of_updates.id,
                                                    renderer).rows() if c.code == "3.4"]
    assert rows == [("[H3-3.4-01]", "Đã rút ngày 02/05/2024"), ("[H3-3.4-02]", "")]


def test_the_box_holds_the_list_s_folders_and_names_and_says_what_is_missing(
        year_of_updates, sessions, renderer, evidence, tmp_path):
    with sessions.begin() as session:
        named = session.scalar(select(Evidence).where(Evidence.criterion_code == "3.4")
                               .order_by(Evidence.id))
        named.title = "Ảnh thùng rác 3 loại / sân trường: ../../etc"
        missing = session.scalar(select(Evidence).where(Evidence.criterion_code == "3.3"))
        evidence.path_of(missing.path).unlink()
    data = listed(sessions, year_of_updates.id, renderer)
    box = write_box(data, evidence, renderer, tmp_path / "box.zip")
    archive = zipfile.ZipFile(tmp_path / "box.zip")
    assert archive.testzip() is None
    infos = {i.filename: i for i in archive.infolist()}
    expected = [f"Tiêu chuẩn {c.code.split('.')[0]}/Tiêu chí {c.code}/"
                f"{safe_name(f'{i.code} {i.name}', i.suffix)}"
                for _, c, i in data.rows() if i.evidence_id != missing.id]
    assert [n for n in infos if "/" in n] == expected
    assert "Tiêu chuẩn 3/Tiêu chí 3.4/[H3-3.4-01] Ảnh thùng rác 3 loại sân trường .. .. etc.jpg" \
        in infos
    assert all(".." not in n.split("/") and not n.startswith("/") for n in infos)
    assert all(i.flag_bits & 0x800 for n, i in infos.items() if not n.isascii())
    assert archive.read(expected[0]) == evidence.path_of(data.rows()[0][2].path).read_bytes()
    readme = archive.read("ĐỌC TRƯỚC.txt").decode()
    assert "Trường THCS Phú Hữu — năm học 2023-2024" in readme
    assert "[H3-3.3-01]" in readme and len(box.missing) == 1
    workbook = openpyxl.load_workbook(BytesIO(archive.read(
        "danh-muc-minh-chung-phuhuu-2023-2024.xlsx")))
    assert "[H3-3.3-01]" in [c for row in workbook.active.iter_rows(values_only=True)
                             for c in row]


def test_items_of_one_name_are_told_apart_and_get_a_file_each(year_of_updates, sessions,
                                                               renderer, evidence, tmp_path):
    with sessions.begin() as session:
        for item in session.scalars(select(Evidence)):
            item.title = "Ảnh: lớp 8A"
    data = listed(sessions, year_of_updates.id, renderer)
    assert [item.name for _, _, item in data.rows()] == [
        f"Ảnh: lớp 8A ({n}/4)" for n in range(1, 5)]
    write_box(data, evidence, renderer, tmp_path / "box.zip")
    names = [n for n in zipfile.ZipFile(tmp_path / "box.zip").namelist() if "/" in n]
    assert len(set(names)) == len(names) == len(data.rows())


def test_a_300_item_box_streams_within_a_memory_bound(phuhuu, sessions, renderer, evidence,
                                                      clock, tmp_path):
    size = 256 * 1024
    with sessions.begin() as session:
        tasks = session.scalars(select(Task).where(Task.school_id == phuhuu.id)).all()
        author = session.scalar(select(Staff.id))
        for n in range(300):
            task = tasks[n % len(tasks)]
            stored = evidence.save("phuhuu", task.criterion.code, "photo", JPEG, None,
                                   "image/jpeg", clock.now())
            path = evidence.path_of(stored.path)
            with path.open("ab") as grow:  # a real photo's size, written without holding it
                grow.truncate(size)
            record_update(session, task, author, "done", "Đã làm.", None,
                          [stored.to_dict()], clock)
    data = listed(sessions, phuhuu.id, renderer)
    assert len(data.rows()) == 300
    total = 300 * size
    tracemalloc.start()
    try:
        write_box(data, evidence, renderer, tmp_path / "box.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"300 items, {total / 2**20:.0f} MiB of files: peak {peak / 2**20:.1f} MiB traced")
    assert peak < total / 8
    assert len(zipfile.ZipFile(tmp_path / "box.zip").namelist()) == 302
