"""The plan preview says what will go wrong before anything is written: tasks nobody will be
reminded of, owner phrases that matched nobody, and a plan of another school or year."""

from __future__ import annotations

import io

import docx
from sqlalchemy import select

from storage.models import Plan
from tests.handlers.test_plan_upload import DOCX, HANH, plan_docx
from tests.phuhuu import SEEDS

PROSE = SEEDS / "plan-thcs-narrative-2020-2021.docx"  # Mạo Khê II, 2020-2021
TT57 = SEEDS / "plan-tt57-thcs-2026-2027.docx"  # Hòa Bình, 2026-2027


def plan_year(sessions) -> str:
    with sessions() as s:
        return s.scalar(select(Plan.school_year).order_by(Plan.id.desc()).limit(1))


async def test_another_schools_plan_needs_the_school_typed(chat_as, sessions, school, seed):
    hanh = chat_as(HANH)
    preview = await hanh.send_file(seed(PROSE).read_bytes(), "document", "ke-hoach.docx", DOCX)
    assert "Trong tệp: TRƯỜNG TRUNG HỌC CƠ SỞ MẠO KHÊ II, năm học 2020-2021" in preview
    assert "Trường đang dùng: Trường THCS Hoà Bình (trường giả định), năm học 2026-2027" \
        in preview
    assert "«đúng, nhập vào Hoà Bình»" in preview
    # Nothing matched and nothing is dated: the principal is told, with the way to fix it.
    assert "55 nhiệm vụ sẽ không được nhắc đầy đủ" in preview
    assert "55 nhiệm vụ chưa có người phụ trách khớp với cán bộ — không ai được nhắc" \
        in preview
    assert "55 nhiệm vụ không đọc được thời gian" in preview
    assert "… và 50 nhiệm vụ khác" in preview
    assert "Tải bảng Excel để sửa" in preview and "gửi lại tệp" in preview
    assert "tệp không ghi người phụ trách" in preview
    assert "0 cách ghi đã khớp" not in preview

    refused = await hanh.press("📥 Nhập")
    assert "Chưa nhập" in refused and "«đúng, nhập vào Hoà Bình»" in refused
    assert plan_year(sessions) == "2026-2027"
    assert "gõ đúng" in await hanh.send("nhập")  # the typed word for the button, too
    after_excel = await hanh.press("📊 Tải bảng Excel để sửa")
    assert "gõ «đúng, nhập vào Hoà Bình» để nhập" in after_excel
    assert plan_year(sessions) == "2026-2027"

    imported = await hanh.send("Đúng, nhập vào hoà bình")
    assert "Đã nhập kế hoạch" in imported
    assert "55 nhiệm vụ chưa có người phụ trách — không ai được nhắc" in imported
    assert "55 nhiệm vụ chưa có thời gian" in imported
    assert plan_year(sessions) == "2020-2021"


async def test_the_schools_own_plan_imports_with_one_press(chat_as, sessions, school, seed):
    hanh = chat_as(HANH)
    preview = await hanh.send_file(seed(TT57).read_bytes(), "document", "ke-hoach.docx", DOCX)
    assert "Trong tệp" not in preview and "nhập vào" not in preview
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert plan_year(sessions) == "2026-2027"


async def test_the_same_school_another_year_is_shown_too(chat_as, sessions, school):
    document = docx.Document(io.BytesIO(plan_docx([
        ["1", "Tiêu chí 2.2: Bồi dưỡng giáo viên", "Sinh hoạt chuyên môn", "TTCM"]])))
    document.paragraphs[1].text = "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2025-2026"
    buffer = io.BytesIO()
    document.save(buffer)
    hanh = chat_as(HANH)
    preview = await hanh.send_file(buffer.getvalue(), "document", "cu.docx", DOCX)
    assert "Trong tệp: không ghi tên trường, năm học 2025-2026" in preview
    assert "Trường đang dùng: Trường THCS Hoà Bình (trường giả định), năm học 2026-2027" \
        in preview
    assert "Chưa nhập" in await hanh.send("Nhập")
    assert "Đã hủy" in await hanh.send("/huy") or plan_year(sessions) == "2026-2027"
    assert plan_year(sessions) == "2026-2027"


async def test_owner_phrases_that_matched_nobody_are_shown_as_written(chat_as, school):
    plan = plan_docx([
        ["1", "Tiêu chí 2.2: Bồi dưỡng giáo viên", "Sinh hoạt chuyên môn",
         "Giáo viên các nhóm, lớp"],
        ["2", "Tiêu chí 2.3: Nhân viên", "Bồi dưỡng nhân viên",
         "Giáo viên các tổ, nhóm chuyên môn"],
        ["3", "Tiêu chí 4.1: Phòng bộ môn", "Sửa phòng thí nghiệm", "HT, Hội đồng X"],
    ])
    preview = await chat_as(HANH).send_file(plan, "document", "ke-hoach.docx", DOCX)
    # One role however written with a comma in it: it finds the teachers, nothing is missed.
    assert "«Giáo viên các nhóm, lớp» → Lê Thị Thu Trang, Phạm Quốc Bảo" in preview
    assert "«Giáo viên các nhóm, lớp» —" not in preview and "«lớp»" not in preview
    # «nhóm chuyên môn», split off at a comma, matched nobody: shown with what it was part of.
    assert "«Giáo viên các tổ, nhóm chuyên môn» — 1 nhiệm vụ" in preview
    assert "«Hội đồng X» — 1 nhiệm vụ" in preview
    # «Giáo viên …» found the teachers, «HT» the principal: every task has someone,
    # but no time is given for any.
    assert "chưa có người phụ trách" not in preview
    assert "3 nhiệm vụ không đọc được thời gian" in preview
