"""Layouts the reader fell short on (issue 25): a 57/2026 improvement table tied to criteria
beside its issue number, a table exported one cell a line, a self-assessment report whose
part 4 mixes level lines with sentences — and what must not be taken for them."""

from readers.plan_files import read_plan
from tests.readers.test_any_layout import write_docx

TT57_HEAD = ["Căn cứ Thông tư 57/2026/TT-BGDĐT;", "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2026-2027"]


def tasks_of(draft) -> dict[str, list[str]]:
    return {c.id: [t.text for t in c.tasks] for c in draft.criteria}


def test_rows_go_to_the_criteria_named_beside_the_issue_number(tmp_path):
    path = write_docx(
        tmp_path / "bieu2.docx", *TT57_HEAD,
        [["TT", "Tiêu chuẩn", "Tiêu chí liên quan", "Điểm hạn chế"],
         ["1", "Tiêu chuẩn 3", "3.2, 3.4", "Theo dõi học sinh chưa thường xuyên"]],
        [["TT vấn đề", "Tiêu chí liên quan", "Nội dung/giải pháp cải tiến", "Thời gian thực hiện",
          "Đơn vị/cá nhân phụ trách"],
         ["1", "3.2", "Lập sổ theo dõi sự tiến bộ của học sinh", "Quý I năm 2027", "Phó hiệu trưởng"],
         ["", "3.4", "Lập kế hoạch hỗ trợ học sinh khó khăn", "Hằng quý", "Giáo viên chủ nhiệm"],
         ["1", "", "Báo cáo kết quả theo dõi với Hội đồng trường", "Cuối năm học", "Hiệu trưởng"]])
    draft = read_plan(path, "2026-2027")
    assert tasks_of(draft) == {
        "3.2": ["Lập sổ theo dõi sự tiến bộ của học sinh",
                "Báo cáo kết quả theo dõi với Hội đồng trường"],
        "3.4": ["Lập kế hoạch hỗ trợ học sinh khó khăn",
                "Báo cáo kết quả theo dõi với Hội đồng trường"]}
    quarterly = draft.criteria[1].tasks[0].schedule
    assert (quarterly.kind, quarterly.every) == ("recurring", "quarter")


def test_a_table_exported_one_cell_a_line_is_read_row_by_row(tmp_path):
    path = tmp_path / "xuat.txt"
    path.write_text("\n".join([
        "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2023-2024", "Căn cứ Thông tư 18/2018/TT-BGDĐT;",
        "STT", "Tiêu chí", "Nội dung công việc", "Người phụ trách", "Thời gian", "Kết quả",
        "1", "Tiêu chí 1.10", "Lắp camera giám sát cổng trường", "Kế toán", "Quý I năm 2024", "",
        "2", "Tiêu chí 5.4", "Tư vấn hướng nghiệp cho học sinh lớp 9", "Phó hiệu trưởng",
        "Tháng 3/2024", "100% học sinh được tư vấn",
        "3", "Tiêu chí 3.6",  # the export stopped mid-row: a heading with nothing under it
    ]) + "\n", encoding="utf-8")
    draft = read_plan(path)
    assert tasks_of(draft) == {"1.10": ["Lắp camera giám sát cổng trường"],
                               "5.4": ["Tư vấn hướng nghiệp cho học sinh lớp 9"], "3.6": []}
    task = draft.criteria[1].tasks[0]
    assert (task.owners, task.timeline) == (["Phó hiệu trưởng"], "Tháng 3/2024")


def test_labels_one_a_line_without_a_row_after_them_are_only_paragraphs(tmp_path):
    path = tmp_path / "nhan.txt"
    path.write_text("\n".join([
        "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2023-2024", "Căn cứ Thông tư 18/2018/TT-BGDĐT;",
        "Tiêu chí 2.2: Đối với giáo viên", "Giải pháp:", "- Dự giờ giáo viên trẻ.",
        "Tiêu chí", "Nội dung công việc", "Người phụ trách", "Thời gian",
        "Các nội dung trên được rà soát cuối năm.",
    ]) + "\n", encoding="utf-8")
    assert tasks_of(read_plan(path))["2.2"][0] == "Dự giờ giáo viên trẻ."


def test_part_4_of_a_report_keeps_sentences_and_drops_level_lines(tmp_path):
    path = write_docx(
        tmp_path / "tdg.docx", "Trường Tiểu học Vĩnh Ninh", "BÁO CÁO TỰ ĐÁNH GIÁ NĂM HỌC 2022-2023",
        "Căn cứ Thông tư 17/2018/TT-BGDĐT;",
        *[line for cid in ("1.5", "3.6") for line in (
            f"Tiêu chí {cid}", "1. Mô tả hiện trạng", "Đã thực hiện.", "2. Điểm mạnh", "Tốt.",
            "3. Điểm yếu", "Còn ít.", "4. Kế hoạch cải tiến chất lượng", "Mức 2",
            "Hiệu trưởng làm mái che khu để xe." if cid == "1.5" else
            "Phó Hiệu trưởng chỉ đạo giáo viên xây dựng nề nếp lớp học tự quản",
            "Đạt Mức 3" if cid == "1.5" else "trưởng học sinh các lớp cùng tham gia.",
            "5. Tự đánh giá: Đạt Mức 2")],
        "HIỆU TRƯỞNG")
    draft = read_plan(path)
    assert tasks_of(draft) == {
        "1.5": ["Hiệu trưởng làm mái che khu để xe."],
        "3.6": ["Phó Hiệu trưởng chỉ đạo giáo viên xây dựng nề nếp lớp học tự quản trưởng học "
                "sinh các lớp cùng tham gia."]}
    assert draft.criteria[1].tasks[0].owners == ["Phó Hiệu trưởng"]
    assert draft.school == "Trường Tiểu học Vĩnh Ninh"


def test_a_row_whose_words_read_like_labels_is_still_a_row(tmp_path):
    path = write_docx(
        tmp_path / "bang.docx", *TT57_HEAD,
        [["Tiêu chuẩn, tiêu chí", "Mục tiêu", "Biện pháp thực hiện", "Bộ phận thực hiện",
          "Thời gian"],
         ["TIÊU CHUẨN 4: ĐIỀU KIỆN GIÁO DỤC"],
         ["Tiêu chí 3", "Cha mẹ học sinh nhận thông tin kịp thời",
          "Tuyên truyền về hoạt động của nhà trường trên trang thông tin điện tử.",
          "Phó hiệu trưởng phụ trách chuyên môn", "Tháng 11 năm 2026"]])
    assert tasks_of(read_plan(path)) == {
        "4.3": ["Tuyên truyền về hoạt động của nhà trường trên trang thông tin điện tử."]}
