"""Files a school may really send that are not what they seem: an empty upload, a web page
named .pdf, a PDF just under and just over the page cap, a Word 97 file with nothing in
it, a plan typed wholly in the capitals font .VnTimeH. Each reads, or gets one sentence."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from core.errors import InputError
from readers.limits import MAX_PDF_PAGES
from readers.plan_files import read_plan
from templates.render import Renderer
from tests.readers.legacy_docs import reencode_docx, tcvn3_letters, tcvn3_pieces
from tests.readers.test_converted_files import soffice

PLAN = Path(__file__).parent / "independent" / "tieu-hoc-bang.docx"


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_plan(path)
    return caught.value


def said(error: InputError) -> str:
    return Renderer().text(f"errors/{error.key}.j2", **error.params)


def plan(draft, capitals: bool = False) -> list[tuple]:
    def case(text):
        return text.upper() if capitals and text else text

    return [(c.id, case(t.text), [case(o) for o in t.owners], case(t.timeline), t.schedule)
            for c in draft.criteria for t in c.tasks]


@pytest.mark.parametrize("name", ["ke-hoach.pdf", "ke-hoach.docx", "ke-hoach.xls"])
def test_an_empty_file_is_said_to_be_empty(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    error = refused(tmp_path / name)
    assert said(error) == (f"Tệp {name} trống, không có gì để đọc. Hãy mở lại kế hoạch "
                           "trên máy, lưu rồi gửi lại tệp.")


def test_a_web_page_named_pdf_is_not_taken_for_a_broken_pdf(tmp_path):
    page = tmp_path / "ke-hoach.pdf"
    page.write_text("\ufeff<!DOCTYPE html>\n<html><body><p>Tiêu chí 1.1: Kiện toàn tổ "
                    "chuyên môn</p></body></html>", encoding="utf-8")
    error = refused(page)
    assert error.key == "plan_wrong_type"
    assert said(error).startswith("Chưa đọc được loại tệp ke-hoach.pdf. Hãy gửi kế hoạch")


@pytest.fixture(scope="module")
def long_pdfs(tmp_path_factory) -> dict[int, Path]:
    """The plan followed by appendix pages, printed to PDFs one page under and one over
    the cap."""
    tmp = tmp_path_factory.mktemp("long")
    files = []
    for pages in (MAX_PDF_PAGES - 1, MAX_PDF_PAGES + 1):
        document = docx.Document(PLAN)
        for page in range(2, pages + 1):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            document.add_paragraph(f"Phụ lục, trang {page}")
        document.save(tmp / f"dai-{pages}.docx")
        files.append(tmp / f"dai-{pages}.docx")
    return {int(path.stem.split("-")[1]): path for path in soffice(tmp, "pdf", *files)}


def test_a_pdf_one_page_under_the_cap_reads_whole(long_pdfs):
    draft = read_plan(long_pdfs[MAX_PDF_PAGES - 1])
    assert plan(draft) == plan(read_plan(PLAN))


def test_a_pdf_one_page_over_the_cap_is_refused_naming_the_cap(long_pdfs):
    error = refused(long_pdfs[MAX_PDF_PAGES + 1])
    assert (error.key, error.params["limit"]) == ("file_too_long", MAX_PDF_PAGES)
    assert f"hơn {MAX_PDF_PAGES} trang" in said(error)


def test_a_word_97_file_with_nothing_in_it_says_it_found_nothing(tmp_path):
    docx.Document().save(tmp_path / "trong.docx")
    (empty,) = soffice(tmp_path, "doc", tmp_path / "trong.docx")
    error = refused(empty)
    assert (error.key, error.params["name"]) == ("plan_no_criteria", "trong.doc")
    assert said(error).startswith(
        "Không tìm thấy tiêu chí nào trong trong.doc (0 đoạn văn, 0 bảng), nên chưa nhập gì.")


def test_a_plan_typed_wholly_in_vntimeh_reads_as_its_unicode_plan_in_capitals(tmp_path):
    capitals = tmp_path / "chu-hoa.docx"
    reencode_docx(PLAN, capitals, lambda text, _, coded: tcvn3_pieces(text, True, coded),
                  tcvn3_letters(), keep_unicode_every=10**9)
    fonts = {run.font.name for p in docx.Document(capitals).paragraphs for run in p.runs}
    assert fonts == {".VnTimeH"}
    draft = read_plan(capitals)
    assert plan(draft) == plan(read_plan(PLAN), capitals=True)
    assert plan(draft)[0][:3] == ("1.1", "RÀ SOÁT, ĐIỀU CHỈNH CHIẾN LƯỢC PHÁT TRIỂN NHÀ "
                                         "TRƯỜNG GIAI ĐOẠN 2024-2029", ["HIỆU TRƯỞNG"])
    assert [w.key for w in draft.warnings] == ["legacy_font_tcvn3"]
