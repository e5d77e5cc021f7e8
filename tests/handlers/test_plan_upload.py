"""The principal sends the plan as a Word file: preview, then confirm or cancel."""

import io

import docx
from sqlalchemy import func, select

from storage.models import Plan, Task

HANH = "0901234501"  # HT
TRANG = "0901234503"  # TTCM
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plan_docx(rows) -> bytes:
    document = docx.Document()
    document.add_paragraph("Căn cứ Thông tư số 57/2026/TT-BGDĐT")
    document.add_paragraph("KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2026-2027")
    table = document.add_table(rows=1 + len(rows), cols=4)
    for c, text in enumerate(["TT", "Nội dung cải tiến", "Hoạt động/giải pháp",
                              "Đơn vị/cá nhân phụ trách"]):
        table.cell(0, c).text = text
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


NEW_PLAN = plan_docx([
    ["1", "Tiêu chí 2.2: Bồi dưỡng giáo viên", "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học", "TTCM, GVBM"],
    ["2", "Tiêu chí 4.1: Phòng bộ môn", "Sửa phòng thí nghiệm", "HT, Hội đồng X, UBND xã"],
])


def open_tasks(sessions):
    with sessions() as s:
        return s.scalar(select(func.count(Task.id)).where(Task.closed_at.is_(None)))


async def test_preview_then_import(chat_as, sessions, school, evidence):
    hanh = chat_as(HANH)
    preview = await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    assert "Xem trước kế hoạch" in preview
    assert "Thông tư 57/2026" in preview and "năm học 2026-2027" in preview
    assert "2 tiêu chí, 2 nhiệm vụ" in preview
    assert "1 nhiệm vụ mới, 1 giữ nguyên, 0 điều chỉnh, 9 sẽ đóng lại" in preview
    assert "Chưa khớp được: «Hội đồng X»" in preview
    assert "«HT» → Nguyễn Thị Minh Hạnh" in preview
    assert open_tasks(sessions) == 10  # nothing written yet
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert open_tasks(sessions) == 2
    with sessions() as s:
        assert s.scalar(select(Plan.framework)) == "TT57/2026"
    assert [p for p in evidence.root.rglob("*.docx")]  # the signed file is kept


async def test_cancel_keeps_the_plan_and_drops_the_file(chat_as, sessions, school, evidence):
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    assert "Tiêu chí 2.2" not in await hanh.send("xin chào")  # asked again, nothing done
    assert "Nhập kế hoạch" in hanh.buttons()[0]
    assert "không thay đổi" in await hanh.send("/huy")
    assert open_tasks(sessions) == 10
    assert not [p for p in evidence.root.rglob("*") if p.is_file()]


async def test_only_the_board_can_import(chat_as, sessions, school):
    trang = chat_as(TRANG)
    assert "Chỉ Ban giám hiệu" in await trang.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    assert open_tasks(sessions) == 10


async def test_a_broken_or_old_word_file_gets_one_sentence(chat_as, sessions, school):
    hanh = chat_as(HANH)
    assert "bị hỏng" in await hanh.send_file(b"PK\x03\x04junk", "document", "kh.docx", DOCX)
    answer = await hanh.send_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "document",
                                  "kh.doc", "application/msword")
    assert "Word cũ (.doc)" in answer
    assert "quá lớn" in await hanh.send_file(b"x", "document", "kh.docx", DOCX,
                                             size=50 * 2**20)
    assert open_tasks(sessions) == 10
