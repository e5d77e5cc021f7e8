"""What a careless or hostile person sends: characters nobody types, a file name that is a
spreadsheet formula or 400 characters long, a forged button. Each gets a clear answer and
the update still saves; the report's Excel file shows the name as text."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import openpyxl
from sqlalchemy import select

from reports.report_data import period_of, report_data
from reports.report_files import report_xlsx
from storage.models import Evidence, School, TaskUpdate

MAI = "0901234507"
FORMULA = '=HYPERLINK("http://example.invalid/x","bấm").pdf'


async def test_nul_and_invisible_characters_are_dropped_and_the_update_saves(
        chat_as, sessions, school):
    mai = chat_as(MAI)
    await mai.send("/capnhat")
    await mai.send("2")
    await mai.send("Đã kiểm\x00 kê\u200b 3 phòng.\x07")
    await mai.press("Bỏ qua")
    assert "Đã lưu" in await mai.press("💾 Lưu")
    with sessions() as session:
        assert session.scalar(select(TaskUpdate.done_text)) == "Đã kiểm kê 3 phòng."


async def test_a_formula_file_name_is_text_in_the_excel_report(chat_as, sessions, school,
                                                               renderer):
    mai = chat_as(MAI)
    await mai.send("/capnhat")
    await mai.send("1")
    await mai.send("Xong.")
    long_name = "biên bản " * 60 + ".pdf"
    await mai.send_file(b"%PDF-1.4 a", "document", FORMULA, "application/pdf")
    await mai.send_file(b"%PDF-1.4 b", "document", long_name, "application/pdf")
    await mai.press("✅ Xong")
    assert "Đã lưu" in await mai.press("💾 Lưu")
    with sessions() as session:
        names = session.scalars(select(Evidence.file_name).order_by(Evidence.id)).all()
        assert names[0] == FORMULA.replace("/", "_")  # a name, never a path
        assert len(names[1]) == 300 and names[1].endswith(".pdf")
        here = session.get(School, school.id)
        data = report_data(session, here, period_of(session, here, "year"),
                           date(2026, 11, 2))
    book = openpyxl.load_workbook(BytesIO(report_xlsx(data, renderer)))
    cells = [c for row in book["Minh chứng"].iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


async def test_a_forged_or_overflowing_button_is_a_stale_button(chat_as, school):
    mai = chat_as(MAI)
    for data in ("fix:99999999999999999999999", "r:1e400", "z:" + "9" * 40 + ":3",
                 "task:" + "x" * 500, "\x00"):
        assert "tin nhắn cũ" in await mai.press_data(data)


async def test_a_forged_button_with_other_digits_is_a_stale_button(chat_as, school):
    """«³» and «٣» are digits to str.isdigit() and not to int(): a button naming one is as
    stale as any other forged one, whatever dialogue is going on."""
    mai, hanh = chat_as(MAI), chat_as("0901234501")
    for data in ("fix:³", "r:٣", "z:1:³", "z:²:3"):
        assert "tin nhắn cũ" in await mai.press_data(data)
    await mai.send("/capnhat")
    assert "tin nhắn cũ" in await mai.press_data("task:³")
    await hanh.send("/tamdung")
    for data in ("pause:resume:³", "pause:pick:" + "9" * 30):
        assert "tin nhắn cũ" in await hanh.press_data(data)
    await hanh.send("/huy")
    await hanh.send("/lich")
    await hanh.press("➕")
    for data in ("cal:drop:³", "cal:drop:" + "9" * 30):
        assert "tin nhắn cũ" in await hanh.press_data(data)
