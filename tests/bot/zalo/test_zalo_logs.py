"""On Zalo too, the log holds no invitation code, message text, token or download link:
a teacher's turn and a principal's report downloaded from its links, with everything logged
through caitien's filter."""

from __future__ import annotations

import httpx

# What a teacher types: words of their own and someone's phone number.
SENTENCE = "Cô Lan dạy mẫu tiết Ngữ văn 8A3, gọi 0987 654 321 nếu cần"


async def test_a_zalo_turn_and_a_download_link_log_no_code_sentence_or_link(
        zalo_api, zalo_served, zalo_invites, zalo_app, log):
    log.start([zalo_api.token])
    code = zalo_invites["0901234503"]
    trang = zalo_api.user("a1b2c3d4e5f60001", "Trang")
    trang.send(code)
    assert "Đã liên kết" in (await trang.reply()).text
    for typed in ("/capnhat", "1", "hoàn thành", SENTENCE):
        trang.send(typed)
        await trang.reply()
    trang.send_image(b"\xff\xd8\xff\xe0" + b"evidence" * 50)
    assert "Đã nhận 1" in (await trang.reply()).text
    for typed in ("xong", "lưu"):
        trang.send(typed)
        await trang.reply()

    hanh = zalo_api.user("b0b0b0b0b0b00001", "Hạnh")
    hanh.send(zalo_invites["0901234501"])
    await hanh.reply()
    hanh.send("/baocao")
    await hanh.reply()
    hanh.send("2")
    texts = [m.text for m in await hanh.replies(2)]
    links = [line for text in texts for line in text.splitlines()
             if line.startswith(zalo_served)]
    async with httpx.AsyncClient() as http:
        assert [(await http.get(link)).status_code for link in links] == [200, 200]

    assert any("/bot***/" in line for line in log.lines("httpx"))
    signatures = [link.split("/")[-2] for link in links]
    private = [code, code.replace("-", ""), SENTENCE, "0987 654 321", zalo_api.token,
               *signatures]
    assert log.leaked(private) == []
