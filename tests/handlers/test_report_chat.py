"""/baocao as a transcript: the board and the monitoring team get the Word and Excel files;
everyone else one polite sentence."""

from __future__ import annotations

from io import BytesIO

import docx
import openpyxl
import pytest
from sqlalchemy import select

from reports import apart
from reports.year_end import close_year, kept_file, read_draft
from storage.models import School, SchoolYear, Staff, Task
from storage.school_years import open_next_year
from storage.updates import record_update
from templates.render import Renderer
from tests.chat import Chat
from tests.conftest import TEST_START
from tests.phuhuu import chat_of
from tests.storage.test_year_close import CLOSING

DUC = "0912000003"  # TTCM
HANH = "0901234501"  # the example school's principal


@pytest.fixture
def as_(engine):
    """as_("Tốt"): that Phú Hữu staff member, linked by the fixture, in a private chat."""
    return lambda name: Chat(engine, int(chat_of(name)))


async def test_the_principal_gets_the_year_report_as_word_and_excel(year_of_updates, as_):
    tot = as_("Tốt")
    assert "giai đoạn nào" in await tot.send("/baocao")
    assert tot.buttons() == ["Học kỳ I", "Cả năm học", "Khoảng ngày khác"]
    caption = await tot.press("Cả năm học")
    assert "Cả năm học, năm học 2023-2024: 2 nhiệm vụ hoàn thành" in caption
    word, excel = tot.last
    assert word.document[0] == "bao-cao-cai-tien-phuhuu-year.docx"
    assert excel.document[0] == "bao-cao-cai-tien-phuhuu-year.xlsx"
    assert len(docx.Document(BytesIO(word.document[1])).tables) >= 3
    assert openpyxl.load_workbook(BytesIO(excel.document[1])).sheetnames[0] == "Báo cáo"


FAILED = ("Xin lỗi, lần này tôi chưa lập được tệp báo cáo. Thầy/cô gửi lại /baocao sau ít "
          "phút để thử lại.")


