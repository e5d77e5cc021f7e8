"""Evidence in chat, as transcripts: a name given (or not) while handing files in during
/capnhat, and /minhchung — the evidence list as Excel and Word for the board, one polite
sentence for everyone else."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from reports.year_end import close_year, kept_file
from storage.models import Evidence, School, SchoolYear
from tests.chat import Chat
from tests.conftest import TEST_START
from tests.phuhuu import chat_of
from tests.storage.test_year_close import CLOSING

TRANG = "0901234503"  # TTCM, three tasks
HANH = "0901234501"  # HT
PDF = b"%PDF-1.4 minutes"


def items(sessions) -> list[Evidence]:
    with sessions() as s:
        return s.scalars(select(Evidence).order_by(Evidence.id)).all()


async def hand_in(trang: Chat) -> None:
    await trang.send("/capnhat")
    await trang.press("1.")
    await trang.press("Hoàn thành")
    await trang.send("Đã sinh hoạt tổ 2 buổi.")


async def test_a_name_with_a_date_is_the_items_name_and_date(chat_as, sessions, school):
    trang = chat_as(TRANG)
    await hand_in(trang)
    assert "Tên minh chứng?" in await trang.send_file(b"\xff\xd8jpeg-1")
    await trang.send_file(PDF, "document", "scan.pdf", "application/pdf")
    named = await trang.send("Biên bản sinh hoạt tổ ngày 12/10/2026")
    assert "«Biên bản sinh hoạt tổ ngày 12/10/2026», ngày 12/10/2026 (cho 2 tệp)" in named
    summary = await trang.press("✅ Xong")
    assert "Tên minh chứng: Biên bản sinh hoạt tổ ngày 12/10/2026" in summary
    assert "Đã lưu" in await trang.press("💾 Lưu")
    assert [(e.title, e.issued_on) for e in items(sessions)] == [
        ("Biên bản sinh hoạt tổ ngày 12/10/2026", date(2026, 10, 12))] * 2


async def test_no_name_is_fine_and_a_name_without_a_date_takes_the_moment(chat_as, sessions,
                                                                         school):
    trang = chat_as(TRANG)
    await hand_in(trang)
    await trang.send_file(b"\xff\xd8jpeg-1")
    assert "Tên minh chứng:" not in await trang.press("✅ Xong")
    await trang.press("💾 Lưu")
    await hand_in(trang)
    await trang.send_file(b"\xff\xd8jpeg-2")
    await trang.send("Ảnh buổi dự giờ")
    named = await trang.send("Ảnh dự giờ lớp 6/1")  # typed again: the new name; a class
    assert "«Ảnh dự giờ lớp 6/1» (cho 1 tệp)" in named  # named 6/1, no date
    await trang.press("✅ Xong")
    await trang.press("💾 Lưu")
    assert [(e.title, e.issued_on) for e in items(sessions)] == [
        (None, None), ("Ảnh dự giờ lớp 6/1", None)]


async def test_a_name_too_long_is_refused_and_text_before_any_file_is_no_name(chat_as,
                                                                           sessions, school):
    trang = chat_as(TRANG)
    await hand_in(trang)
    assert "gửi ảnh" in await trang.send("Biên bản họp")  # no file yet: nothing to name
    await trang.send_file(b"\xff\xd8jpeg-1")
    assert "quá 300 ký tự" in await trang.send("x" * 301)
    await trang.send("=HYPERLINK(\"http://x\")")
    await trang.press("✅ Xong")
    await trang.press("💾 Lưu")
    assert [e.title for e in items(sessions)] == ["=HYPERLINK(\"http://x\")"]


async def test_the_principal_gets_the_evidence_list_as_excel_and_word(year_of_updates,
                                                                     engine):
    tot = Chat(engine, int(chat_of("Tốt")))
    caption = await tot.send("/minhchung")
    assert "Danh mục minh chứng năm học 2023-2024: 4 dòng" in caption
    excel, word = tot.last
    assert excel.document[0] == "danh-muc-minh-chung-phuhuu-2023-2024.xlsx"
    assert word.document[0] == "danh-muc-minh-chung-phuhuu-2023-2024.docx"
    rows = list(openpyxl.load_workbook(BytesIO(excel.document[1])).active.iter_rows(
        values_only=True))
    assert [r[1] for r in rows if isinstance(r[0], int)] == [
        "[H1-1.2-01]", "[H3-3.3-01]", "[H3-3.4-01]", "[H3-3.4-02]"]
    table = docx.Document(BytesIO(word.document[1])).tables[1]
    assert table.rows[0].cells[1].text == "Mã minh chứng"


async def test_a_teacher_asking_for_the_evidence_list_gets_the_refusal(year_of_updates,
                                                                      engine):
    duc = Chat(engine, int(chat_of("Đức")))  # TTCM: not the board
    reply = await duc.send("/minhchung")
    assert reply == "Danh mục minh chứng chỉ dành cho Ban giám hiệu. Thầy/cô có thể gõ " \
        "/nhiemvu để xem nhiệm vụ của mình."
    assert all(r.document is None for r in duc.last)


async def test_typed_words_ask_for_the_list_too(year_of_updates, engine):
    tot = Chat(engine, int(chat_of("Tốt")))
    await tot.send("danh mục minh chứng")
    assert [r.document[0][-4:] for r in tot.last] == ["xlsx", "docx"]


async def test_after_the_close_the_list_is_the_closed_years_kept_one(
        chat_as, channel, sessions, school, clock, evidence, renderer):
    trang = chat_as(TRANG)
    await hand_in(trang)
    await trang.send_file(PDF, "document", "scan.pdf", "application/pdf")
    await trang.press("✅ Xong")
    await trang.press("💾 Lưu")
    clock.advance(seconds=(CLOSING - TEST_START).total_seconds())
    with sessions.begin() as s:
        row, _ = close_year(s, s.get(School, school.id), clock, evidence, renderer, "cli")
        kept = kept_file(evidence, row, "evidence_list_xlsx")[1].read_bytes()
    hanh = chat_as(HANH)
    caption = await hanh.send("/minhchung")
    assert caption.startswith("Danh mục minh chứng năm học 2026-2027 — bản đã lưu khi kết "
                              "thúc năm học lúc 09:00 15/06/2027")
    if channel != "plain":
        assert hanh.last[0].document == ("danh-muc-minh-chung-demo-2026-2027.xlsx", kept)
        assert hanh.last[1].document[0] == "danh-muc-minh-chung-demo-2026-2027.docx"
    with sessions.begin() as s:
        kept_file(evidence, s.get(SchoolYear, row.id), "evidence_list_docx")[1].write_bytes(
            b"changed")
    answer = await hanh.send("/minhchung")
    assert "không còn nguyên như lúc lưu" in answer
    assert all(r.document is None for r in hanh.last)
