"""`caitien evidence list` and `caitien evidence box` on Phú Hữu's year."""

from __future__ import annotations

import zipfile

import docx
import openpyxl


def test_the_list_on_screen_and_as_excel_and_word(cli, year_of_updates, tmp_path):
    code, out, _ = cli("evidence", "list", "--school", "phuhuu")
    assert code == 0
    assert "DANH MỤC MINH CHỨNG — Trường THCS Phú Hữu, năm học 2023-2024" in out
    assert "    1. [H1-1.2-01] bien-ban — Tập huấn" in out
    assert "    4. [H3-3.4-02]" in out
    code, out, _ = cli("evidence", "list", "--school", "phuhuu", "--out", "dm.xlsx")
    assert code == 0 and "Đã ghi dm.xlsx: 4 dòng minh chứng." in out
    assert openpyxl.load_workbook(tmp_path / "dm.xlsx").active.title == "Danh mục minh chứng"
    cli("evidence", "list", "--school", "phuhuu", "--out", "dm.docx")
    assert len(docx.Document(tmp_path / "dm.docx").tables) == 3


def test_the_box(cli, year_of_updates, tmp_path, monkeypatch):
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    code, out, _ = cli("evidence", "box", "--school", "phuhuu", "--out", "hop.zip")
    assert code == 0 and out.startswith("Đã ghi hop.zip: 4 tệp minh chứng.")
    names = zipfile.ZipFile(tmp_path / "hop.zip").namelist()
    assert names[0].startswith("Tiêu chuẩn 1/Tiêu chí 1.2/[H1-1.2-01] ")
    assert not (tmp_path / "hop.zip.part").exists()


def test_a_wrong_file_kind_or_no_plan_is_one_sentence(cli, school, tmp_path):
    code, _, err = cli("evidence", "box", "--school", "demo", "--out", "hop.xlsx")
    assert code == 2 and "đuôi .zip" in err and "Traceback" not in err
    code, _, err = cli("evidence", "list", "--school", "demo", "--out", "dm.pdf")
    assert code == 2 and "đuôi .xlsx .docx" in err
    code, _, err = cli("evidence", "box", "--school", "demo", "--out", "no/such/hop.zip")
    assert code == 2 and "Không có thư mục no/such" in err
    code, _, err = cli("evidence", "list", "--school", "nowhere")
    assert code == 2 and "Traceback" not in err
