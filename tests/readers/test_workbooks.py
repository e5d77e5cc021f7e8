"""Workbooks as schools make them: a cover sheet, the task sheet, a monitoring sheet, merged
cells and wrapped two-row headers; hidden, empty and chart sheets; and workbooks built to
cost too much."""

import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from core.errors import InputError
from readers.owner_phrases import split_owner_phrases
from readers.plan_files import read_plan
from readers.plan_sheet import parse_plan_sheet
from readers.sheets import read_rows, read_sheets
from templates.render import Renderer
from tests.readers.school_workbook import (CHECKPOINTS, SCHOOL, YEAR, plan_tasks,
                                           school_workbook)
from tests.readers.test_hostile_files import member, rezip


def test_a_workbook_with_a_cover_tasks_and_monitoring_reads_as_its_school_wrote_it(tmp_path):
    known = plan_tasks(per_criterion=3)
    draft = read_plan(school_workbook(tmp_path / "ke-hoach.xlsx", known))
    assert (draft.school, draft.school_year, draft.framework, draft.level) == (
        SCHOOL, YEAR, "TT18/2018", "thcs")
    assert {c.id: [t.text for t in c.tasks] for c in draft.criteria} == known.per_criterion()
    read = [t for c in draft.criteria for t in c.tasks]
    assert [t.owners for t in read] == [split_owner_phrases(t.owners) for t in known.tasks]
    assert [t.owners for t in read][:3] == [
        ["HT", "PHT"], ["Tổ trưởng tổ Sử - Địa - GDKT&PL"], ["Giáo viên các nhóm, lớp"]]
    assert [t.timeline for t in read] == [
        f"{t.start} – {t.end}" if t.end else t.start for t in known.tasks]
    assert all(t.schedule and t.schedule.kind != "unknown" for t in read)
    assert [t.output for t in read] == ["Biên bản; báo cáo"] * len(known.tasks)
    assert [(p.when, p.content, p.reviewer) for p in draft.checkpoints] == CHECKPOINTS
    assert [str(p.schedule.due) for p in draft.checkpoints] == ["2025-12-31", "2026-05-31"]
    assert not draft.warnings


def test_a_workbook_of_standard_rows_across_the_table_and_typed_dates_reads_too(tmp_path):
    book = Workbook()
    cover = book.active
    cover.title = "Trang bìa"
    for cell, text in [("B3", "UBND HUYỆN BA VÌ"), ("B4", "TRƯỜNG TIỂU HỌC TẢN LĨNH"),
                       ("B8", "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC"),
                       ("B9", "NĂM HỌC: 2026 – 2027"),
                       ("B11", "Thực hiện Thông tư 17/2018/TT-BGDĐT")]:
        cover[cell] = text
    plan = book.create_sheet("KH cải tiến")
    plan.append(["Tiêu chuẩn,\ntiêu chí", "Nội dung cải tiến", "Biện pháp thực hiện",
                 "Người thực hiện", "Thời gian", None])
    plan.append([None, None, None, None, "Từ ngày", "Đến ngày"])
    for col in "ABCD":
        plan.merge_cells(f"{col}1:{col}2")
    plan.merge_cells("E1:F1")
    plan.append(["Tiêu chuẩn 1: Tổ chức và quản lý nhà trường"])
    plan.append(["Tiêu chí 1.3", "Hội đồng trường", "Kiện toàn hội đồng trường", "HT",
                 date(2026, 9, 1), date(2026, 9, 30)])
    plan.append([None, None, "Họp định kỳ", "Thư ký HĐ, Tổ KHTN, Công nghệ",
                 date(2026, 10, 1), date(2027, 5, 31)])
    plan.append(["Tiêu chuẩn 2: Cán bộ quản lý, giáo viên"])
    plan.append(["2.2", "Giáo viên", "Bồi dưỡng chuyên môn", "Tổ trưởng tổ Toán - Tin",
                 date(2026, 11, 1), date(2026, 12, 15)])
    for merged in ("A3:F3", "A4:A5", "B4:B5", "A6:F6"):
        plan.merge_cells(merged)
    watch = book.create_sheet("Giám sát")
    watch.append(["Thời điểm", "Nội dung kiểm tra", "Người kiểm tra"])
    watch.append(["Cuối học kỳ I", "Tiến độ", "Ban giám hiệu"])  # short words: still data
    book.save(tmp_path / "kh.xlsx")
    draft = read_plan(tmp_path / "kh.xlsx")
    assert (draft.school, draft.school_year, draft.framework, draft.level) == (
        "TRƯỜNG TIỂU HỌC TẢN LĨNH", "2026-2027", "TT17/2018", "tieu_hoc")
    assert [(c.id, [(t.text, t.owners, t.timeline) for t in c.tasks])
            for c in draft.criteria] == [
        ("1.3", [("Kiện toàn hội đồng trường", ["HT"], "01/09/2026 – 30/09/2026"),
                 ("Họp định kỳ", ["Thư ký HĐ", "Tổ KHTN, Công nghệ"],
                  "01/10/2026 – 31/05/2027")]),
        ("2.2", [("Bồi dưỡng chuyên môn", ["Tổ trưởng tổ Toán - Tin"],
                  "01/11/2026 – 15/12/2026")])]
    assert [(p.when, p.content, p.reviewer, str(p.schedule.due))
            for p in draft.checkpoints] == [
        ("Cuối học kỳ I", "Tiến độ", "Ban giám hiệu", "2027-01-15")]


