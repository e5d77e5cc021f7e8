"""/baocao as a transcript: the board and the monitoring team get the Word and Excel files;
everyone else one polite sentence."""

from __future__ import annotations

from io import BytesIO

import docx
import openpyxl
import pytest
from sqlalchemy import select

from storage.models import Staff
from tests.chat import Chat
from tests.phuhuu import chat_of

DUC = "0912000003"  # TTCM


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
