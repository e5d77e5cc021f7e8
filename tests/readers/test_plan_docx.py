"""Plans from Word files: the seeds, checked against expectations kept as data, and every
kind of bad file."""

import json
import zipfile
from pathlib import Path

import docx
import pytest

from core.errors import InputError
from readers.plan_files import read_plan

EXPECTED = json.loads((Path(__file__).parents[1] / "fixtures" / "seed_plans.json")
                      .read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_documents_import_as_expected(name, seed):
    draft = read_plan(seed(name))
    expected = EXPECTED[name]
    assert (draft.school, draft.framework, draft.level, draft.school_year) == (
        expected["school"], expected["framework"], expected["level"], expected["school_year"])
    assert [c.id for c in draft.criteria] == expected["criteria"]
    for criterion in draft.criteria:
        got = [{"owners": t.owners, "timeline": t.timeline, "schedule": t.schedule.to_json(),
                "starts_with": t.text[:40]} for t in criterion.tasks]
        assert got == expected["tasks"][criterion.id], criterion.id
    assert [[w.key, w.params.get("criterion") or w.params.get("code")]
            for w in draft.warnings] == expected["warnings"]


def make_docx(path: Path, paragraphs=(), table=None) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(path)
    return path


def test_a_table_plan_with_its_own_column_order(tmp_path):
    path = make_docx(tmp_path / "p.docx", [
        "TRƯỜNG TIỂU HỌC KIM ĐỒNG",
        "Căn cứ Thông tư số 17/2018/TT-BGDĐT ngày 22/8/2018",
        "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2025 – 2026",
    ], [
        ["Tiêu chí", "Thời gian", "Người thực hiện", "Giải pháp"],
        ["Tiêu chuẩn 3: Cơ sở vật chất"] * 4,
        ["Tiêu chí 3.2", "Tháng 12/2025", "HT, Kế toán", "Sửa mái phòng học"],
        ["", "Cuối năm học", "PHT", "Mua bàn ghế"],
    ])
    draft = read_plan(path)
    assert (draft.school, draft.framework, draft.level, draft.school_year) == (
        "TRƯỜNG TIỂU HỌC KIM ĐỒNG", "TT17/2018", "tieu_hoc", "2025-2026")
    (criterion,) = draft.criteria
    assert criterion.title == "Phòng học"  # from the catalogue
    assert [(t.text, t.owners, t.schedule.due.isoformat()) for t in criterion.tasks] == [
        ("Sửa mái phòng học", ["HT", "Kế toán"], "2025-12-31"),
        ("Mua bàn ghế", ["PHT"], "2026-05-31")]


@pytest.mark.parametrize("make, key", [
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "file_broken"),
    (lambda p: p.write_bytes(b"PK\x03\x04 this is not really a zip"), "docx_broken"),
    (lambda p: p.write_text("chỉ là chữ"), "docx_broken"),
])
def test_files_that_are_not_a_docx_are_refused(tmp_path, make, key):
    path = tmp_path / "ke-hoach.docx"
    make(path)
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.key == key


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.key == "docx_bomb"


def test_a_50_mb_upload_is_refused(tmp_path):
    path = tmp_path / "big.docx"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.key == "file_too_big"


def test_a_zip_that_is_not_word(tmp_path):
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.key == "docx_not_word"


def test_a_word_file_that_is_not_a_plan(tmp_path):
    path = make_docx(tmp_path / "thu-moi.docx", ["Kính mời quý phụ huynh dự họp."])
    with pytest.raises(InputError) as caught:
        read_plan(path)
    assert caught.value.key == "plan_no_criteria"