def test_a_sheet_per_standard_named_only_on_its_tab_numbers_its_criteria(tmp_path):
    book = Workbook()
    for standard, tasks in [(1, ["Rà soát tầm nhìn", "Kiện toàn hội đồng trường"]),
                            (2, ["Bồi dưỡng cán bộ quản lý", "Bồi dưỡng giáo viên"])]:
        sheet = book.create_sheet(f"TC{standard}")
        sheet.append(["TRƯỜNG THCS LÊ LỢI"])
        sheet.append(["Tiêu chí", "Công việc", "Người thực hiện", "Thời gian"])
        for number, task in enumerate(tasks, start=1):
            sheet.append([f"Tiêu chí {number}", task, "HT", "Tháng 10/2026"])
    book.remove(book.active)
    book.save(tmp_path / "kh.xlsx")
    draft = read_plan(tmp_path / "kh.xlsx")
    assert [(c.id, [t.text for t in c.tasks]) for c in draft.criteria] == [
        ("1.1", ["Rà soát tầm nhìn"]), ("1.2", ["Kiện toàn hội đồng trường"]),
        ("2.1", ["Bồi dưỡng cán bộ quản lý"]), ("2.2", ["Bồi dưỡng giáo viên"])]
    assert draft.school == "TRƯỜNG THCS LÊ LỢI"


def test_a_cover_typed_in_one_cell_line_by_line_gives_the_school_and_the_year(tmp_path):
    book = Workbook()
    book.active["A1"] = "PHÒNG GD&ĐT QUẬN 3\nTRƯỜNG THCS BÀN CỜ"
    book.active["A3"] = ("KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG\nNăm học 2025-2026\n"
                         "(Theo Thông tư 18/2018/TT-BGDĐT)")
    tasks = book.create_sheet("KH")
    tasks.append(["Tiêu chí", "Công việc", "Người thực hiện", "Thời gian"])
    tasks.append(["1.1", "Rà soát phương hướng chiến lược", "HT", "Tháng 10/2025"])
    book.save(tmp_path / "kh.xlsx")
    draft = read_plan(tmp_path / "kh.xlsx")
    assert (draft.school, draft.school_year, draft.framework) == (
        "TRƯỜNG THCS BÀN CỜ", "2025-2026", "TT18/2018")


def test_merged_cells_read_as_words_are_in_every_cell_they_cover(tmp_path):
    path = school_workbook(tmp_path / "ke-hoach.xlsx", plan_tasks(per_criterion=2))
    cover, tasks, monitoring = read_sheets(path)
    assert [cover.name, tasks.name, monitoring.name] == ["Bìa", "Kế hoạch", "Theo dõi"]
    assert cover.rows[2] == [SCHOOL]  # merged past the columns the sheet fills: no more
    assert tasks.rows[0] == ["KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG CÁC TIÊU CHÍ"] * 7
    assert tasks.rows[2][4:6] == ["Thời gian", "Thời gian"]  # across the columns
    assert tasks.rows[3][:2] == ["TT", "Tiêu chí"]  # down the header's two rows
    assert [row[1] for row in tasks.rows[4:8]] == ["Tiêu chí 1.2"] * 2 + ["Tiêu chí 1.5"] * 2


