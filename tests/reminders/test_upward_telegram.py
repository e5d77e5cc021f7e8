"""The real application sends the overdue alert, the weekly digest with its chart and the
report documents through the local Bot API server."""

from __future__ import annotations

from io import BytesIO

import docx
from sqlalchemy import select

from bot.app import build_app
from bot.config import Settings
from bot.telegram.polling import running_bot
from storage.models import OutboxMessage
from tests.reminders.conftest import local, move_to, reading, wait_for


async def test_digest_alerts_and_report_go_out_through_telegram(api, env, invites, clock):
    app = build_app(Settings.from_env({**env, "CAITIEN_REMINDER_TICK_SECONDS": "0.5"}),
                    clock=clock)
    hanh = api.user(5201, "Hạnh")
    async with running_bot(app, poll_timeout=0.5):
        hanh.send(f"/start {invites['0901234501']}")
        await hanh.reply()
        # 1.1 was due 31/10: she hears it that morning (Monday 2/11), once.
        await wait_for(lambda: any("quá 2 ngày" in (m.text or "") for m in hanh.all_replies()))
        move_to(clock, local(2026, 11, 30, 8, 0))  # a Monday: digest day
        await wait_for(reading(app.sessions, lambda session: session.scalar(
            select(OutboxMessage.kind).where(OutboxMessage.status == "sent")
            .order_by(OutboxMessage.id.desc()).limit(1)) == "monthly"))
        hanh.send("/baocao")
        await wait_for(lambda: any("giai đoạn nào" in (m.text or "")
                                   for m in hanh.all_replies()))
        hanh.press("Cả năm học")
        await wait_for(lambda: len([m for m in hanh.all_replies() if m.kind == "document"]) == 2)
    sent = hanh.all_replies()
    (alert,) = [m for m in sent if "quá hạn" in (m.text or "") and "[1.1]" in m.text]
    assert "Chọn «Cập nhật ngay»" in alert.text
    # The check-in she missed while the clock jumped goes with Monday's digest: one message.
    (digest,) = [m for m in sent if "📊 Tuần này" in (m.text or "")]
    assert "Hoàn thành 0/10 nhiệm vụ cải tiến" in digest.text
    assert digest.text.index("tháng 11/2026") < digest.text.index("📊 Tuần này")
    chart = next(m for m in sent if m.kind == "photo")
    assert chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert sent.index(chart) == sent.index(digest) + 1
    word, excel = [m for m in sent if m.kind == "document"]
    assert word.file_name.endswith(".docx") and excel.file_name.endswith(".xlsx")
    assert len(docx.Document(BytesIO(word.data)).tables) >= 3
    app.db.dispose()
