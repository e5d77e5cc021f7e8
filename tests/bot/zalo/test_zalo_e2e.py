"""A teacher and a principal on Zalo, through the real application and HTTP, end to end."""

from __future__ import annotations

import io

import docx
import httpx
from sqlalchemy import select

from core.messages import Reply
from storage.models import Evidence, TaskUpdate
from tests.bot.zalo.test_zalo_webhook import inbox_rows
from tests.reminders.conftest import wait_for

PHOTO = b"\xff\xd8\xff\xe0" + b"evidence-photo" * 50


async def test_link_by_code_then_update_a_task_with_a_photo(zalo_api, zalo_polling,
                                                          zalo_invites, tmp_path):
    trang = zalo_api.user("a1b2c3d4e5f60001", "Trang")
    code = zalo_invites["0901234503"]
    trang.send(code.lower().replace("-", " "))
    assert "Đã liên kết với Lê Thị Thu Trang" in (await trang.reply()).text

    trang.send("/capnhat")
    question = (await trang.reply()).text
    assert "Gõ số" in question or "1." in question
    trang.send("1")
    assert "Tình trạng" in (await trang.reply()).text
    trang.send("hoàn thành")
    assert "đã làm được gì" in (await trang.reply()).text
    trang.send("Tổ dự giờ 4 tiết, góp ý 2 chuyên đề.")
    assert "minh chứng" in (await trang.reply()).text
    trang.send_image(PHOTO)
    assert "Đã nhận 1" in (await trang.reply()).text
    trang.send("xong")
    summary = (await trang.reply()).text
    assert "Kiểm tra lại" in summary and len(summary) <= 2000
    trang.send("lưu")
    assert "Đã lưu" in (await trang.reply()).text
    with zalo_polling.sessions() as s:
        update = s.scalar(select(TaskUpdate))
        assert update.author.name == "Lê Thị Thu Trang" and update.status == "done"
        photo = s.scalar(select(Evidence))
        assert (photo.kind, photo.size) == ("photo", len(PHOTO))
        assert (tmp_path / "evidence" / photo.path).read_bytes() == PHOTO


async def test_the_principals_report_arrives_as_links_that_download_the_files(
        zalo_api, zalo_served, zalo_invites, zalo_app, clock):
    hanh = zalo_api.user("b0b0b0b0b0b00001", "Hạnh")
    hanh.send(zalo_invites["0901234501"])
    assert "Đã liên kết với Nguyễn Thị Minh Hạnh" in (await hanh.reply()).text
    hanh.send("/baocao")
    assert "giai đoạn nào" in (await hanh.reply()).text
    hanh.send("2")  # Cả năm học
    texts = [m.text for m in await hanh.replies(2)]
    links = [line for text in texts for line in text.splitlines()
             if line.startswith(zalo_served)]
    assert len(links) == 2, texts
    async with httpx.AsyncClient() as http:
        word = await http.get(links[0])
        excel = await http.get(links[1])
        assert word.status_code == excel.status_code == 200
        assert len(docx.Document(io.BytesIO(word.content)).tables) >= 1
        assert excel.content[:2] == b"PK"
        assert "attachment" in word.headers["content-disposition"]
        # Altered (another file's id, a forged expiry, a wrong signature): 404.
        parts = links[0].split("/")
        for index, value in ((-4, str(int(parts[-4]) + 1)), (-3, str(int(parts[-3]) + 60)),
                             (-2, "0" * 32)):
            altered = "/".join(parts[:index] + [value] + parts[index + 1:])
            gone = await http.get(altered)
            assert gone.status_code == 404 and "hết hạn hoặc không đúng" in gone.text
        clock.advance(hours=73)
        assert (await http.get(links[0])).status_code == 404


async def test_a_long_reply_goes_in_pieces_cut_at_line_ends(zalo_api, zalo_polling):
    transport = zalo_polling.transports["zalo"]
    lines = [f"{n:03d}. " + "nhiệm vụ " * 20 for n in range(30)]
    delivery = await transport.deliver("c0ffee", Reply("\n".join(lines)))
    assert delivery.outcome == "sent"
    pieces = [m.text for m in zalo_api.sent_to("c0ffee")]
    assert len(pieces) == 3 and all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces).splitlines() == lines  # no line cut in two


async def test_in_a_zalo_group_the_board_hears_the_digest_comes_privately(
        zalo_api, zalo_polling, zalo_invites):
    hanh = zalo_api.user("b0b0b0b0b0b00002", "Hạnh")
    hanh.send(zalo_invites["0901234501"])
    await hanh.reply()
    hanh.send_in_group("9r0up", "/dangky")
    # Answered, and the update out of the inbox: its turn is over, nothing more will come.
    await wait_for(lambda: zalo_api.sent_to("9r0up") and not inbox_rows(zalo_polling))
    (answer,) = zalo_api.sent_to("9r0up")
    assert "gửi riêng cho từng thành viên Ban giám hiệu" in answer.text


async def test_the_digest_chart_goes_as_a_photo_zalo_fetches_from_its_link(
        zalo_api, zalo_served, zalo_app):
    transport = zalo_app.transports["zalo"]
    chart = b"\x89PNG\r\n\x1a\n" + b"chart" * 300
    delivery = await transport.deliver("b0a4d", Reply("📊 Biểu đồ tiến độ", photo=chart))
    assert delivery.outcome == "sent"
    (sent,) = zalo_api.sent_to("b0a4d")
    assert sent.kind == "photo" and sent.data == chart and sent.text == "📊 Biểu đồ tiến độ"
    assert sent.photo_url.startswith(zalo_served + "/files/")


async def test_a_signature_no_link_could_carry_is_404_too(zalo_served):
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{zalo_served}/files/1/9999999999/%C3%A9t%C3%A9/a.docx")
    assert answer.status_code == 404


async def test_the_evidence_list_arrives_on_zalo_as_two_links_that_download(
        zalo_api, zalo_served, zalo_invites):
    hanh = zalo_api.user("b0b0b0b0b0b00002", "Hạnh")
    hanh.send(zalo_invites["0901234501"])
    assert "Đã liên kết" in (await hanh.reply()).text
    hanh.send("/minhchung")
    texts = [m.text for m in await hanh.replies(2)]
    links = [line for text in texts for line in text.splitlines()
             if line.startswith(zalo_served)]
    assert len(links) == 2, texts
    async with httpx.AsyncClient() as http:
        excel, word = [await http.get(link) for link in links]
    assert excel.status_code == word.status_code == 200
    assert docx.Document(io.BytesIO(word.content)).tables[1].rows[0].cells[0].text == "TT"