def test_hidden_empty_and_chart_sheets_are_passed_over(tmp_path):
    known = plan_tasks(per_criterion=2)
    path = school_workbook(tmp_path / "ke-hoach.xlsx", known, chart=True)
    assert [s.name for s in read_sheets(path)] == ["Bìa", "Kế hoạch", "Theo dõi"]
    assert {c.id: len(c.tasks) for c in read_plan(path).criteria} == {
        code: 2 for code in known.per_criterion()}


def test_a_hidden_sheet_of_old_tasks_is_not_read(tmp_path):
    path = school_workbook(tmp_path / "ke-hoach.xlsx", plan_tasks(per_criterion=1))
    book = load_workbook(path)
    old = book.create_sheet("Năm trước")
    old.append(["Tiêu chí", "Công việc/giải pháp", "Chủ trì"])
    old.append(["4.2", "Việc của năm học trước", "HT"])
    old.sheet_state = "hidden"
    book.create_sheet("Trống")
    book.save(path)
    draft = read_plan(path)
    assert "4.2" not in [c.id for c in draft.criteria]
    assert len(draft.criteria) == 5


def test_a_workbook_whose_sheets_hold_no_criterion_says_what_it_read(tmp_path):
    book = Workbook()
    book.active.append(["TRƯỜNG THCS NGUYỄN TRÃI"])
    book.create_sheet("Ghi chú").append(["Họp ngày 5/9", "Đủ thành phần"])
    book.save(tmp_path / "ke-hoach.xlsx")
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(tmp_path / "ke-hoach.xlsx")
    assert (caught.value.key, caught.value.params["sheets"]) == ("plan_no_criteria", 2)
    text = Renderer().text("errors/plan_no_criteria.j2", **caught.value.params)
    assert "ke-hoach.xlsx (2 trang tính" in text


