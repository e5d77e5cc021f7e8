"""One deployment, several bots: a school with its own bot talks through it (invitation
links, replies, reminders, its webhook path and secret), the others through the default
bot; each bot keeps to its own limits."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.config import Settings
from bot.telegram.fakeapi import Limits
from bot.telegram.polling import running_bot
from bot.telegram.webhook import SECRET_HEADER
from core.messages import Reply
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from storage.linking import issue_invites
from storage.plans import save_plan
from reminders.sender import send_paced
from storage.models import Account, OutboxMessage, SchoolBot
from storage.schools import pick_school
from storage.staff_repo import import_staff
from tests.bot.serving import served
from tests.conftest import DEMO
from tests.reminders.conftest import local, move_to, wait_for

SCHOOL_TOKEN = "555000111:SCHOOL-BOT-TOKEN"
KEY = "555000111"


@pytest.fixture
def school_api(api):
    """The demo school's own bot, on the same Bot API server as the default one."""
    return api.add_bot(SCHOOL_TOKEN, "thcs_demo_bot")


@pytest.fixture
def caitien(cli, api, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", api.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
    return cli


@pytest.fixture
def other_school(app):
    """A second school, on the default bot: phone → invitation code."""
    with app.sessions.begin() as session:
        school = pick_school(session, "other", app.clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(DEMO / "plan.csv"), app.clock)
        return {i.staff.phone_norm: i.code for i in issue_invites(session, school, app.clock)}


def give_bot(caitien, *args: str) -> tuple[int, str, str]:
    return caitien("school", "bot", "--school", "demo", *args)


async def gave_bot(caitien) -> None:
    # In a thread: the command runs its own event loop, as it does from a shell.
    code, _, err = await asyncio.to_thread(give_bot, caitien, "--telegram-token", SCHOOL_TOKEN)
    assert code == 0, err


def test_a_school_gets_its_own_bot_and_its_invitation_links_name_it(caitien, school,
                                                                    school_api, app):
    code, out, err = give_bot(caitien, "--telegram-token", SCHOOL_TOKEN)
    assert code == 0, err
    assert "@thcs_demo_bot" in out and SCHOOL_TOKEN not in out + err
    code, out, _ = caitien("invite", "--school", "demo", "--json")
    assert all(row["link"].startswith("https://t.me/thcs_demo_bot?start=")
               for row in json.loads(out))
    assert "riêng @thcs_demo_bot" in give_bot(caitien)[1]
    code, out, _ = give_bot(caitien, "--remove")
    assert code == 0 and "bot chung" in out
    with app.sessions() as session:
        assert session.scalars(select(SchoolBot)).all() == []


def test_a_bad_token_the_default_token_or_another_schools_bot_is_refused(
        caitien, school, school_api, api, app, other_school):
    code, _, err = give_bot(caitien, "--telegram-token", "555000111:WRONG")
    assert code == 2 and "không chấp nhận token" in err and "WRONG" not in err
    code, _, err = give_bot(caitien, "--telegram-token", api.token)
    assert code == 2 and "bot chung" in err
    assert give_bot(caitien, "--telegram-token", SCHOOL_TOKEN)[0] == 0
    code, _, err = caitien("school", "bot", "--school", "other", "--telegram-token",
                           SCHOOL_TOKEN)
    assert code == 2 and "trường demo" in err
    with app.sessions() as session:
        assert [b.school_id for b in session.scalars(select(SchoolBot))] == [school.id]


async def test_each_school_is_answered_and_reminded_through_its_own_bot(
        caitien, school, school_api, api, env, clock, invites, other_school):
    await gave_bot(caitien)
    app = build_app(Settings.from_env({**env, "CAITIEN_REMINDER_TICK_SECONDS": "0.5"}),
                    clock=clock)
    trang_demo = school_api.user(5201, "Trang")
    trang_other = api.user(5202, "Trang")
    async with running_bot(app, poll_timeout=0.5):
        trang_demo.send(f"/start {invites['0901234503']}")
        assert "Đã liên kết" in (await trang_demo.reply()).text
        trang_other.send(f"/start {other_school['0901234503']}")
        assert "Đã liên kết" in (await trang_other.reply()).text
        move_to(clock, local(2026, 11, 25, 8, 0))
        assert "tháng 11/2026" in (await trang_demo.reply()).text
        assert "tháng 11/2026" in (await trang_other.reply()).text
        trang_demo.press("✍️ Cập nhật ngay")
        assert "Tình trạng" in (await trang_demo.reply()).text
    assert api.sent_to(trang_demo.id) == [] and school_api.sent_to(trang_other.id) == []
    with app.sessions() as session:
        bots = dict(session.execute(select(OutboxMessage.chat_id, OutboxMessage.bot)
                                    .where(OutboxMessage.kind == "monthly")).all())
    assert bots == {str(trang_demo.id): KEY, str(trang_other.id): None}
    app.db.dispose()


async def test_each_bot_has_its_webhook_path_and_secret(caitien, school, school_api, api, app,
                                                        invites):
    await gave_bot(caitien)
    async with served(app) as base:
        code, _, err = await asyncio.to_thread(caitien, "webhook", "set", "--url", base)
        assert code == 0, err
        assert api.state.webhook_url == f"{base}/telegram/webhook"
        assert school_api.state.webhook_url == f"{base}/telegram/webhook/{KEY}"
        assert school_api.state.webhook_secret != api.state.webhook_secret
        mai = school_api.user(8101, "Mai")
        mai.send(f"/start {invites['0901234507']}")
        assert "Đã liên kết" in (await mai.reply()).text
        update = {"update_id": 77, "message": {
            "message_id": 77, "date": 0, "text": "/nhiemvu", "chat": {"id": 8101, "type":
            "private"}, "from": {"id": 8101, "is_bot": False, "first_name": "Mai"}}}
        async with httpx.AsyncClient() as client:
            wrong = await client.post(f"{base}/telegram/webhook/{KEY}", json=update,
                                      headers={SECRET_HEADER: api.state.webhook_secret})
            unknown = await client.post(f"{base}/telegram/webhook/999", json=update,
                                        headers={SECRET_HEADER: api.state.webhook_secret})
        assert (wrong.status_code, unknown.status_code) == (403, 404)
    assert len(school_api.sent_to(mai.id)) == 1 and api.sent_to(mai.id) == []
    with app.sessions() as session:
        assert session.scalar(select(Account.bot)) == KEY


async def test_one_bots_limits_do_not_slow_another(caitien, school, api, env, clock):
    """Telegram counts 30 messages a second per bot: two bots send 40 messages each with
    no 429 from either, each keeping to its own limit."""
    api.limits = Limits(per_second=30)
    second = api.add_bot(SCHOOL_TOKEN, "thcs_demo_bot")
    await gave_bot(caitien)
    app = build_app(Settings.from_env(env), clock=clock)
    async with running_bot(app, poll_timeout=0.5):
        default, own = app.transports["telegram"], app.transports[f"telegram:{KEY}"]
        assert default.limiter is not own.limiter
        sends = [send_paced(transport, str(9000 + i), Reply(f"tin {i}"))
                 for transport in (default, own) for i in range(40)]
        deliveries = await asyncio.gather(*sends)
    assert {d.outcome for d in deliveries} == {"sent"}
    assert api.state.limited == second.state.limited == 0
    assert api.state.accepted == second.state.accepted == 40
    app.db.dispose()


async def test_a_school_bot_refused_or_taken_by_a_webhook_stops_alone(
        caitien, school, school_api, api, env, clock, invites, caplog, sessions):
    """One school's broken bot (its token revoked, a webhook set on it by someone) must not
    stop the bot for everybody else."""
    await gave_bot(caitien)
    with sessions.begin() as session:
        session.add(SchoolBot(key="444000111", channel="telegram",
                              school_id=pick_school(session, "other", clock, create=True).id,
                              token="444000111:REVOKED", created_at=clock.now()))
    school_api.state.webhook_url = "https://elsewhere.example/hook"  # getUpdates: 409
    app = build_app(Settings.from_env({**env, "CAITIEN_REMINDERS": "off"}), clock=clock)
    async with running_bot(app, poll_timeout=0.5) as pollers:
        mai = api.user(8201, "Mai")
        mai.send(f"/start {invites['0901234507']}")
        assert "Đã liên kết" in (await mai.reply()).text
        await wait_for(lambda: "school bot 555000111 stopped" in caplog.text)
        mai.send("/nhiemvu")
        assert "Nhiệm vụ" in (await mai.reply()).text
        assert not pollers.failed.done()
    assert "refused the token of school other's bot" in caplog.text
    assert "REVOKED" not in caplog.text
    app.db.dispose()
