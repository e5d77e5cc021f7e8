"""The plan round-trips through Excel: exported, read back, exported again, it is the same
plan and the same workbook; edited in a spreadsheet program, it reads back as edited."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from readers.frameworks import frameworks
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.plan_files import read_plan
from reports.plan_template import plan_headers
from reports.plan_workbook import plan_workbook, stored_plan
from storage.plans import plan_changes, save_plan
from storage.schools import pick_school
from templates.render import Renderer
from tests.conftest import DEMO
from tests.phuhuu import SEEDS

# Without the seeds, one name still: its test then says they are missing, instead of none
# being collected.
SEED_DOCUMENTS = sorted(p.name for p in SEEDS.glob("*") if p.suffix in (".docx", ".txt")) or [
    "plan-thcs-table-2023-2024.docx"]
HEADERS = plan_headers(Renderer())


def plan_of(draft: PlanDraft) -> tuple:
    """Everything the spreadsheet carries, in order."""
    return (draft.school, draft.framework, draft.level, draft.school_year, [
        (c.id, c.title, c.target, [(t.text, t.owners, t.owners_text, t.output, t.timeline,
                                    t.support, t.note) for t in c.tasks])
        for c in draft.criteria])


def cells(data: bytes) -> list[list]:
    return [[cell.value for cell in row] for row in load_workbook(BytesIO(data)).active.rows]


def read_back(data: bytes, folder: Path, name: str = "ke-hoach.xlsx") -> PlanDraft:
    path = folder / name
    path.write_bytes(data)
    return read_plan(path)


def assert_round_trip(draft: PlanDraft, folder: Path) -> PlanDraft:
    exported = plan_workbook(draft, Renderer())
    again = read_back(exported, folder)
    assert plan_of(again) == plan_of(draft)
    assert cells(plan_workbook(again, Renderer())) == cells(exported)
    return again


@pytest.mark.parametrize("name", SEED_DOCUMENTS)
def test_each_seed_as_understood_goes_to_excel_and_back_unchanged(name, tmp_path, seed):
    draft = read_plan(seed(name))
    assert draft.task_count
    assert_round_trip(draft, tmp_path)


def import_plan(sessions, clock, path: Path):
    with sessions.begin() as session:
        school = pick_school(session, "hoabinh", clock, create=True)
        save_plan(session, school, read_plan(path), clock)
        return school.id


@pytest.mark.parametrize("name", ["demo", *SEED_DOCUMENTS[:1]])
def test_a_stored_plan_goes_to_excel_and_back_and_importing_it_changes_nothing(
        name, sessions, clock, tmp_path, seed):
    path = DEMO / "plan.csv" if name == "demo" else seed(name)
    import_plan(sessions, clock, path)
    with sessions() as session:
        stored = stored_plan(session, pick_school(session, "hoabinh", clock))
    assert plan_of(stored) == plan_of(read_plan(path))
    again = assert_round_trip(stored, tmp_path)
    with sessions() as session:
        changes = plan_changes(session, pick_school(session, "hoabinh", clock).id, again)
    assert (changes.kept, changes.added, changes.adjusted, changes.closed) == (
        stored.task_count, 0, 0, 0)


def test_no_plan_stored_is_none(sessions, clock):
    with sessions.begin() as session:
        assert stored_plan(session, pick_school(session, "moi", clock, create=True)) is None


def test_a_criterion_with_a_target_and_no_task_keeps_its_row(sessions, clock, tmp_path):
    meeting = TaskDraft("Họp hội đồng trường", ["HT"], "HT", timeline="Hàng tháng")
    draft = PlanDraft(school="Trường Tiểu học Kim Đồng", framework="TT17/2018",
                      level="tieu_hoc", school_year="2026-2027", criteria=[
                          CriterionDraft("1.1", "Phương hướng, chiến lược", "Duy trì Mức 2"),
                          CriterionDraft("1.2", "Hội đồng trường", "Đạt Mức 3", [meeting])])
    rows = cells(plan_workbook(draft, Renderer()))
    assert rows[rows.index(HEADERS) + 1][:4] == ["1.1", "Phương hướng, chiến lược",
                                                 "Duy trì Mức 2", None]
    assert_round_trip(draft, tmp_path)
    with sessions.begin() as session:
        save_plan(session, pick_school(session, "kimdong", clock, create=True), draft, clock)
    with sessions() as session:
        stored = stored_plan(session, pick_school(session, "kimdong", clock))
    assert plan_of(stored) == plan_of(draft)


def test_a_plan_that_says_nothing_about_itself_comes_back_saying_nothing(tmp_path):
    draft = PlanDraft(criteria=[CriterionDraft("2.1", None, None, [TaskDraft("Bồi dưỡng")])])
    assert_round_trip(draft, tmp_path)


@pytest.mark.parametrize("framework,level", [
    (name, level) for name, framework in frameworks().items() for level in framework["levels"]])
def test_every_framework_and_level_reads_back_exactly(framework, level, tmp_path):
    draft = PlanDraft(school="TRƯỜNG THCS & THPT LÊ LỢI", framework=framework, level=level,
                      school_year="2026-2027",
                      criteria=[CriterionDraft("1.1", "Tên", None, [TaskDraft("Việc")])])
    assert_round_trip(draft, tmp_path)


def test_an_edited_spreadsheet_imports_as_exactly_the_edited_plan(sessions, clock, tmp_path):
    import_plan(sessions, clock, DEMO / "plan.csv")
    with sessions() as session:
        stored = stored_plan(session, pick_school(session, "hoabinh", clock))
    book = load_workbook(BytesIO(plan_workbook(stored, Renderer())))
    sheet = book.active
    header = next(row[0].row for row in sheet.rows if [c.value for c in row] == HEADERS)
    first, second = header + 1, header + 2
    sheet.cell(first, 4).value += " và công khai trên trang thông tin điện tử"
    sheet.delete_rows(second)
    sheet.append(["5.3", "Thành tích học sinh", "Đạt Mức 2", "Bồi dưỡng học sinh giỏi cấp huyện",
                  "PHT, TTCM", "Danh sách đội tuyển", "Tháng 11/2026", "2.000.000 đồng", ""])
    book.save(tmp_path / "da-sua.xlsx")
    edited = read_plan(tmp_path / "da-sua.xlsx")

    expected = stored  # the same edits, made to the plan
    expected.criteria[0].tasks[0].text += " và công khai trên trang thông tin điện tử"
    del expected.criteria[1]  # its one task was on the deleted row
    expected.criteria.append(CriterionDraft("5.3", "Thành tích học sinh", "Đạt Mức 2", [
        TaskDraft("Bồi dưỡng học sinh giỏi cấp huyện", ["PHT", "TTCM"], "PHT, TTCM",
                  "Danh sách đội tuyển", "Tháng 11/2026", "2.000.000 đồng")]))
    assert plan_of(edited) == plan_of(expected)
    with sessions() as session:
        changes = plan_changes(session, pick_school(session, "hoabinh", clock).id, edited)
    assert (changes.adjusted, changes.closed, changes.added) == (1, 1, 1)


def test_what_people_wrote_stays_text_and_each_cell_one_line(tmp_path):
    draft = PlanDraft(criteria=[CriterionDraft("1.10", "Tên", None, [
        TaskDraft("=HYPERLINK(\"http://x\")", [], "HT\nPHT", timeline="2026",
                  note="dòng một\n- dòng hai")])])
    data = plan_workbook(draft, Renderer())
    row = next(r for r in load_workbook(BytesIO(data)).active.rows if r[0].value == "1.10")
    assert [c.data_type for c in row if c.value is not None] == ["s"] * 6
    assert (row[3].value, row[4].value, row[8].value) == (
        "=HYPERLINK(\"http://x\")", "HT PHT", "dòng một - dòng hai")
    again = read_back(data, tmp_path)
    task = again.criteria[0].tasks[0]
    assert again.criteria[0].id == "1.10"
    assert (task.text, task.owners_text, task.timeline) == (
        "=HYPERLINK(\"http://x\")", "HT PHT", "2026")


def test_the_sheet_is_easy_to_read():
    data = plan_workbook(read_plan(DEMO / "plan.csv"), Renderer())
    sheet = load_workbook(BytesIO(data)).active
    rows = cells(data)
    header = rows.index(HEADERS) + 1
    assert rows[0][0] == "Trường THCS Hoà Bình (trường giả định)"
    assert rows[1][0] == "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC NĂM HỌC 2026-2027"
    assert any("Mỗi dòng là một nhiệm vụ" in (row[0] or "") for row in rows[:header])
    assert sheet.title == "Kế hoạch" and sheet.freeze_panes == f"A{header + 1}"
    assert all(cell.font.bold for cell in sheet[header])
    assert sheet.cell(header + 1, 4).alignment.wrap_text
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width