def test_one_sheet_is_still_read_strictly_and_its_merged_cells_fill_in(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Tiêu chí", "Công việc/giải pháp", "Chủ trì, phối hợp"])
    sheet.append(["1.2", "Họp hội đồng trường", "HT"])
    sheet.append([None, "Rà soát quy chế", "PHT"])
    sheet.append(["9.9", "Không có tiêu chí này", "HT"])
    sheet.merge_cells("A2:A3")
    book.save(tmp_path / "mau.xlsx")
    with pytest.raises(InputError) as caught:
        parse_plan_sheet(tmp_path / "mau.xlsx")
    assert caught.value.params["rows"] == [(4, "9.9")]  # row errors are errors here
    sheet.delete_rows(4)
    book.save(tmp_path / "mau.xlsx")
    assert [len(c.tasks) for c in parse_plan_sheet(tmp_path / "mau.xlsx").criteria] == [2]


def test_one_sheet_whose_criteria_head_their_rows_is_read_as_a_document(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Nội dung công việc", "Người thực hiện", "Thời gian"])
    sheet.append(["Tiêu chí 1.2: Hội đồng trường"])
    sheet.append([1, "Kiện toàn hội đồng trường", "HT", "Tháng 9/2025"])
    sheet.append(["Tiêu chí 3.5: Thiết bị dạy học"])
    sheet.append([2, "Kiểm kê thiết bị", "NV Thiết bị", "Tháng 11/2025"])
    for row in (2, 4):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    book.save(tmp_path / "kh.xlsx")
    draft = parse_plan_sheet(tmp_path / "kh.xlsx")
    assert [(c.id, [(t.text, t.owners) for t in c.tasks]) for c in draft.criteria] == [
        ("1.2", [("Kiện toàn hội đồng trường", ["HT"])]),
        ("3.5", [("Kiểm kê thiết bị", ["NV Thiết bị"])])]


def sheet_part(path, name):
    return member(path, f"xl/worksheets/{name}.xml").decode()


def with_merges(path, name, refs):
    """The sheet `name` with <mergeCells> written as a hostile or broken file may have them."""
    xml = re.sub(r"<mergeCells.*?</mergeCells>", "", sheet_part(path, name))
    merges = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
    xml = xml.replace("</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">'
                                      f"{merges}</mergeCells>")
    return rezip(path, {f"xl/worksheets/{name}.xml": xml.encode()})


def test_a_merge_claiming_the_whole_grid_costs_what_it_covers_of_the_sheet(tmp_path):
    path = school_workbook(tmp_path / "ke-hoach.xlsx", plan_tasks(per_criterion=2))
    xml = sheet_part(path, "sheet2")
    whole = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    rezip(path, {"xl/worksheets/sheet2.xml": whole.encode()})
    with_merges(path, "sheet2", ["A1:XFD1048576"])
    tasks = read_sheets(path)[1]
    assert len(tasks.rows) == 4 + 10 and {len(row) for row in tasks.rows} == {7}
    assert {cell for row in tasks.rows for cell in row} == {
        "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG CÁC TIÊU CHÍ"}


def test_merges_no_program_writes_are_passed_over_and_the_cells_still_read(tmp_path):
    path = school_workbook(tmp_path / "ke-hoach.xlsx", plan_tasks(per_criterion=2))
    with_merges(path, "sheet2", ["ZZZZZZZ1:A", "B5:A1", "A:A", "1:1", "H900:J990", "B5:B5"])
    assert read_sheets(path)[1].rows[4][1] == "Tiêu chí 1.2"


def test_the_caps_count_over_the_whole_workbook(tmp_path):
    book = Workbook()
    book.active.append(["Tiêu chí", "Công việc"])
    for number in range(199):  # 200 sheets of 600 cells: each alone far under the cap
        sheet = book.create_sheet(f"T{number}")
        sheet.cell(1, 1, "Ghi chú")  # a row counts every cell up to its last one
        sheet.cell(1, 600, "hết")
    book.save(tmp_path / "nhieu.xlsx")
    with pytest.raises(InputError) as caught:
        read_sheets(tmp_path / "nhieu.xlsx")
    assert (caught.value.key, caught.value.params["what"]) == ("file_too_long", "cells")
    assert read_rows(tmp_path / "nhieu.xlsx") == [["Tiêu chí", "Công việc"]]


def test_two_hundred_sheets_within_the_caps_are_all_examined(tmp_path):
    known = plan_tasks(per_criterion=1)
    path = school_workbook(tmp_path / "ke-hoach.xlsx", known)
    book = load_workbook(path)
    for number in range(197):
        book.create_sheet(f"Ghi chú {number}").append([f"Ghi chú số {number}"])
    book.move_sheet("Kế hoạch", offset=197)  # the tasks after all the notes
    book.save(path)
    assert len(read_sheets(path)) == 200
    assert [c.id for c in read_plan(path).criteria] == list(known.per_criterion())


def test_many_merges_are_counted_as_cells(tmp_path):
    path = school_workbook(tmp_path / "ke-hoach.xlsx", plan_tasks(per_criterion=1))
    with_merges(path, "sheet2", [f"A{n}:A{n}" for n in range(1, 100_002)])
    with pytest.raises(InputError) as caught:
        read_sheets(path)
    assert caught.value.params["what"] == "cells"


def workbook_naming_its_sheet(path, times):
    """A workbook whose list of sheets names its one small sheet `times` times."""
    book = Workbook()
    book.active.append(["Tiêu chí", "Công việc"])
    book.active.append(["1.2", "Họp hội đồng trường"])
    book.save(path)
    xml = member(path, "xl/workbook.xml").decode()
    rid = re.search(r'<sheet [^>]*r:id="(\w+)"', xml).group(1)
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets = "".join(f'<sheet xmlns:r="{r}" name="T{n}" sheetId="{n + 1}" r:id="{rid}"/>'
                     for n in range(times))
    xml = re.sub(r"<sheets>.*</sheets>", f"<sheets>{sheets}</sheets>", xml)
    return rezip(path, {"xl/workbook.xml": xml.encode()})


def test_a_workbook_naming_more_sheets_than_a_plan_has_is_refused(tmp_path):
    path = workbook_naming_its_sheet(tmp_path / "nhieu.xlsx", 251)
    with pytest.raises(InputError) as caught:
        read_sheets(path)
    assert (caught.value.key, caught.value.params["what"]) == ("file_too_long", "sheets")
    assert "250 trang tính" in Renderer().text("errors/file_too_long.j2",
                                                 **caught.value.params)
    assert len(read_sheets(workbook_naming_its_sheet(tmp_path / "du.xlsx", 250))) == 250