async def test_a_report_that_cannot_be_built_is_one_sentence_and_loses_nothing(
        year_of_updates, as_, engine, tmp_path):
    """The school's Word template is no Word file: the process building the files fails,
    the principal is told so in one sentence, and the turn is kept: the dialogue is over,
    the next command is answered, and once the template is mended the files come."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "bao-cao-thuc-hien.docx").write_bytes(b"not a Word file")
    bundled, engine.renderer = engine.renderer, Renderer(tmp_path)
    tot = as_("Tốt")
    await tot.send("/baocao")
    assert await tot.press("Cả năm học") == FAILED
    assert "Nhiệm vụ của thầy/cô" in await tot.send("/nhiemvu")
    engine.renderer = bundled
    await tot.send("/baocao")
    assert "2 nhiệm vụ hoàn thành" in await tot.press("Cả năm học")
    assert [r.document[0][-4:] for r in tot.last] == ["docx", "xlsx"]


async def test_a_build_out_of_time_is_stopped_and_the_next_report_gets_a_new_process(
        year_of_updates, as_, monkeypatch):
    tot = as_("Tốt")
    with monkeypatch.context() as patch:
        patch.setattr(apart, "BUILD_SECONDS", 0.0)
        await tot.send("/baocao")
        assert await tot.press("Học kỳ I") == FAILED
    await tot.send("/baocao")
    await tot.press("Học kỳ I")
    assert [r.document[0][-4:] for r in tot.last] == ["docx", "xlsx"]


async def test_a_date_range_typed_in(year_of_updates, as_):
    tot = as_("Tốt")
    await tot.send("/baocao")
    assert "ví dụ" in await tot.press("Khoảng ngày khác")
    assert "chưa hiểu" in await tot.send("học kỳ 2")
    assert "Từ 01/09/2023 đến 31/12/2023" in await tot.send("01/09/2023 đến 31/12/2023")
    assert tot.last[0].document[0] == "bao-cao-cai-tien-phuhuu-20230901-20231231.docx"


async def test_the_monitoring_team_may_and_a_teacher_may_not(year_of_updates, as_,
                                                            sessions):
    duc = as_("Đức")
    assert "Ban giám hiệu và Tổ giám sát" in await duc.send("/baocao")
    assert all(r.document is None for r in duc.last)
    with sessions.begin() as session:
        member = session.scalar(select(Staff).where(Staff.phone_norm == DUC))
        member.roles = [*member.roles, "Tổ giám sát"]
    await duc.send("/baocao")
    await duc.press("Học kỳ I")
    assert [r.document[0][-4:] for r in duc.last] == ["docx", "xlsx", "docx"]
    assert duc.last[2].document[0] == "bao-cao-giam-sat-phuhuu-hk1.docx"


async def test_a_stranger_gets_no_report(year_of_updates, stranger):
    reply = await stranger.send("/baocao")
    assert "chưa biết thầy/cô là ai" in reply
    assert all(r.document is None for r in stranger.last)


async def test_cancel_and_other_commands_leave_the_report_dialogue(year_of_updates, as_):
    tot = as_("Tốt")
    await tot.send("/baocao")
    assert "không lập báo cáo" in await tot.send("/huy")
    await tot.send("/baocao")
    assert "Nhiệm vụ của thầy/cô" in await tot.send("/nhiemvu")
    assert "tin nhắn cũ" in await tot.press_data("rp:year")


async def test_after_the_close_the_whole_year_is_the_kept_report_of_the_closed_year(
        chat_as, channel, sessions, school, clock, evidence, renderer):
    """Closed in June, next year's plan not yet confirmed: «Cả năm học» is the file kept
    that day, byte for byte, labelled as such — not a report that counts later answers."""
    clock.advance(seconds=(CLOSING - TEST_START).total_seconds())
    with sessions.begin() as s:
        row, _ = close_year(s, s.get(School, school.id), clock, evidence, renderer, "cli")
        kept = kept_file(evidence, row, "report")[1].read_bytes()
        row_id = row.id
    clock.advance(days=1)
    with sessions.begin() as s:  # an answer after the close, on last year's plan
        late = s.scalar(select(Task).where(Task.school_id == school.id).order_by(Task.id))
        record_update(s, late, late.owners[0].staff_id, "done", "Đã xong", None, [], clock)
    hanh = chat_as(HANH)
    await hanh.send("/baocao")
    caption = await hanh.press("Cả năm học")
    assert caption.startswith("📄 Báo cáo cả năm học 2026-2027 — bản đã lưu khi kết thúc "
                              "năm học lúc 09:00 15/06/2027")
    assert "Kế hoạch năm học 2027-2028 đang chờ xác nhận" in caption
    word, excel = hanh.last[:2]
    if channel == "plain":  # no files here: the reply names them, the console has them
        assert "«bao-cao-cai-tien-demo-year.docx» không gửi được" in word.text
    else:
        assert word.document == ("bao-cao-cai-tien-demo-year.docx", kept)
        assert openpyxl.load_workbook(BytesIO(excel.document[1])).sheetnames[0] == "Báo cáo"

    with sessions.begin() as s:
        row = s.get(SchoolYear, row_id)
        open_next_year(s, s.get(School, school.id), row, read_draft(
            row.draft, row.draft_name, row, s.get(School, school.id)), clock, "cli")
    await hanh.send("/baocao")
    assert "năm học 2027-2028" in await hanh.press("Cả năm học")
    assert all(r.document is None or r.document[1] != kept for r in hanh.last)


async def test_a_kept_report_gone_from_disk_is_said_so_not_rebuilt(
        chat_as, sessions, school, clock, evidence, renderer):
    clock.advance(seconds=(CLOSING - TEST_START).total_seconds())
    with sessions.begin() as s:
        row, _ = close_year(s, s.get(School, school.id), clock, evidence, renderer, "cli")
        kept_file(evidence, row, "report")[1].unlink()
    hanh = chat_as(HANH)
    await hanh.send("/baocao")
    answer = await hanh.press("Cả năm học")
    assert "Không tìm thấy tệp báo cáo đã lưu của năm học 2026-2027" in answer
    assert all(r.document is None for r in hanh.last)
