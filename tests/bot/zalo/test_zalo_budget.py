"""The Zalo bot's monthly message budget (Basic plan: 3,000 a month, then 429 «Quota
exceeded»), against the fake: every message counted, the principal told, replies first,
check-ins held back or sent through Telegram, a real quota waited out with an hourly probe."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from bot.app import build_app
from bot.config import Settings
from bot.telegram.polling import running_bot
from bot.zalo.fakeapi import FakeZaloApi
from bot.zalo.polling import running_zalo
from storage.models import BotMonth, OutboxMessage
from tests.reminders.conftest import local, move_to, reading, ticks_pass, wait_for

CHECK_IN = "tháng 11/2026"
HANH, TRANG, BAO = "0901234501", "0901234503", "0901234504"  # HT, TTCM, GVCN


def counted(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.coalesce(func.sum(BotMonth.sent), 0))
                              .where(BotMonth.channel == "zalo"))


def budget_app(env: dict, clock, monthly: int):
    return build_app(Settings.from_env({**env, "CAITIEN_REMINDERS": "on",
                                        "CAITIEN_REMINDER_TICK_SECONDS": "0.5",
                                        "ZALO_MONTHLY_MESSAGES": str(monthly)}), clock=clock)


def heard(user, words: str) -> list[str]:
    return [m.text for m in user.all_replies() if words in (m.text or "")]


async def link_zalo(api: FakeZaloApi, user_id: str, code: str, name: str):
    user = api.user(user_id, name)
    user.send(code)
    assert "Đã liên kết" in (await user.reply()).text
    return user


async def test_every_message_counts_the_principal_hears_at_80_and_replies_go_first(
        api, zalo_api, env, zalo_env, invites, clock):
    app = budget_app({**env, **zalo_env}, clock, monthly=10)
    async with running_bot(app, poll_timeout=0.5), running_zalo(app):
        hanh = await link_zalo(zalo_api, "7c0001", invites[HANH], "Hạnh")
        trang = await link_zalo(zalo_api, "7c0003", invites[TRANG], "Trang")
        bao_tg = api.user(5304, "Bảo")
        bao_tg.send(f"/start {invites[BAO]}")
        assert "Đã liên kết" in (await bao_tg.reply()).text
        clock.advance(minutes=1)
        bao = await link_zalo(zalo_api, "7c0004", invites[BAO], "Bảo")  # wrote last on Zalo
        # Each message Zalo took is counted once, replies of a turn included.
        await wait_for(lambda: counted(app) == zalo_api.message_count() >= 3)
        while zalo_api.message_count() < 8:
            trang.send("/nhiemvu")
            await trang.reply()
        await wait_for(lambda: counted(app) >= 8)
        # 80 % of ten: the principal is told once, through Zalo (she has nothing else).
        await wait_for(lambda: heard(hanh, "tin trong tháng 11"))
        assert "/10 tin trong tháng 11" in heard(hanh, "tin trong tháng 11")[0]
        await wait_for(lambda: counted(app) == zalo_api.message_count())
        used = counted(app)
        hanh.send("/tiendo")  # the board's meter
        await wait_for(lambda: heard(hanh, "Tin đã gửi"))
        assert f"Zalo: {used}/10 tin tháng 11" in heard(hanh, "Tin đã gửi")[0]
        # Past 90 %: the month's check-ins are held back on Zalo (Trang has only Zalo) and go
        # through Telegram to Bảo, who has it; a conversation's replies still go.
        move_to(clock, local(2026, 11, 25, 8, 0))
        assert CHECK_IN in (await bao_tg.reply()).text
        await wait_for(reading(app.sessions, lambda session: session.scalar(
            select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.kind == "monthly", OutboxMessage.status == "dropped")) >= 1))
        trang.send("/nhiemvu")
        assert (await trang.reply()).text
        await ticks_pass(app)  # ticks go by: nothing more is sent on Zalo unasked
    assert not [m for m in trang.all_replies() + bao.all_replies() if CHECK_IN in (m.text or "")]
    assert len([m for m in hanh.all_replies() if "tin trong tháng 11" in (m.text or "")]) == 1
    assert counted(app) == zalo_api.message_count()
    app.db.dispose()


def settling(session, clock) -> list[int]:
    """Zalo rows being sent, or due and not yet tried."""
    return list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.channel == "zalo",
        (OutboxMessage.status == "sending") | ((OutboxMessage.status == "pending")
                                               & (OutboxMessage.not_before <= clock.now())))))


@pytest.fixture
def spent_api():
    with FakeZaloApi(monthly_quota=3) as server:
        yield server


async def test_a_real_quota_429_stops_scheduled_sends_probes_hourly_and_ends_with_the_month(
        api, spent_api, env, db_url, tmp_path, invites, clock):
    zalo_env = {"ZALO_BOT_TOKEN": spent_api.token, "ZALO_API_BASE_URL": spent_api.base_url,
                "DATABASE_URL": db_url}
    app = budget_app({**env, **zalo_env}, clock, monthly=3000)
    async with running_bot(app, poll_timeout=0.5), running_zalo(app):
        hanh_tg = api.user(5301, "Hạnh")  # the principal, on Telegram
        hanh_tg.send(f"/start {invites[HANH]}")
        assert "Đã liên kết" in (await hanh_tg.reply()).text
        trang = await link_zalo(spent_api, "7d0003", invites[TRANG], "Trang")
        bao = await link_zalo(spent_api, "7d0004", invites[BAO], "Bảo")
        lan = await link_zalo(spent_api, "7d0005", invites["0901234505"], "Lan")
        assert spent_api.message_count() == 3  # Zalo's quota (of the fake) is spent
        # Our count says 3 of 3,000: the first 429 is read as the per-second limit; the
        # second, after the pause, as the month's quota.
        move_to(clock, local(2026, 11, 25, 8, 0))
        await wait_for(lambda: heard(hanh_tg, "hết lượt gửi tin của tháng 11"))
        await wait_for(reading(app.sessions, lambda session: not settling(session, clock)))
        tries = len(spent_api.calls("sendMessage"))
        # Every tick plans and drains: within the hour not one more try.
        for _ in range(5):
            clock.advance(minutes=10)
            await ticks_pass(app)
        assert len(spent_api.calls("sendMessage")) == tries
        # Next day (held back, the check-ins come again): one probe, not one each.
        move_to(clock, local(2026, 11, 26, 8, 0))
        await wait_for(lambda: len(spent_api.calls("sendMessage")) == tries + 1)
        await ticks_pass(app)
        assert len(spent_api.calls("sendMessage")) == tries + 1
        # The month turns: Zalo's quota is whole again, and what was held back goes.
        spent_api.new_month()
        move_to(clock, local(2026, 12, 1, 8, 0))
        for user in (trang, bao, lan):
            assert CHECK_IN in (await user.reply(timeout=30)).text
    assert len([m for m in hanh_tg.all_replies() if "hết lượt" in (m.text or "")]) == 1
    app.db.dispose()
