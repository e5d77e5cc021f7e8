"""Zalo bots as a pool. Zalo's Basic plan carries 50 people a bot, so a school adds bots with
`caitien school bot --zalo-token`; invitations name the bot with the most room, a person
is linked only through a bot with room and keeps it, the board is told when the pool is
nearly full, and everything for a person goes out through their own bot. Here: two bots
of three people each (ZALO_USERS_PER_BOT=3)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.config import Settings
from bot.zalo.fakeapi import FakeZaloApi, ZaloLimits
from bot.zalo.polling import running_zalo
from storage.models import Account, OutboxMessage, SchoolBot
from storage.school_bots import PoolBot, pool_nearly_full, roomiest
from tests.bot.serving import served
from tests.bot.web.conftest import issue_link, school_id
from tests.reminders.conftest import local, move_to, wait_for

BOT_A, BOT_B = "7100001:POOL-BOT-A", "7100002:POOL-BOT-B"
CHECK_IN = "tháng 11/2026"
HANH, PHUC, TRANG, BAO, LAN, KHOA, MAI = (f"090123450{n}" for n in range(1, 8))


@pytest.fixture
def zalo_api():
    """The platform's own cap above the deployment's limit of 3: the sentences that turn
    people away still reach them."""
    with FakeZaloApi(limits=ZaloLimits(per_second=None, users=5)) as server:
        yield server


@pytest.fixture
def bots(zalo_api):
    return zalo_api.add_bot(BOT_A, "THCS Demo 1"), zalo_api.add_bot(BOT_B, "THCS Demo 2")


@pytest.fixture
def caitien(cli, zalo_env, clock, monkeypatch):
    for name, value in {**zalo_env, "ZALO_USERS_PER_BOT": "3",
                        "CAITIEN_CLOCK_START": clock.now().isoformat()}.items():
        monkeypatch.setenv(name, value)
    return cli


@pytest.fixture
def pooled(caitien, bots, school) -> dict[str, tuple[str, str]]:
    """Both bots added to the demo school's pool; phone → (code, the bot its invitation
    names)."""
    for token in (BOT_A, BOT_B):
        code, out, err = caitien("school", "bot", "--school", "demo", "--zalo-token", token)
        assert code == 0, err
    assert "trường có 2 bot Zalo, nhận tối đa 6 người" in out
    code, out, err = caitien("invite", "--school", "demo", "--json")
    assert code == 0, err
    return {row["phone"].replace(" ", "").replace(".", "").replace("+84", "0"):
            (row["code"], row["zalo"]) for row in json.loads(out)}


@pytest.fixture
def pool_env(zalo_env) -> dict[str, str]:
    return {**zalo_env, "ZALO_USERS_PER_BOT": "3", "CAITIEN_REMINDERS": "on",
            "CAITIEN_REMINDER_TICK_SECONDS": "0.5"}


def test_adding_a_bot_checks_it_with_getme_and_the_list_shows_its_people(caitien, bots,
                                                                          school):
    code, out, err = caitien("school", "bot", "--school", "demo", "--zalo-token",
                             "7100009:NOT-A-BOT")
    assert code != 0 and "Zalo không chấp nhận token này" in err
    code, out, err = caitien("school", "bot", "--school", "demo", "--zalo-token", BOT_A)
    assert code == 0 and "Đã thêm bot Zalo «THCS Demo 1» cho trường demo" in out
    code, out, err = caitien("school", "bot", "--school", "demo", "--zalo-token", BOT_A)
    assert code == 0  # the same bot again: still one
    code, out, err = caitien("school", "bot", "--school", "demo")
    assert code == 0
    assert "«THCS Demo 1»: 0/3 người" in out and "«THCS Demo 2»" not in out
    code, out, err = caitien("school", "bot", "--school", "demo", "--zalo-token",
                             "1234567890:ZALO-LOCAL-TOKEN")
    assert code != 0 and "bot Zalo chung của hệ thống" in err
    assert caitien("school", "add", "khac")[0] == 0
    code, out, err = caitien("school", "bot", "--school", "khac", "--zalo-token", BOT_A)
    assert code != 0 and "«THCS Demo 1» đang là bot của trường demo" in err


def test_the_board_is_told_at_45_of_50_on_a_single_bot():
    assert not pool_nearly_full([PoolBot(None, "Caitien", 44, 50)])
    assert pool_nearly_full([PoolBot(None, "Caitien", 45, 50)])
    assert not pool_nearly_full([PoolBot(None, "A", 45, 50), PoolBot("2", "B", 0, 50)])
    assert roomiest([PoolBot(None, "A", 50, 50), PoolBot("2", "B", 50, 50)]) is None


def test_invitations_name_the_bots_in_turn(pooled):
    named = [pooled[phone][1] for phone in (HANH, PHUC, TRANG, BAO, LAN, KHOA)]
    assert {named[0], named[1]} == {"THCS Demo 1", "THCS Demo 2"}
    assert named == named[:2] * 3


async def test_people_land_on_bots_with_room_the_board_is_told_before_anyone_is_turned_away(
        zalo_api, bots, pooled, pool_env, clock):
    bot_a, bot_b = bots
    app = build_app(Settings.from_env(pool_env), clock=clock)
    on_a = {p: bot_a.user(f"a{p[-3:]}", p) for p in (HANH, TRANG, LAN, BAO, MAI)}
    on_b = {p: bot_b.user(f"b{p[-3:]}", p) for p in (PHUC, BAO, KHOA)}
    async with running_zalo(app):
        for user, phone in ((on_a[HANH], HANH), (on_b[PHUC], PHUC), (on_a[TRANG], TRANG),
                            (on_a[LAN], LAN)):
            user.send(pooled[phone][0])
            assert "Đã liên kết" in (await user.reply()).text
        # Bot 1 carries three: Bảo, writing to it, is sent to the other one.
        on_a[BAO].send(pooled[BAO][0])
        assert (await on_a[BAO].reply()).text == (
            "Bot này đã đủ người, thầy/cô hãy gửi mã liên kết tới bot «THCS Demo 2» trên Zalo.")
        on_b[BAO].send(pooled[BAO][0])
        assert "Đã liên kết" in (await on_b[BAO].reply()).text
        assert not await asyncio.to_thread(_notices, app)  # five of six: not yet
        on_b[KHOA].send(pooled[KHOA][0])  # the sixth of six
        assert "Đã liên kết" in (await on_b[KHOA].reply()).text
        # The principal and the vice-principal, each through their own bot.
        for user in (on_a[HANH], on_b[PHUC]):
            told = await told_about(user, "Bot Zalo của trường đã đủ người (6/6)")
            assert "caitien school bot --school demo --zalo-token <token>" in told
        on_a[MAI].send(pooled[MAI][0])  # the seventh
        assert (await on_a[MAI].reply()).text.startswith(
            "Các bot Zalo của trường đã đủ người nên chưa liên kết được")
        assert len(await asyncio.to_thread(_notices, app)) == 2  # told once, each of two
        move_to(clock, local(2026, 11, 25, 8, 0))
        for user in (on_a[TRANG], on_a[LAN], on_b[BAO], on_b[KHOA]):
            await told_about(user, CHECK_IN)
    assert not [m for m in on_a[BAO].all_replies() if CHECK_IN in (m.text or "")]
    with app.sessions() as session:
        accounts = dict(session.execute(select(Account.chat_id, Account.bot)
                                        .where(Account.channel == "zalo")).all())
        lanes = dict(session.execute(select(OutboxMessage.chat_id, OutboxMessage.bot)
                                     .where(OutboxMessage.kind == "monthly")).all())
    key_a, key_b = BOT_A.split(":")[0], BOT_B.split(":")[0]
    assert accounts == {on_a[HANH].id: key_a, on_a[TRANG].id: key_a, on_a[LAN].id: key_a,
                        on_b[PHUC].id: key_b, on_b[BAO].id: key_b, on_b[KHOA].id: key_b}
    assert {lanes[user.id] for user in (on_a[TRANG], on_a[LAN])} == {key_a}
    assert {lanes[user.id] for user in (on_b[BAO], on_b[KHOA])} == {key_b}
    app.db.dispose()


async def test_served_each_bot_has_its_own_webhook_path_and_secret(
        zalo_api, bots, pooled, pool_env, caitien, clock, public_port):
    """One person a bot here: the two who link fill the pool, and the staff page says so."""
    bot_a, bot_b = bots
    app = build_app(Settings.from_env({**pool_env, "ZALO_USERS_PER_BOT": "1"}), clock=clock)
    trang, bao = bot_a.user("a503", "Trang"), bot_b.user("b504", "Bảo")
    async with served(app, public_port) as url:
        code, _, err = await asyncio.to_thread(
            caitien, "webhook", "set", "--channel", "zalo", "--url", url)
        assert code == 0, err
        assert bot_b.state.webhook_url == f"{url}/zalo/webhook/{BOT_B.split(':')[0]}"
        assert bot_a.state.webhook_secret != bot_b.state.webhook_secret
        trang.send(pooled[TRANG][0])
        bao.send(pooled[BAO][0])
        assert "Đã liên kết" in (await trang.reply()).text
        assert "Đã liên kết" in (await bao.reply()).text
        async with httpx.AsyncClient(base_url=url) as principal:
            signed = await principal.post(f"/web/login/{issue_link(app, HANH)}")
            assert signed.status_code == 303
            page = (await principal.get(f"/web/s/{school_id(app)}/staff")).text
    assert "«THCS Demo 1» 1/1 người" in page and "«THCS Demo 2» 1/1 người" in page
    assert "Sắp hết chỗ" in page and "--zalo-token &lt;token&gt;" in page
    assert bot_a.webhook_pushes() == [200] and bot_b.webhook_pushes() == [200]
    with app.sessions() as session:
        secrets = session.scalars(select(SchoolBot.webhook_secret)).all()
    assert sorted(secrets) == sorted([bot_a.state.webhook_secret, bot_b.state.webhook_secret])
    app.db.dispose()


def _notices(app) -> list[str]:
    with app.sessions() as session:
        return session.scalars(select(OutboxMessage.chat_id)
                               .where(OutboxMessage.kind == "notice")).all()


async def told_about(user, words: str) -> str:
    """The message from the bot that says `words` (reminders and alerts come beside it)."""
    await wait_for(lambda: any(words in (m.text or "") for m in user.all_replies()),
                   timeout=15)
    return next(m.text for m in user.all_replies() if words in (m.text or ""))
