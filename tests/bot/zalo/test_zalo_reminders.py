"""Reminders, digests and alerts on Zalo: the same outbox, Zalo's own limits, and one
channel per person (the one they wrote from last)."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.config import Settings
from bot.telegram.polling import running_bot
from bot.zalo.polling import running_zalo
from storage.models import Account, OutboxMessage
from tests.reminders.conftest import local, move_to, reading, ticks_pass, wait_for

CHECK_IN = "tháng 11/2026"


@pytest.fixture
def both_env(env, zalo_env) -> dict[str, str]:
    """Telegram and Zalo in one process, one database, reminders on."""
    return {**env, **zalo_env, "CAITIEN_REMINDERS": "on",
            "CAITIEN_REMINDER_TICK_SECONDS": "0.5"}


async def test_a_person_on_both_channels_is_reminded_once_where_they_wrote_last(
        api, zalo_api, both_env, invites, clock):
    app = build_app(Settings.from_env(both_env), clock=clock)
    code = invites["0901234503"]
    on_telegram, on_zalo = api.user(5201, "Trang"), zalo_api.user("7a0001", "Trang")
    bao = zalo_api.user("7a0002", "Bảo")
    async with running_bot(app, poll_timeout=0.5), running_zalo(app):
        on_telegram.send(f"/start {code}")
        assert "Đã liên kết" in (await on_telegram.reply()).text
        on_zalo.send(code)
        assert "Đã liên kết" in (await on_zalo.reply()).text
        bao.send(invites["0901234504"])
        await bao.reply()
        clock.advance(minutes=5)
        on_telegram.send("/nhiemvu")  # Trang wrote last on Telegram
        await on_telegram.reply()
        move_to(clock, local(2026, 11, 25, 8, 0))
        assert CHECK_IN in (await on_telegram.reply()).text
        assert CHECK_IN in (await bao.reply()).text  # Bảo is on Zalo only
        assert "1. ✍️ Cập nhật ngay" in bao.all_replies()[-1].text  # choices, numbered
        bao.send("1")  # typing the number takes the reminder's choice
        assert "Tình trạng" in (await bao.reply()).text
        await ticks_pass(app)
    assert not [m for m in on_zalo.all_replies() if CHECK_IN in (m.text or "")]
    app.db.dispose()


async def test_quota_exceeded_is_waited_out_and_a_blocked_person_is_unreachable(
        zalo_api, zalo_env, zalo_invites, clock):
    app = build_app(Settings.from_env({**zalo_env, "CAITIEN_REMINDERS": "on",
                                       "CAITIEN_REMINDER_TICK_SECONDS": "0.5"}), clock=clock)
    trang, mai = zalo_api.user("7b0001", "Trang"), zalo_api.user("7b0002", "Mai")
    async with running_zalo(app):
        for user, phone in ((trang, "0901234503"), (mai, "0901234507")):
            user.send(zalo_invites[phone])
            await user.reply()
        zalo_api.fail_next("sendMessage", 429, "Quota exceeded")
        zalo_api.block(mai.id)
        move_to(clock, local(2026, 11, 25, 8, 0))
        assert CHECK_IN in (await trang.reply()).text
        await wait_for(reading(app.sessions, lambda session: session.scalar(
            select(Account.unreachable_at).where(Account.chat_id == mai.id)) is not None))
    assert len([m for m in trang.all_replies() if CHECK_IN in m.text]) == 1
    with app.sessions() as session:
        statuses = dict(session.execute(select(OutboxMessage.chat_id, OutboxMessage.status)
                                        .where(OutboxMessage.kind == "monthly")).all())
    assert statuses == {trang.id: "sent", mai.id: "unreachable"}
    app.db.dispose()
