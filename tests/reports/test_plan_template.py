"""The empty plan template, as `caitien plan template` writes it and the chat sends it: a
real workbook (or CSV) whose header words come from templates/reports/plan_columns.j2 and
which the reader takes back as its example row."""

from openpyxl import load_workbook

from readers.plan_sheet import parse_plan_sheet
from reports.plan_template import write_plan_template
from templates.render import Renderer


def test_the_template_opens_and_reads_back_as_its_example_row(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_plan_template(path, Renderer())
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == [
        "Tiêu chí", "Tên tiêu chí", "Kết quả cần đạt", "Công việc/giải pháp", "Chủ trì, phối hợp",
        "Sản phẩm", "Thời gian thực hiện", "Điều kiện hỗ trợ", "Ghi chú"]
    assert sheet.title == "Kế hoạch" and sheet.freeze_panes == "A2"
    draft = parse_plan_sheet(path)
    assert [c.id for c in draft.criteria] == ["1.2"]
    task = draft.criteria[0].tasks[0]
    assert task.owners == ["HT", "PHT", "TTCM"]
    assert task.timeline == "Tháng 9/2026"


def test_csv_template_reads_back_too(tmp_path):
    path = tmp_path / "plan.csv"
    write_plan_template(path, Renderer())
    assert parse_plan_sheet(path).task_count == 1