def test_prose_per_criterion_with_targets_and_bullets(tmp_path):
    path = make_docx(tmp_path / "p.docx", [
        "TRƯỜNG MẦM NON HOA SEN",
        "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2025-2026",
        "1. Tiêu chuẩn 1: Tổ chức và quản lý nhà trường",
        "Tiêu chí 1.5: Tổ chức nhóm trẻ và lớp mẫu giáo",
        "Mục tiêu cần đạt: Phấn đấu đạt Mức 2.",
        "Giải pháp thực hiện:",
        "- Rà soát sĩ số các lớp.",
        "+ Bố trí giáo viên đủ định mức.",
        "Tiêu chí 2. 3: Đối với nhân viên",
        "Bồi dưỡng nhân viên nuôi dưỡng.",
        "Tiêu chí 2.3: Đối với nhân viên",
        "Khám sức khỏe định kỳ.",
        "V. TỔ CHỨC THỰC HIỆN",
        "Hiệu trưởng chỉ đạo chung.",
    ])
    draft = read_plan(path)
    assert (draft.level, draft.framework) == ("mam_non", "TT19/2018")
    first, second = draft.criteria
    assert (first.id, first.target) == ("1.5", "Phấn đấu đạt Mức 2.")
    assert [t.text for t in first.tasks] == ["Rà soát sĩ số các lớp.",
                                             "Bố trí giáo viên đủ định mức."]
    assert second.id == "2.3"  # written twice: its tasks gathered, and a warning
    assert [t.text for t in second.tasks] == ["Bồi dưỡng nhân viên nuôi dưỡng.",
                                              "Khám sức khỏe định kỳ."]
    assert [w.key for w in draft.warnings] == ["criterion_repeated"]


TEXT_TWINS = ["plan-thcs-table-2023-2024", "plan-thcs-narrative-2020-2021",
              "progress-report-2021-2022"]


@pytest.mark.parametrize("stem", TEXT_TWINS)
def test_the_text_export_finds_what_the_word_file_has(stem, seed):
    from_text, from_word = read_plan(seed(f"{stem}.txt")), read_plan(seed(f"{stem}.docx"))
    assert (from_text.framework, from_text.school_year) == (from_word.framework,
                                                            from_word.school_year)
    assert from_text.level == from_word.level
    assert sorted(c.id for c in from_text.criteria) == sorted(c.id for c in from_word.criteria)
    assert not [w for w in from_text.warnings if w.key == "row_without_criterion"]


def test_the_prose_plan_reads_the_same_from_text_and_word(seed):
    text = read_plan(seed("plan-thcs-narrative-2020-2021.txt"))
    word = read_plan(seed("plan-thcs-narrative-2020-2021.docx"))
    assert [[t.text for t in c.tasks] for c in text.criteria] == [
        [t.text for t in c.tasks] for c in word.criteria]


def test_markdown_and_html_marks_are_stripped(tmp_path):
    path = tmp_path / "p.md"
    path.write_text(
        "# KẾ HOẠCH CẢI TIẾN NĂM HỌC 2026-2027\n\n"
        "| TT | Tiêu chí | Giải pháp | Chủ trì | Thời gian |\n"
        "|----|----------|-----------|---------|-----------|\n"
        "| 1 | **Tiêu chí 4.2** | <p>Tuyên truyền phòng chống bắt nạt</p> | TPT Đội | Hằng tuần |\n",
        encoding="utf-8")
    (criterion,) = read_plan(path).criteria
    task = criterion.tasks[0]
    assert (criterion.id, task.text, task.owners, task.schedule.every) == (
        "4.2", "Tuyên truyền phòng chống bắt nạt", ["TPT Đội"], "week")


def test_a_title_unlike_the_official_one_is_kept_and_warned_about(tmp_path):
    path = make_docx(tmp_path / "p.docx", [
        "Căn cứ Thông tư số 18/2018/TT-BGDĐT",
        "Tiêu chí 3.6: Thư viện",
        "Bổ sung sách tham khảo.",
        "Tiêu chí 3.5: Đồ dùng dạy học tự làm",
        "Phát động thi đồ dùng dạy học.",
    ])
    draft = read_plan(path)
    assert [c.title for c in draft.criteria] == ["Thư viện", "Đồ dùng dạy học tự làm"]
    assert [(w.key, w.params["criterion"]) for w in draft.warnings] == [("title_differs", "3.5")]


