"""The printed invitations: a card per person in Word and in PDF, each with its code and, for
Telegram, a QR code of the person's link."""

from __future__ import annotations

import math
import re
from io import BytesIO

import pytest
import segno
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from reports.invitation_sheet import (CARDS_PER_PAGE, QR_BORDER, Card, invitation_docx,
                                      invitation_pdf, qr_png)

SCHOOL = "Trường THCS Phú Hữu"
EXPIRES = "02/12/2026"
ZALO = "Trợ lý THCS Phú Hữu"


def card(index: int, telegram: bool = True, zalo: bool = True, name: str | None = None,
         group: str | None = "Tổ Toán - Tin") -> Card:
    code = f"K7Q{index % 10}-3XP{chr(65 + index % 26)}"
    return Card(name=name or f"Nguyễn Thị Hương {index}", group=group, code=code,
                telegram_link=f"https://t.me/phuhuu_bot?start={code}" if telegram else None,
                zalo_name=ZALO if zalo else None)


def docx_cards(data: bytes) -> list:
    """The table cells that hold a card (the last row's second cell may be empty)."""
    document = Document(BytesIO(data))
    return [cell for table in document.tables for row in table.rows for cell in row.cells
            if cell.text.strip()]


def pictures(cell) -> list[bytes]:
    part = cell.part
    return [part.related_parts[blip.get(qn("r:embed"))].blob
            for blip in cell._tc.iter(qn("a:blip"))]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def test_the_qr_png_is_the_link_s_code():
    link = "https://t.me/phuhuu_bot?start=K7QM-3XPA"
    png = qr_png(link)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # Reading the modules back off the picture gives the code of the link.
    expected = segno.make(link, error="m").matrix
    image = Image.open(BytesIO(png)).convert("L")
    module = image.width / (len(expected) + 2 * QR_BORDER)
    read = [tuple(int(image.getpixel((int((QR_BORDER + x + 0.5) * module),
                                      int((QR_BORDER + y + 0.5) * module))) < 128)
                  for x in range(len(expected))) for y in range(len(expected))]
    assert read == [tuple(row) for row in expected]


def test_a_word_card_per_person_with_name_code_and_qr(renderer):
    cards = [card(0), card(1, telegram=False), card(2, zalo=False, group=None)]
    data = invitation_docx(SCHOOL, cards, EXPIRES, renderer)
    document = Document(BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.paragraphs[0].text == (
        "Giấy mời dùng trợ lý Kế hoạch cải tiến chất lượng — Trường THCS Phú Hữu")
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None
               for row in document.tables[0].rows)
    cells = docx_cards(data)
    personal = "Mã riêng của thầy/cô, xin đừng chia sẻ cho người khác."
    assert [[p.text for p in cell.paragraphs if p.text] for cell in cells] == [
        ["Nguyễn Thị Hương 0", "Tổ Toán - Tin", "Telegram: quét mã QR bằng điện thoại",
         f"Zalo: nhắn mã K7Q0-3XPA cho «{ZALO}»", "Mã của thầy/cô: K7Q0-3XPA",
         f"Mã dùng được đến {EXPIRES}", personal],
        ["Nguyễn Thị Hương 1", "Tổ Toán - Tin", f"Zalo: nhắn mã K7Q1-3XPB cho «{ZALO}»",
         "Mã của thầy/cô: K7Q1-3XPB", f"Mã dùng được đến {EXPIRES}", personal],
        ["Nguyễn Thị Hương 2", "Telegram: quét mã QR bằng điện thoại",
         "Mã của thầy/cô: K7Q2-3XPC", f"Mã dùng được đến {EXPIRES}", personal]]
    for cell, person in zip(cells, cards):
        name = next(p for p in cell.paragraphs if p.text)
        assert all(run.bold for run in name.runs)
        assert pictures(cell) == ([qr_png(person.telegram_link)] if person.telegram_link
                                  else [])
    assert len(document.inline_shapes) == 2


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (CARDS_PER_PAGE, 1),
                                          (CARDS_PER_PAGE + 1, 2), (10, 2), (17, 3)])
def test_the_pdf_has_eight_cards_a_page(renderer, count, pages):
    data = invitation_pdf(SCHOOL, [card(i, telegram=i % 3 > 0) for i in range(count)],
                          EXPIRES, renderer)
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(data) == pages == max(1, math.ceil(count / CARDS_PER_PAGE))


def test_nobody_to_invite(renderer):
    document = Document(BytesIO(invitation_docx(SCHOOL, [], EXPIRES, renderer)))
    assert [p.text for p in document.paragraphs] == [
        "Giấy mời dùng trợ lý Kế hoạch cải tiến chất lượng — Trường THCS Phú Hữu",
        "Không có thầy/cô nào cần gửi giấy mời."]
    assert not document.tables
    empty = invitation_pdf(SCHOOL, [], EXPIRES, renderer)
    full = invitation_pdf(SCHOOL, [card(i) for i in range(CARDS_PER_PAGE)], EXPIRES, renderer)
    assert 5_000 < len(empty) < len(full)


def test_a_long_name_is_shortened_not_spilled(renderer):
    name = ("Nguyễn Thị Thanh Hương Lan Anh " * 7)[:200]
    long = card(0, name=name, group="Tổ Khoa học Xã hội - Ngoại ngữ - Văn phòng " * 5)
    cells = docx_cards(invitation_docx(SCHOOL, [long, card(1)], EXPIRES, renderer))
    shown = cells[0].paragraphs[1].text
    assert shown.endswith("…") and len(shown) < 100 and name.startswith(shown[:60])
    assert f"Mã của thầy/cô: {long.code}" in cells[0].text
    assert pdf_pages(invitation_pdf(SCHOOL, [long], EXPIRES, renderer)) == 1
