"""A plan typed years ago in a TCVN3 font, sent in the chat: the preview shows it read, and
says the font was converted."""

from __future__ import annotations

from tests.handlers.test_plan_upload import DOCX, HANH
from tests.phuhuu import TABLE_PLAN
from tests.readers.legacy_docs import reencode_docx, tcvn3_letters, tcvn3_pieces


async def test_the_preview_says_the_tcvn3_font_was_converted(chat_as, school, tmp_path, seed):
    legacy = tmp_path / "ke-hoach-cu.docx"
    reencode_docx(seed(TABLE_PLAN), legacy, tcvn3_pieces, tcvn3_letters())
    hanh = chat_as(HANH)
    preview = await hanh.send_file(legacy.read_bytes(), "document", "ke-hoach-cu.docx", DOCX)
    assert "Đã chuyển phông TCVN3 sang Unicode." in preview
    assert "• Trường THCS Phú Hữu" in preview and "7 tiêu chí, 7 nhiệm vụ" in preview
    assert "KÕ" not in preview and "ho¹ch" not in preview
