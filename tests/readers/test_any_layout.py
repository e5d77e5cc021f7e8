"""Plans laid out in ways the seeds do not show: criteria named anywhere, prose and tables
together, tables that are not tasks, self-assessment reports, split evidence."""

import docx
import pytest

from readers.frameworks import frameworks
from readers.plan_files import read_plan

TT18 = frameworks()["TT18/2018"]["criteria"]


def write_docx(path, *blocks):
    """Blocks: a str is a paragraph, a list of rows is a table."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        grid = document.add_table(rows=len(block), cols=max(len(r) for r in block))
        for r, row in enumerate(block):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(path)
    return path


def write_txt(path, *blocks):
    lines = []
    for block in blocks:
        if isinstance(block, str):
            lines += [block, ""]
        else:
            lines += ["\t".join(row) for row in block] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def thcs_plan():
    """Every criterion with a target and three solutions in prose, a self-assessment table,
    then a task table for the five criteria still below standard."""
    blocks = ["TRƯỜNG THCS LÊ LỢI", "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2025-2026",
              "Căn cứ Thông tư số 18/2018/TT-BGDĐT ngày 22/8/2018"]
    for code, title in TT18.items():
        blocks += [f"Tiêu chí {code}: {title}", "Mục tiêu cần đạt: Mức 2",
                   "Giải pháp thực hiện:", f"- Rà soát hồ sơ tiêu chí {code}.",
                   f"- Bổ sung minh chứng còn thiếu của tiêu chí {code}.",
                   "- Phối hợp với Trung tâm giáo dục thường xuyên huyện tổ chức tập huấn."]
    blocks.append([["Tiêu chí", "Mức 1", "Mức 2", "Mức 3"]]
                  + [[f"Tiêu chí {c}", "x", "x" if i % 2 else "", ""]
                     for i, c in enumerate(["1.1", "1.2", "2.1"])])
    weak = ["1.4", "2.2", "3.2", "4.1", "5.3"]
    blocks.append([["TT", "Tiêu chí", "Công việc", "Người thực hiện", "Thời gian"]]
                  + [[str(i + 1), c, f"Sửa chữa, nâng cấp cho tiêu chí {c}", "HT, PHT",
                      "Tháng 12/2025"] for i, c in enumerate(weak)])
    return blocks, weak


@pytest.mark.parametrize("write", [write_docx, write_txt], ids=["docx", "txt"])
def test_prose_for_every_criterion_and_a_table_for_some_are_merged(tmp_path, write):
    blocks, weak = thcs_plan()
    draft = read_plan(write(tmp_path / f"plan.{'docx' if write is write_docx else 'txt'}",
                            *blocks))
    assert (draft.school, draft.level, draft.framework, draft.school_year) == (
        "TRƯỜNG THCS LÊ LỢI", "thcs", "TT18/2018", "2025-2026")
    assert [c.id for c in draft.criteria] == list(TT18)
    assert all(c.target == "Mức 2" for c in draft.criteria)
    for criterion in draft.criteria:
        expected = 4 if criterion.id in weak else 3
        assert len(criterion.tasks) == expected, criterion.id
        assert all(t.text != "x" for t in criterion.tasks)
    table_task = next(c for c in draft.criteria if c.id == "2.2").tasks[-1]
    assert (table_task.owners, table_task.timeline) == (["HT", "PHT"], "Tháng 12/2025")
    assert next(c for c in draft.criteria if c.id == "2.2").sources == ["prose", "table"]
    assert [c.assessed_level for c in draft.criteria[:2]] == [1, 2]
    assert {s.kind for s in draft.skipped} == {"assessment"}


def tt57_primary(focus_ids=("1.3", "3.1, 3.4")):
    return [
        "TRƯỜNG TIỂU HỌC KIM ĐỒNG",
        "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC NĂM HỌC 2026-2027",
        "Căn cứ Thông tư số 57/2026/TT-BGDĐT",
        "IV. VẤN ĐỀ TRỌNG TÂM",
        [["TT", "Tiêu chuẩn", "Tiêu chí liên quan", "Điểm hạn chế", "Nguyên nhân"],
         ["1", "Tiêu chuẩn 1", focus_ids[0], "Dữ liệu chưa cập nhật", "Thiếu người"],
         ["2", "Tiêu chuẩn 3", focus_ids[1], "Chương trình chưa linh hoạt", "Chưa tập huấn"]],
        "V. KẾ HOẠCH CẢI TIẾN",
        [["TT", "Nội dung cải tiến", "Hoạt động/giải pháp", "Thời gian thực hiện",
          "Đơn vị/cá nhân phụ trách"],
         ["1", "Rà soát dữ liệu học sinh (TC 1.3)", "- Cập nhật CSDL ngành\n- Đối chiếu hồ sơ",
          "Tháng 10/2026", "PHT"],
         ["2", "Điều chỉnh kế hoạch giáo dục (Tiêu chí 3.1; 3.4)", "Họp tổ chuyên môn",
          "Học kỳ I", "TTCM"],
         ["3", "Hỗ trợ học sinh khuyết tật", "Lập kế hoạch giáo dục cá nhân", "Hằng tháng",
          "GVCN"]],
        "HIỆU TRƯỞNG",
    ]


def test_criteria_named_inside_content_cells_and_through_the_focus_table(tmp_path):
    draft = read_plan(write_docx(tmp_path / "p.docx", *tt57_primary()))
    assert (draft.level, draft.framework) == ("tieu_hoc", "TT57/2026")
    tasks = {c.id: [t.text for t in c.tasks] for c in draft.criteria}
    assert tasks == {"1.3": ["Cập nhật CSDL ngành", "Đối chiếu hồ sơ"],
                     "3.1": ["Họp tổ chuyên môn"], "3.4": ["Họp tổ chuyên môn"]}
    assert "row_without_criterion" in [w.key for w in draft.warnings]  # row 3 names none
    assert {s.kind for s in draft.skipped} == {"focus"}


def test_a_row_named_only_by_its_number_takes_the_focus_tables_criteria(tmp_path):
    blocks = tt57_primary()
    blocks[6][3][1] = "Hỗ trợ học sinh khuyết tật"
    blocks[6][1][1] = "Rà soát dữ liệu học sinh"  # only the focus table's «1» says 1.3
    draft = read_plan(write_docx(tmp_path / "p.docx", *blocks))
    assert [t.text for t in draft.criteria[0].tasks] == ["Cập nhật CSDL ngành",
                                                         "Đối chiếu hồ sơ"]
    assert draft.criteria[0].id == "1.3"


@pytest.mark.parametrize("written, ids", [
    ("TC 1.3", ["1.3"]), ("TC1.3", ["1.3"]), ("1.3.", ["1.3"]), ("1.3:", ["1.3"]),
    ("3.1; 3.4", ["3.1", "3.4"]), ("3.1, 3.4", ["3.1", "3.4"]),
    ("1.1 – 1.3", ["1.1", "1.2", "1.3"]), ("Tiêu chí 2. 2", ["2.2"]),
    ("Quản lý kế hoạch, nguồn lực, thông tin và dữ liệu", ["1.3"]),
    ("quan ly ke hoach, nguon luc, thong tin va du lieuu", ["1.3"]),
    ("1\u200b.3", ["1.3"]),
])
def test_every_way_of_naming_a_criterion_in_its_column(tmp_path, written, ids):
    draft = read_plan(write_docx(tmp_path / "p.docx", "Căn cứ Thông tư 57/2026/TT-BGDĐT", [
        ["Mã TC", "Giải pháp", "Phụ trách"], [written, "Họp rà soát", "HT"]]))
    assert [c.id for c in draft.criteria] == ids


def test_standards_as_roman_numerals_with_criteria_numbered_within(tmp_path):
    draft = read_plan(write_docx(
        tmp_path / "p.docx", "TRƯỜNG MẦM NON HOA SEN", "Căn cứ Thông tư 19/2018/TT-BGDĐT",
        "Tiêu chuẩn II: Cán bộ quản lý, giáo viên và nhân viên",
        "Tiêu chí 2: Đối với giáo viên", "- Bồi dưỡng chuyên môn hằng tháng",
        "TC3 Cơ sở vật chất", "Tiêu chí 1: Diện tích, khuôn viên", "- Trồng thêm cây xanh"))
    assert [(c.id, [t.text for t in c.tasks]) for c in draft.criteria] == [
        ("2.2", ["Bồi dưỡng chuyên môn hằng tháng"]), ("3.1", ["Trồng thêm cây xanh"])]


def test_a_two_row_header_and_bullets_inside_a_cell(tmp_path):
    draft = read_plan(write_docx(tmp_path / "p.docx", "Căn cứ Thông tư 18/2018/TT-BGDĐT", [
        ["Tiêu chí", "Nhiệm vụ", "Người thực hiện", "Người thực hiện", "Thời gian",
         "Thời gian"],
        ["Tiêu chí", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Bắt đầu", "Kết thúc"],
        ["Tiêu chí 3.5", "- Kiểm kê thiết bị\n+ Thanh lý thiết bị hỏng\n• Mua bổ sung",
         "NV thiết bị", "Kế toán", "Tháng 9/2025", "Tháng 12/2025"],
        ["Tiêu chí", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Bắt đầu", "Kết thúc"],
        ["Tiêu chí 3.6", "Bổ sung sách", "NV thư viện", "", "Tháng 1/2026", ""],
    ]))
    first, second = draft.criteria
    assert [t.text for t in first.tasks] == ["Kiểm kê thiết bị", "Thanh lý thiết bị hỏng",
                                             "Mua bổ sung"]
    task = first.tasks[0]
    assert (task.owners, task.timeline, task.schedule.kind) == (
        ["NV thiết bị", "Kế toán"], "Tháng 9/2025 – Tháng 12/2025", "period")
    assert (second.tasks[0].timeline, second.tasks[0].owners) == ("Tháng 1/2026",
                                                                  ["NV thư viện"])


def test_a_self_assessment_report_gives_only_its_plan_part(tmp_path):
    draft = read_plan(write_docx(
        tmp_path / "p.docx", "TRƯỜNG THCS NGUYỄN DU", "BÁO CÁO TỰ ĐÁNH GIÁ",
        "Căn cứ Thông tư 18/2018/TT-BGDĐT",
        "Tiêu chí 3.2: Phòng học, phòng học bộ môn và khối phục vụ học tập",
        "Mức 1: a) Số phòng học đáp ứng quy mô;",
        "1. Mô tả hiện trạng", "Nhà trường có 18 phòng học.",
        "2. Điểm mạnh", "Phòng học thoáng mát.",
        "3. Điểm yếu", "Thiếu phòng bộ môn Tin học.",
        "4. Kế hoạch cải tiến chất lượng",
        "Năm học 2025-2026, Hiệu trưởng tham mưu với UBND xã xây thêm 2 phòng học. "
        "Tổ trưởng chuyên môn rà soát nhu cầu thiết bị trong học kỳ I.",
        "5. Tự đánh giá: Đạt Mức 2",
        "Tiêu chí 3.3: Khối hành chính - quản trị",
        "1. Mô tả hiện trạng", "Có đủ phòng.",
        "4. Kế hoạch cải tiến chất lượng", "Hằng năm, Kế toán kiểm kê tài sản.",
        "5. Tự đánh giá: Đạt Mức 3"))
    first, second = draft.criteria
    assert [(t.text[:22], t.owners, t.timeline) for t in first.tasks] == [
        ("Năm học 2025-2026, Hiệ", ["Hiệu trưởng"], "Năm học 2025-2026"),
        ("Tổ trưởng chuyên môn r", ["Tổ trưởng chuyên môn"], "trong học kỳ I")]
    assert (first.assessed_level, second.assessed_level) == (2, 3)
    assert [t.owners for t in second.tasks] == [["Kế toán"]]
    assert first.sources == ["report"]
    assert [s.kind for s in draft.skipped] == ["report_parts"]


def test_a_passing_mention_does_not_outweigh_the_schools_name(tmp_path):
    draft = read_plan(write_docx(
        tmp_path / "p.docx", "TRƯỜNG THCS LÊ LỢI",
        "Tiêu chí 1.2: Hội đồng trường", "- Phối hợp với Trung tâm GDTX, trường tiểu học "
        "và trường mầm non trên địa bàn."))
    assert draft.level == "thcs"
    assert "meta_split" not in [w.key for w in draft.warnings]


def test_split_evidence_is_said_not_guessed(tmp_path):
    draft = read_plan(write_docx(
        tmp_path / "p.docx", "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG",
        "Kế hoạch của trường THCS và trường THPT trên địa bàn",
        "Tiêu chí 1.2: Hội đồng trường", "- Họp định kỳ"))
    assert [w.key for w in draft.warnings if w.key == "meta_split"] == ["meta_split"]


def test_council_lists_and_signature_blocks_are_skipped_with_a_note(tmp_path):
    draft = read_plan(write_docx(
        tmp_path / "p.docx", "Căn cứ Thông tư 18/2018/TT-BGDĐT",
        [["TT", "Họ và tên", "Chức vụ", "Nhiệm vụ"], ["1", "Nguyễn Văn A", "HT", "Chủ tịch"]],
        [["Tiêu chí", "Giải pháp"], ["1.2", "Họp định kỳ"]],
        [["Nơi nhận:\n- Lưu VT", "HIỆU TRƯỞNG\n(Ký tên, đóng dấu)"]]))
    assert [c.id for c in draft.criteria] == ["1.2"]
    assert [s.kind for s in draft.skipped] == ["council", "signature"]
    assert draft.skipped[0].words.startswith("TT · Họ và tên · Chức vụ")
