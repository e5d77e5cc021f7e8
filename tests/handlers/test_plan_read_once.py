"""A plan sent in chat is read once, before the turn's transaction: the preview, the Excel
copy and «Nhập» all use that one reading, and while it goes on nobody waits for the
database."""

import asyncio
import subprocess
import threading

import pytest
from sqlalchemy import func, select

from handlers import plan_upload
from handlers.engine import Engine
from storage.models import Staff, Task, Upload
from storage.schools import pick_school
from tests.writes import writes_open
from tests.handlers.test_plan_upload import DOCX, HANH, NEW_PLAN, plan_docx

OTHER_PLAN = plan_docx([["1", "Tiêu chí 1.1: Kế hoạch nhà trường", "Viết lại kế hoạch", "HT"]])
OTHER_PRINCIPAL = "0907000001"


@pytest.fixture
def readings(monkeypatch) -> list[list[str]]:
    """The reading processes started (`python -m readers.isolated`), as they start."""
    started: list[list[str]] = []

    class Counted(subprocess.Popen):
        def __init__(self, args, *rest, **options):
            if list(args[1:]) == ["-m", "readers.isolated"]:
                started.append(list(args))
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", Counted)
    return started


def open_task_texts(sessions) -> set[str]:
    with sessions() as s:
        return set(s.scalars(select(Task.text).where(Task.closed_at.is_(None))))


async def test_one_reading_process_from_the_file_to_the_import(chat_as, sessions, school,
                                                                readings):
    hanh = chat_as(HANH)
    assert "Xem trước kế hoạch" in await hanh.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    assert len(readings) == 1
    await hanh.press("📊 Tải bảng Excel")
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert len(readings) == 1


async def test_a_corrected_file_is_read_once_too(chat_as, sessions, school, readings):
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    assert "Xem trước kế hoạch" in await hanh.send_file(OTHER_PLAN, "document", "kh2.docx",
                                                         DOCX)
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert len(readings) == 2
    assert open_task_texts(sessions) == {"Viết lại kế hoạch"}


async def test_the_import_is_what_the_preview_showed_whatever_the_file_reads_as_now(
        chat_as, sessions, school, monkeypatch, tmp_path):
    hanh = chat_as(HANH)
    preview = await hanh.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    assert "2 tiêu chí, 2 nhiệm vụ" in preview
    # From here on, reading the file would give another plan.
    other = tmp_path / "other.docx"
    other.write_bytes(OTHER_PLAN)
    real = plan_upload.read_plan_isolated
    monkeypatch.setattr(plan_upload, "read_plan_isolated", lambda *_: real(other))
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert open_task_texts(sessions) == {
        "Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học", "Sửa phòng thí nghiệm"}


async def test_a_slow_reading_holds_no_write_and_another_school_goes_on(
        chat_as, sessions, school, clock, db, monkeypatch):
    with sessions.begin() as session:
        other = pick_school(session, "khac", clock, create=True)
        session.add(Staff(school_id=other.id, name="Hiệu trưởng Khác", phone=OTHER_PRINCIPAL,
                          phone_norm=OTHER_PRINCIPAL, roles=["HT"]))
    reading, release = threading.Event(), threading.Event()
    seen: list[int] = []
    real = plan_upload.read_plan_isolated

    def slow(*args):
        seen.append(writes_open(db))
        reading.set()
        release.wait()
        return real(*args)

    monkeypatch.setattr(plan_upload, "read_plan_isolated", slow)
    hanh, khac = chat_as(HANH), chat_as(OTHER_PRINCIPAL)
    upload = asyncio.create_task(hanh.send_file(NEW_PLAN, "document", "kh.docx", DOCX))
    try:
        await asyncio.to_thread(reading.wait)
        assert seen == [0]
        # While the file is being read:
        assert "Không có thao tác nào đang dở" in await khac.send("/huy")
        assert not upload.done()
    finally:
        release.set()  # a failure above does not leave the reading waiting forever
    assert "Xem trước kế hoạch" in await upload
    with sessions() as s:
        assert s.scalar(select(func.count(Task.id)).where(Task.closed_at.is_(None))) == 10


@pytest.mark.parametrize("kept", [None, {"criteria": "not a list"}, {"criteria": [{}]}])
async def test_an_upload_without_a_plan_this_version_reads_is_sent_again(chat_as, sessions,
                                                                          school, kept):
    """Kept before the plan was kept with it (None), or by another version: «Nhập» imports
    nothing and says so; the current plan stays, the file is dropped (it is sent again)."""
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    with sessions.begin() as s:
        s.scalar(select(Upload)).draft = kept
    assert "kế hoạch đang dùng không thay đổi" in await hanh.press("📥 Nhập")
    assert len(open_task_texts(sessions)) == 10
    with sessions() as s:
        assert s.scalar(select(func.count(Upload.id))) == 0


async def test_a_plan_file_that_was_not_read_ahead_is_asked_for_again(chat_as, sessions,
                                                                      school, monkeypatch):
    """Were the person's state to change between the download and the turn, the file would
    reach the preview unread: it is asked for again, never read inside the transaction."""
    async def not_read(self, target, stored):
        return None

    monkeypatch.setattr(Engine, "_read_plan", not_read)
    hanh = chat_as(HANH)
    assert "gửi lại" in await hanh.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    with sessions() as s:
        assert s.scalar(select(func.count(Upload.id))) == 0
