"""An Excel 97 workbook (.xls) reads as its .xlsx does: every visible sheet in tab order (the
cover first), merged cells in every cell they cover, text in TCVN3 or VNI fonts decoded by
the cell's font. The .xls files are saved from .xlsx by LibreOffice at test time, as a
school's Excel 97 would keep them."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from readers.plan_files import read_plan
from readers.sheets import read_sheets
from tests.readers.legacy_docs import tcvn3_letters, vni_letters
from tests.readers.school_workbook import SCHOOL, YEAR, plan_tasks, school_workbook
from tests.readers.test_converted_files import soffice

INDEPENDENT = Path(__file__).parent / "independent"


def as_xls(tmp: Path, xlsx: Path) -> Path:
    (xls,) = soffice(tmp, "xls", xlsx)
    return xls


def plan(draft) -> tuple:
    """What a plan says, everything the preview shows."""
    return (draft.school, draft.school_year, draft.framework, draft.level,
            [(c.id, t.text, t.owners, t.timeline, t.output)
             for c in draft.criteria for t in c.tasks],
            [(p.when, p.content, p.reviewer, p.schedule) for p in draft.checkpoints],
            [w.key for w in draft.warnings])


def test_a_workbook_with_a_cover_tasks_and_monitoring_saved_as_xls_reads_as_its_xlsx(
        tmp_path):
    xlsx = school_workbook(tmp_path / "ke-hoach.xlsx", plan_tasks(per_criterion=3), chart=True)
    xls = as_xls(tmp_path, xlsx)
    assert [s.name for s in read_sheets(xls)] == ["Bìa", "Kế hoạch", "Theo dõi"]
    assert [s.rows for s in read_sheets(xls)] == [s.rows for s in read_sheets(xlsx)]
    draft = read_plan(xls)
    assert plan(draft) == plan(read_plan(xlsx))
    assert (draft.school, draft.school_year) == (SCHOOL, YEAR)


def test_the_independent_multi_sheet_plan_saved_as_xls_reads_as_its_xlsx(tmp_path):
    xlsx = INDEPENDENT / "thpt-nhieu-trang-tinh.xlsx"
    draft = read_plan(as_xls(tmp_path, xlsx))
    assert plan(draft) == plan(read_plan(xlsx))
    assert (draft.school, len(draft.checkpoints)) == ("TRƯỜNG THPT THÁP MƯỜI", 2)


def coded(text: str, letters: dict[str, str]) -> str:
    return "".join(letters.get(letter, letter) for letter in text)


def legacy_workbook(path: Path) -> Path:
    """A task sheet typed in .VnTime and VNI-Times, a criterion merged over its two tasks,
    after a hidden sheet of last year's tasks."""
    book = Workbook()
    old = book.active
    old.title = "Năm trước"
    old.append(["Tiêu chí", "Công việc", "Người phụ trách"])
    old.append(["4.2", "Việc của năm trước", "HT"])
    old.sheet_state = "hidden"
    sheet = book.create_sheet("Kế hoạch")
    sheet.append(["Tiêu chí", "Công việc", "Người phụ trách"])
    sheet.append(["1.2", coded("Kiện toàn tổ chuyên môn", tcvn3_letters()),
                  coded("Hiệu trưởng", vni_letters())])
    sheet.append([None, coded("Bồi dưỡng giáo viên", tcvn3_letters()), "HT"])
    sheet.merge_cells("A2:A3")
    for row in (2, 3):
        sheet.cell(row, 2).font = Font(name=".VnTime")
    sheet.cell(2, 3).font = Font(name="VNI-Times")
    book.save(path)
    return path


def test_xls_cells_in_legacy_fonts_are_decoded_and_merged_cells_fill_in(tmp_path):
    xls = as_xls(tmp_path, legacy_workbook(tmp_path / "cu.xlsx"))
    notes: set[str] = set()
    (sheet,) = read_sheets(xls, notes=notes)
    assert (sheet.name, sheet.rows) == ("Kế hoạch", [
        ["Tiêu chí", "Công việc", "Người phụ trách"],
        ["1.2", "Kiện toàn tổ chuyên môn", "Hiệu trưởng"],
        ["1.2", "Bồi dưỡng giáo viên", "HT"]])
    assert notes == {"legacy_font_tcvn3", "legacy_font_vni"}
    draft = read_plan(xls, "2026-2027")
    assert [(c.id, t.text) for c in draft.criteria for t in c.tasks] == [
        ("1.2", "Kiện toàn tổ chuyên môn"), ("1.2", "Bồi dưỡng giáo viên")]
    assert {"legacy_font_tcvn3", "legacy_font_vni"} <= {w.key for w in draft.warnings}


def test_a_hidden_cover_is_not_read_but_the_tasks_are(tmp_path):
    """A hidden sheet is not what the school shows: its cover gives no school; the tasks
    still read, and the preview asks for the school as for any plan that names none."""
    xlsx = school_workbook(tmp_path / "an-bia.xlsx", plan_tasks(per_criterion=1))
    book = load_workbook(xlsx)
    book["Bìa"].sheet_state = "hidden"
    book.active = 1
    book.save(xlsx)
    for path in (xlsx, as_xls(tmp_path, xlsx)):
        assert [s.name for s in read_sheets(path)] == ["Kế hoạch", "Theo dõi"]
        draft = read_plan(path)
        assert draft.school != SCHOOL and len(draft.criteria) == 5
