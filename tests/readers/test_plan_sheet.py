import csv

import pytest
from openpyxl import Workbook

from core.errors import InputError
from readers.plan_sheet import parse_plan_sheet


def write_xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_columns_are_found_by_their_words_in_any_order_and_with_a_title_above(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [
        ["TRƯỜNG THCS KIM ĐỒNG"],
        ["KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2023 – 2024"],
        [],
        ["Thời gian thực hiện và hoàn thành", "Chủ trì và phối hợp thực hiện",
         "Công việc/giải pháp cần thực hiện", "Tiêu chuẩn, tiêu chí",
         "Sản phẩm/kết quả cần đạt được", "Kết quả cần đạt (so với hiện trạng)"],
        ["Hàng tháng", "HT, PHT", "Họp hội đồng trường", "1.2", "Biên bản", "Mức 2"],
        ["Tháng 7 năm 2023", "TTCM", "Rà soát quy chế", "", "Quy chế", ""],
        [None, None, None, None, None, None],
        ["Năm học 2023-2024", "NV Thiết bị", "Kiểm kê", "3.5", "", ""],
    ])
    draft = parse_plan_sheet(path)
    assert draft.school == "TRƯỜNG THCS KIM ĐỒNG"
    assert draft.school_year == "2023-2024"
    assert [(c.id, len(c.tasks), c.target) for c in draft.criteria] == [
        ("1.2", 2, "Mức 2"), ("3.5", 1, None)]
    second = draft.criteria[0].tasks[1]
    assert (second.text, second.owners, second.timeline, second.output) == (
        "Rà soát quy chế", ["TTCM"], "Tháng 7 năm 2023", "Quy chế")


def test_english_headers_are_accepted(tmp_path):
    path = write_csv(tmp_path / "p.csv", [
        ["criterion", "title", "task", "owners", "output", "timeline", "support", "note"],
        ["2.2", "Teachers", "Peer observation", "TTCM; GVBM", "Minutes", "Monthly", "", ""],
    ])
    task = parse_plan_sheet(path).criteria[0].tasks[0]
    assert (task.text, task.owners, task.timeline) == ("Peer observation", ["TTCM", "GVBM"],
                                                       "Monthly")


def test_unicode_is_normalised(tmp_path):
    decomposed = "Tie\u0302\u0301u chi\u0301"  # "Tiêu chí" with combining marks
    path = write_csv(tmp_path / "p.csv", [
        [decomposed, "Công việc"],
        ["1.1", "\u00d0ổi mới quản lý"],  # 'Ð' U+00D0 written for 'Đ'
    ])
    assert parse_plan_sheet(path).criteria[0].tasks[0].text == "Đổi mới quản lý"


def test_missing_columns_are_named_and_nothing_is_read(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Tiêu chí", "Sản phẩm"], ["1.1", "x"]])
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(path)
    assert caught.value.key == "plan_missing_columns"
    assert caught.value.params["missing"] == ["task"]


def test_unknown_criterion_ids_are_listed_by_row(tmp_path):
    path = write_csv(tmp_path / "p.csv", [
        ["Tiêu chí", "Công việc"], ["1.1", "a"], ["9.9", "b"], ["abc", "c"], ["1.2", "d"]])
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(path)
    assert caught.value.key == "plan_unknown_criteria"
    assert caught.value.params["rows"] == [(3, "9.9"), (4, "abc")]


def test_a_task_before_any_criterion_is_reported(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Tiêu chí", "Công việc"], ["", "orphan"]])
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(path)
    assert caught.value.params["rows"] == [(2, "")]


def test_a_sheet_with_headers_only_has_no_tasks(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Tiêu chí", "Công việc"], ["", ""], ["", ""]])
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(path)
    assert caught.value.key == "plan_no_tasks"


@pytest.mark.parametrize("name, content, key", [
    ("p.xlsx", b"this is not a zip", "sheet_broken"),
    ("p.docx", b"PK", "sheet_wrong_type"),
    ("p.csv", b"", "plan_empty"),
])
def test_files_that_are_not_plan_sheets_are_refused(tmp_path, name, content, key):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(path)
    assert caught.value.key == key


def test_criterion_ids_with_stray_spaces_or_commas_are_read(tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Tiêu chí", "Công việc"], ["1. 10", "a"],
                                          ["5,6", "b"]])
    assert [c.id for c in parse_plan_sheet(path).criteria] == ["1.10", "5.6"]