def test_a_row_titled_as_another_criterion_is_kept_and_warned_about(tmp_path):
    path = make_docx(tmp_path / "p.docx", ["Căn cứ Thông tư số 18/2018/TT-BGDĐT"], [
        ["Tiêu chí", "Kết quả cần đạt", "Giải pháp"],
        ["Tiêu chí 3.3", "Phòng học, phòng học bộ môn và khối phục vụ học tập", "Sửa trần"],
        ["Tiêu chí 1.2", "Mức 1 Hội đồng trường và các hội đồng khác", "Họp định kỳ"],
    ])
    draft = read_plan(path)
    assert [c.id for c in draft.criteria] == ["3.3", "1.2"]
    assert [(w.key, w.params["criterion"], w.params["other"]) for w in draft.warnings] == [
        ("criterion_misnumbered", "3.3", "3.2")]


def test_a_criterion_repeated_further_down_a_table_is_kept_and_warned_about(tmp_path):
    path = make_docx(tmp_path / "p.docx", ["Căn cứ Thông tư số 18/2018/TT-BGDĐT"], [
        ["Tiêu chí", "Giải pháp"],
        ["Tiêu chí 1.2", "Họp hội đồng trường"],
        ["Tiêu chí 1.3", "Đại hội chi bộ"],
        ["Tiêu chí 1.2", "Rà soát quy chế"],
    ])
    draft = read_plan(path)
    assert [(c.id, len(c.tasks)) for c in draft.criteria] == [("1.2", 2), ("1.3", 1)]
    assert [w.key for w in draft.warnings] == ["criterion_repeated"]


def test_the_reports_text_export_gives_the_plan_column_as_tasks(seed):
    text = read_plan(seed("progress-report-2021-2022.txt"))
    word = read_plan(seed("progress-report-2021-2022.docx"))
    assert [len(c.tasks) for c in text.criteria] == [1, 1, 1, 1]
    for from_text, from_word in zip(text.criteria, word.criteria):
        assert from_word.tasks[0].text.startswith(from_text.tasks[0].text[:60])


def test_the_monitoring_table_gives_review_checkpoints_not_tasks(seed):
    draft = read_plan(seed("plan-tt57-thcs-2026-2027.docx"))
    assert [(c.when, c.reviewer, c.schedule.due.isoformat()) for c in draft.checkpoints] == [
        ("Cuối học kỳ I", "Hội đồng tự đánh giá", "2027-01-15"),
        ("Cuối năm học", "Hội đồng tự đánh giá", "2027-05-31")]
    assert all("Tiến độ các nhiệm vụ" not in t.text for c in draft.criteria for t in c.tasks)


def test_a_self_assessment_table_gives_levels_not_tasks(tmp_path):
    document = docx.Document()
    document.add_paragraph("Căn cứ Thông tư số 18/2018/TT-BGDĐT")
    assessment = [["Tiêu chí", "Không đạt", "Mức 1", "Mức 2", "Mức 3"],
                  ["Tiêu chí 1.2", "", "x", "x", ""],
                  ["Tiêu chí 3.4", "", "✓", "", ""],
                  ["Tiêu chí 5.1", "", "x", "x", "x"]]
    plan = [["Tiêu chí", "Giải pháp"], ["Tiêu chí 1.2", "Họp định kỳ"],
            ["Tiêu chí 3.4", "Sửa nhà vệ sinh"]]
    for rows in (assessment, plan):
        grid = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(tmp_path / "p.docx")
    draft = read_plan(tmp_path / "p.docx")
    assert [(c.id, c.assessed_level, len(c.tasks)) for c in draft.criteria] == [
        ("1.2", 2, 1), ("3.4", 1, 1)]
