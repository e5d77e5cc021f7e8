"""One form of a reply as JSON, for the outbox, the record of an answered event and the
reminders: everything survives the trip, files included unless left out on purpose."""

import json

from core.messages import Button, Reply, reply_from_body, reply_to_body


def test_a_reply_comes_back_from_json_as_it_was():
    reply = Reply("Chọn nhiệm vụ", [[Button("1.", "t:1"), Button("2.", "t:2")]],
                  ask_contact="Chia sẻ số điện thoại", remove_keyboard=True,
                  document=("bao-cao.docx", b"PK\x03\x04 word"), listed=True)
    assert reply_from_body(json.loads(json.dumps(reply_to_body(reply)))) == reply
    chart = Reply("Biểu đồ", photo=b"\x89PNG chart")
    assert reply_from_body(json.loads(json.dumps(reply_to_body(chart)))) == chart


def test_without_files_only_the_words_are_kept():
    body = reply_to_body(Reply("Báo cáo", document=("a.docx", b"x"), photo=b"y"), files=False)
    assert body == {"text": "Báo cáo", "buttons": []}
