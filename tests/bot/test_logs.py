"""The log holds no phone number, token, message text or file name: the real application on
Telegram with everything logged (ours from DEBUG, the libraries' from INFO) through the
filter `caitien run` and `serve` install (Zalo: tests/bot/zalo/test_zalo_logs.py); and the
filter's masks on their own."""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot import logs
from bot.logs import mask
from storage.models import ProcessedEvent

# What a teacher types: words of their own and someone's phone number.
SENTENCE = "Cô Lan dạy mẫu tiết Ngữ văn 8A3, gọi 0987 654 321 nếu cần"
FILE_NAME = "bien-ban-du-gio-co-Lan-8A3.pdf"


async def test_a_telegram_turn_logs_no_phone_sentence_file_name_or_token(api, bot, school,
                                                                       log):
    log.start([api.token])
    bao = api.user(5003, "Bảo", "0901.234.504")
    bao.share_contact()
    assert "Đã liên kết với Phạm Quốc Bảo" in (await bao.reply()).text
    bao.send("/capnhat")
    await bao.reply()
    bao.press("1.")
    await bao.reply()
    bao.press("Hoàn thành")
    await bao.reply()
    bao.send(SENTENCE)
    assert "minh chứng" in (await bao.reply()).text
    bao.send_document(b"%PDF-1.4 the minutes", FILE_NAME, "application/pdf")
    assert "Đã nhận 1 tệp" in (await bao.reply()).text
    bao.press("✅ Xong")
    await bao.reply()
    bao.press("💾 Lưu")
    assert "Đã lưu" in (await bao.reply()).text

    # The libraries did log, URLs with the token in them among others: masked.
    assert any("/bot***/" in line for line in log.lines("httpx"))
    private = ["0901.234.504", "0901234504", "84901234504", "0987 654 321", SENTENCE,
               "Ngữ văn 8A3", FILE_NAME, "bien-ban-du-gio", api.token,
               api.token.partition(":")[2]]
    assert log.leaked(private) == []


def test_a_database_error_logged_names_the_statement_not_the_values(db):
    row = {"channel": "telegram", "event_id": "Lan wrote this",
           "processed_at": datetime.now(timezone.utc)}
    with pytest.raises(IntegrityError) as error, db.begin() as conn:
        conn.execute(insert(ProcessedEvent), [row, row])
    record = logging.LogRecord("handlers", logging.ERROR, __file__, 1, "turn failed", (),
                               (IntegrityError, error.value, error.tb))
    logs.Redact([]).filter(record)
    assert "processed_events" in record.exc_text and "Lan wrote" not in record.exc_text


@pytest.mark.parametrize("written", [
    "0901234504", "0901 234 504", "0901.234.504", "090-123-4504", "+84 901 234 504",
    "84901234504", "+84901234504", "0084901234504", "(+84) 901 234 504", "0387654321"])
def test_phone_numbers_are_masked_however_written(written):
    assert mask(f"contact {written}, linked") == "contact ***, linked"


@pytest.mark.parametrize("number", [
    "5012345678",  # a Telegram chat id: ten digits, never a leading 0
    "8491234567",  # one that starts like the country code
    "-1001234567890",  # a group's
    "6479587498457654387",  # a Zalo id
    "1760000000",  # a Unix time
    "0.912345678",  # a decimal
    "203.0.113.7",  # an address
    "2026-11-02 09:00:00,123",
    "09123456789",  # eleven digits
    "file_0912345678abc",  # inside a Telegram file id
])
def test_ids_counts_and_times_are_left_alone(number):
    assert mask(f"chat {number} waits") == f"chat {number} waits"


def test_sign_in_and_download_paths_lose_their_tokens():
    assert mask('"GET /web/login/Zx9_-kQ2?next=1 HTTP/1.1" 200') == \
        '"GET /web/login/***?next=1 HTTP/1.1" 200'
    assert mask("GET https://x.vn/files/12/1790000000/9f2c1d/B%C3%A1o%20c%C3%A1o.docx 404") \
        == "GET https://x.vn/files/*** 404"
    assert mask("/web/plan?status=late") == "/web/plan?status=late"


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "POST %s for %s", (
        "https://api.telegram.org/bot123:SECRET/sendMessage", "0901234504"), None)
    try:
        raise ValueError("no account for 0901 234 504 at /web/login/abc")
    except ValueError:
        record.exc_info = sys.exc_info()
    logs.Redact(["123:SECRET"]).filter(record)
    assert record.getMessage() == "POST https://api.telegram.org/bot***/sendMessage for ***"
    assert "no account for *** at /web/login/***" in record.exc_text
