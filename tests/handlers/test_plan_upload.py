"""The principal sends the plan as a Word file: preview, then confirm or cancel."""

import io
import subprocess

import docx
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from bot.channels import zalo_caps
from bot.zalo.adapter import ZaloTransport
from handlers.engine import Engine
from readers.plan_files import read_plan
from storage.linking import link_by_contact
from storage.models import Plan, Task
from tests.chat import Chat

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
    assert "«Hội đồng X» — 1 nhiệm vụ" in preview
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


@pytest.mark.parametrize("dialogue", ["/tamdung", "/baocao", "/lich"])
async def test_the_plan_sent_in_the_middle_of_another_dialogue_is_previewed(chat_as, school,
                                                                            dialogue):
    """The file ends the dialogue, as a command would, and is read: not downloaded as if it
    were not wanted, and left without an answer."""
    hanh = chat_as(HANH)
    await hanh.send(dialogue)
    if dialogue == "/lich":
        await hanh.press("➕")  # the board adds a holiday: the dialogue waits for the dates
    preview = await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    assert "Xem trước kế hoạch" in preview
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")


async def test_only_the_board_can_import(chat_as, sessions, school):
    trang = chat_as(TRANG)
    assert "Chỉ Ban giám hiệu" in await trang.send_file(NEW_PLAN, "document", "kh.docx", DOCX)
    assert open_tasks(sessions) == 10


async def test_a_broken_word_file_gets_one_sentence(chat_as, sessions, school):
    hanh = chat_as(HANH)
    assert "bị hỏng" in await hanh.send_file(b"PK\x03\x04junk", "document", "kh.docx", DOCX)
    answer = await hanh.send_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "document",
                                  "kh.doc", "application/msword")
    assert "bị hỏng hoặc không đúng định dạng" in answer
    assert "quá lớn" in await hanh.send_file(b"x", "document", "kh.docx", DOCX,
                                             size=50 * 2**20)
    assert open_tasks(sessions) == 10


async def test_a_plan_saved_as_word_97_is_previewed_as_its_docx(chat_as, sessions, school,
                                                                 tmp_path, seed):
    tt57 = seed("plan-tt57-thcs-2026-2027.docx")
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(tt57)],
                   check=True, capture_output=True)
    hanh = chat_as(HANH)
    preview = await hanh.send_file((tmp_path / f"{tt57.stem}.doc").read_bytes(), "document",
                                   "ke-hoach.doc", "application/msword")
    assert "Xem trước kế hoạch" in preview and "6 tiêu chí, 6 nhiệm vụ" in preview
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert open_tasks(sessions) == 6


def plan_of(draft) -> tuple:
    return (draft.school, draft.framework, draft.level, draft.school_year, [
        (c.id, c.title, c.target, [(t.text, t.owners_text, t.output, t.timeline, t.support,
                                    t.note) for t in c.tasks])
        for c in draft.criteria])


def understood(tmp_path, data: bytes, name: str):
    """The plan as the bot reads the file `name` (what the preview shows)."""
    path = tmp_path / name
    path.write_bytes(data)
    return plan_of(read_plan(path))


@pytest.mark.parametrize("channel", ["test"])
async def test_the_plan_as_understood_comes_as_a_spreadsheet_that_reads_back(
        chat_as, sessions, school, tmp_path):
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    assert "📊 Tải bảng Excel để sửa" in hanh.buttons()
    answer = await hanh.press("📊 Tải bảng Excel")
    sheet, following = hanh.last
    name, data = sheet.document
    assert name == "ke-hoach-cai-tien-demo-2026-2027.xlsx" and "mỗi dòng một nhiệm vụ" in answer
    assert load_workbook(io.BytesIO(data)).active.title == "Kế hoạch"
    assert understood(tmp_path, data, name) == understood(tmp_path, NEW_PLAN, "ke-hoach.docx")
    assert "gửi lại tệp" in following.text and "📥 Nhập kế hoạch" in hanh.buttons()
    assert open_tasks(sessions) == 10  # still only a preview
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert open_tasks(sessions) == 2


async def test_typed_words_ask_for_the_spreadsheet_and_the_preview_stays(chat_as, sessions,
                                                                        school):
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    answer = await hanh.send("tải bảng excel")
    if hanh.typed:  # no files out on plain text: one sentence says where, the choices again
        assert "không gửi được qua kênh này" in answer and "3. 📊 Tải bảng Excel" in answer
    else:
        assert hanh.last[0].document[0].endswith(".xlsx")
    assert "không thay đổi" in await hanh.send("hủy")
    assert open_tasks(sessions) == 10


