"""The real application sends the monthly check-in through the local Bot API server, which
enforces Telegram's limits; a 429 is waited out, a 502 retried, a 403 marks the person
unreachable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.config import Settings
from bot.telegram.polling import running_bot
from storage.models import Account, OutboxMessage
from tests.reminders.conftest import local, move_to, reading, wait_for


@pytest.fixture
def api(limited_api):
    return limited_api


async def test_check_ins_go_out_through_telegram_within_its_limits(api, env, invites, clock):
    app = build_app(Settings.from_env({**env, "CAITIEN_REMINDER_TICK_SECONDS": "0.5"}),
                    clock=clock)
    trang, bao, mai = api.user(5101, "Trang"), api.user(5102, "Bảo"), api.user(5103, "Mai")
    async with running_bot(app, poll_timeout=0.5):
        for user, phone in ((trang, "0901234503"), (bao, "0901234504"), (mai, "0901234507")):
            user.send(f"/start {invites[phone]}")
            await user.reply()
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1,
                      chat_id=bao.id)
        api.fail_next("sendMessage", 502, "Bad Gateway", chat_id=trang.id)
        api.block(mai.id)
        move_to(clock, local(2026, 11, 25, 8, 0))
        check_in = await trang.reply()
        assert "tháng 11/2026" in check_in.text
        assert "tháng 11/2026" in (await bao.reply()).text  # after its 429, once
        trang.press("✍️ Cập nhật ngay")
        assert "Tình trạng" in (await trang.reply()).text
        await wait_for(reading(app.sessions, lambda session: session.scalar(
            select(Account.unreachable_at).where(Account.chat_id == str(mai.id))) is not None))
    assert len([m for m in bao.all_replies() if "tháng 11/2026" in m.text]) == 1
    with app.sessions() as session:
        statuses = dict(session.execute(select(OutboxMessage.chat_id, OutboxMessage.status)
                                        .where(OutboxMessage.kind == "monthly")).all())
    assert statuses == {str(trang.id): "sent", str(bao.id): "sent", str(mai.id): "unreachable"}
    app.db.dispose()