class FakeZalo:
    """What the Zalo Bot API was asked to send, and what was published for download."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.published: dict[str, bytes] = {}

    async def send_message(self, chat_id: str, text: str) -> dict:
        self.texts.append(text)
        return {"message_id": str(len(self.texts))}

    async def publish(self, name: str, mime_type: str, data: bytes) -> tuple[str, str]:
        self.published[name] = data
        return f"https://truong.example/tai/{name}", "05/11/2026"


async def test_on_zalo_the_spreadsheet_is_a_download_link(sessions, renderer, evidence, clock,
                                                         school, tmp_path):
    caps = zalo_caps(10.0, 1024 * 1024, links=True)
    engine = Engine(sessions, renderer, evidence, clock, channels={"zalo": caps})
    with sessions.begin() as session:
        linked = link_by_contact(session, HANH, "701", "zalo", "701", "701", clock)
        assert linked.outcome == "linked"
    hanh = Chat(engine, 701, "zalo")
    # Zalo brings no files in: the upload goes to the engine directly, to see what the
    # preview sends with Zalo's capabilities.
    await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    assert "3. 📊 Tải bảng Excel để sửa" in await hanh.send("3")
    zalo = FakeZalo()
    transport = ZaloTransport(zalo, caps, renderer, zalo.publish)
    for reply in hanh.last:
        assert (await transport.deliver("701", reply)).outcome == "sent"
    name = "ke-hoach-cai-tien-demo-2026-2027.xlsx"
    assert f"https://truong.example/tai/{name}" in zalo.texts[0]
    assert understood(tmp_path, zalo.published[name], name) == understood(
        tmp_path, NEW_PLAN, "ke-hoach.docx")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("channel", ["test"])
async def test_the_corrected_spreadsheet_sent_back_replaces_the_waiting_file(
        chat_as, sessions, school):
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    await hanh.press("📊 Tải bảng Excel")
    name, data = hanh.last[0].document
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    task_cell = next(c for row in sheet.iter_rows() for c in row
                     if c.value == "Sửa phòng thí nghiệm")
    task_cell.value = "Sửa và trang bị lại phòng thí nghiệm"
    edited = io.BytesIO()
    workbook.save(edited)
    preview = await hanh.send_file(edited.getvalue(), "document", name, XLSX)
    assert "Xem trước kế hoạch" in preview and "2 tiêu chí, 2 nhiệm vụ" in preview
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    with sessions() as s:
        texts = set(s.scalars(select(Task.text).where(Task.closed_at.is_(None))))
    assert "Sửa và trang bị lại phòng thí nghiệm" in texts


async def test_a_wrong_file_while_the_preview_waits_keeps_the_first(chat_as, sessions, school):
    hanh = chat_as(HANH)
    await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx", DOCX)
    answer = await hanh.send_file(plan_docx([]), "document", "trong.docx", DOCX)
    assert "Không tìm thấy tiêu chí nào" in answer
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert open_tasks(sessions) == 2


async def test_a_document_with_no_plan_comes_back_with_the_template(chat_as, sessions, school,
                                                                   tmp_path):
    hanh = chat_as(HANH)
    letter = docx.Document()
    letter.add_paragraph("Kính mời quý phụ huynh dự họp.")
    buffer = io.BytesIO()
    letter.save(buffer)
    answer = await hanh.send_file(buffer.getvalue(), "document", "thu-moi.docx", DOCX)
    assert "Không tìm thấy tiêu chí nào" in answer and "1 đoạn văn, 0 bảng" in answer
    if not hanh.typed:
        name, data = hanh.last[0].document
        assert name.endswith(".xlsx") and "bảng Excel mẫu gửi kèm" in answer
        assert understood(tmp_path, data, name)[4][0][0] == "1.2"
    assert open_tasks(sessions) == 10


async def test_a_photo_or_a_scan_while_the_preview_waits_says_what_to_send(chat_as, sessions,
                                                                          school, evidence):
    """A picture of the plan is not a plan file: one sentence says what to send, and the
    preview read from the Word file still waits for «Nhập»."""
    hanh = chat_as(HANH)
    assert "Xem trước kế hoạch" in await hanh.send_file(NEW_PLAN, "document", "ke-hoach.docx",
                                                          DOCX)
    photo = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(photo, "JPEG")
    assert (await hanh.send_file(photo.getvalue())).startswith(
        "Đây là ảnh chụp, không có chữ để đọc. Hãy gửi bản Word (.docx) của kế hoạch, "
        "hoặc bản PDF xuất thẳng từ Word.")
    scan = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(scan, "PDF")
    answer = await hanh.send_file(scan.getvalue(), "document", "ban-scan.pdf",
                                  "application/pdf")
    assert "Tệp ban-scan.pdf là ảnh chụp hoặc bản scan, không có chữ để đọc." in answer
    assert open_tasks(sessions) == 10
    assert "Đã nhập kế hoạch" in await hanh.press("📥 Nhập")
    assert open_tasks(sessions) == 2
    assert not list(evidence.root.rglob("*.jpg"))  # the photo was not kept as evidence


async def test_a_photo_outside_the_import_is_still_held_as_evidence(chat_as, school):
    hanh = chat_as(HANH)
    assert "Đã nhận 1 tệp" in await hanh.send_file(b"photo")
