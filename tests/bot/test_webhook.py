"""`caitien serve` taking Telegram's updates by webhook, through real HTTP both ways: the
local Bot API server posts each update to the webhook `caitien webhook set` registered."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select

from bot.telegram.webhook import SECRET_HEADER, SECRET_SETTING
from bot.webhooks import MAX_BODY
from tests.reminders.conftest import wait_for
from storage.models import Conversation, ProcessedEvent, Setting, TaskUpdate
from tests.bot.serving import served


def count(app, model) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def secret(app) -> str:
    with app.sessions() as session:
        return session.get(Setting, SECRET_SETTING).value


def an_update(update_id: int, user_id: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": text,
        "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "GV"}}}


@pytest.fixture
def caitien(cli, api, monkeypatch):
    """`caitien …` with the bot's token, as the IT person runs it."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", api.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
    return cli


async def set_webhook(cli, api, base: str) -> tuple[int, str, str]:
    # In a thread: the command runs its own event loop, as it does from a shell.
    return await asyncio.to_thread(cli, "webhook", "set", "--url", base)


async def test_a_teacher_updates_a_task_through_the_webhook(app, api, invites, caitien):
    async with served(app) as base:
        code, out, err = await set_webhook(caitien, api, base)
        assert code == 0, err
        assert api.state.webhook_url == f"{base}/telegram/webhook"
        assert len(api.state.webhook_secret) >= 16
        assert api.state.webhook_secret == secret(app)
        assert api.state.webhook_secret not in out + err and api.token not in out + err

        mai = api.user(8001, "Mai")
        mai.send(f"/start {invites['0901234507']}")
        assert "Đã liên kết" in (await mai.reply()).text
        mai.send("/capnhat")
        assert "Tình trạng" in (await mai.reply()).text
        mai.press("Đang thực hiện")
        await mai.reply()
        mai.send("Đã kiểm kê 3 phòng.")
        await mai.reply()
        mai.press("Bỏ qua")
        await mai.reply()
        mai.press("💾 Lưu")
        assert "Đã lưu" in (await mai.reply()).text
    assert count(app, TaskUpdate) == 1
    assert set(api.state.webhook_answers) == {200}


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(app, api, invites,
                                                                          caitien):
    async with served(app) as base:
        await set_webhook(caitien, api, base)
        body = an_update(9001, 8002, f"/start {invites['0901234507']}")
        async with httpx.AsyncClient() as client:
            for headers in ({}, {SECRET_HEADER: "wrong"},
                            {SECRET_HEADER: secret(app)[:-1]}):
                answer = await client.post(f"{base}/telegram/webhook", json=body,
                                           headers=headers)
                assert answer.status_code == 403
    assert count(app, ProcessedEvent) == 0 and count(app, Conversation) == 0
    assert api.sent_to(8002) == []


async def test_the_same_update_twice_is_applied_once(app, api, invites, caitien):
    async with served(app) as base:
        await set_webhook(caitien, api, base)
        headers = {SECRET_HEADER: secret(app)}
        async with httpx.AsyncClient() as client:
            start = an_update(9101, 8003, f"/start {invites['0901234507']}")
            assert (await client.post(f"{base}/telegram/webhook", json=start,
                                      headers=headers)).status_code == 200
            update = an_update(9102, 8003, "/capnhat")
            for _ in range(2):
                answer = await client.post(f"{base}/telegram/webhook", json=update,
                                           headers=headers)
                assert answer.status_code == 200
            other = an_update(9103, 8003, "1")  # «Hoàn thành», once
            for _ in range(2):
                await client.post(f"{base}/telegram/webhook", json=other, headers=headers)
    with app.sessions() as session:
        conversation = session.scalar(select(Conversation))
        assert (conversation.step, conversation.data["status"]) == ("done_text", "done")
    assert count(app, ProcessedEvent) == 3


async def test_malformed_and_oversized_bodies(app, api, caitien, caplog):
    async with served(app) as base:
        await set_webhook(caitien, api, base)
        headers = {SECRET_HEADER: secret(app)}
        async with httpx.AsyncClient() as client:
            bad = await client.post(f"{base}/telegram/webhook", content=b"{not json",
                                    headers=headers)
            assert bad.status_code == 400
            huge = await client.post(f"{base}/telegram/webhook", headers=headers,
                                     content=json.dumps({"x": "a" * MAX_BODY}).encode())
            assert huge.status_code == 413
            # Telegram's own update that cannot be read: taken (200) and skipped, or Telegram
            # would offer it again and again with the updates behind it waiting.
            unreadable = await client.post(
                f"{base}/telegram/webhook", headers=headers,
                json={"update_id": 9200, "message": {"message_id": 1, "date": 1,
                                                     "chat": "không đọc được"}})
            assert unreadable.status_code == 200
            fine = await client.post(f"{base}/telegram/webhook", headers=headers,
                                     json=an_update(9201, 8004, "xin chào"))
            assert fine.status_code == 200
    assert len([r for r in caplog.records if "malformed" in r.getMessage()]) == 1
    assert "could not be read" in caplog.text and "không đọc được" not in caplog.text


async def test_health_says_database_schema_and_who_sends_reminders(app, api):
    async with served(app) as base:
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"{base}/healthz")
    report = answer.json()
    assert answer.status_code == 200 and report["ok"] and report["database"]
    assert report["schema"] == report["schema_head"] == "0021"
    assert report["reminders"]["this_process"] is True


async def test_polling_while_a_webhook_is_set_is_one_clear_sentence(app, api, caitien):
    cli = caitien
    async with served(app) as base:
        await set_webhook(caitien, api, base)
    code, _, err = await asyncio.to_thread(cli, "run")
    assert code == 2 and "caitien webhook delete" in err
    code, out, _ = await asyncio.to_thread(cli, "webhook", "delete")
    assert code == 0 and api.state.webhook_url == ""
    with app.sessions() as session:
        assert session.get(Setting, SECRET_SETTING) is None


STEPS = ["/capnhat", "2", "Đã kiểm kê 3 phòng.", "bỏ qua", "lưu", "/nhiemvu"]


async def transcript(api, bases: list[str], chat: int, steps: list[str],
                     first_id: int) -> list[str]:
    """Each update posted to the next replica; the bot's answers to them."""
    already = len(api.sent_to(chat))
    async with httpx.AsyncClient() as client:
        for n, text in enumerate(steps):
            update = an_update(first_id + n, chat, text)
            if text.startswith("/"):
                update["message"]["entities"] = [{"type": "bot_command", "offset": 0,
                                                  "length": len(text.split()[0])}]
            answer = await client.post(f"{bases[n % len(bases)]}/telegram/webhook",
                                       json=update, headers={SECRET_HEADER: SECRET})
            assert answer.status_code == 200  # kept: its answer follows
            await wait_for(lambda: len(api.sent_to(chat)) > already + n)
    return [m.text for m in api.sent_to(chat)[already:]]


SECRET = "replica-test-secret-0123456789"


async def test_one_persons_turns_spread_over_three_replicas_read_as_one(
        env, api, clock, invites, sessions):
    from bot.app import build_app
    from bot.config import Settings
    from bot.telegram.webhook import store_secret

    store_secret(sessions, SECRET)
    apps = [build_app(Settings.from_env({**env, "CAITIEN_REMINDERS": "off"}), clock=clock)
            for _ in range(3)]
    async with served(apps[0]) as one:
        await transcript(api, [one], 31, [f"/start {invites['0901234507']}"], 30_000)
        alone = await transcript(api, [one], 31, STEPS, 30_100)
        async with served(apps[1]) as two, served(apps[2]) as three:
            spread = await transcript(api, [one, two, three], 31, STEPS, 30_200)
    for app in apps:
        app.db.dispose()
    assert len(alone) == len(spread) == len(STEPS)
    assert "Đã lưu" in alone[4]
    assert alone == spread
    with apps[0].sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskUpdate)) == 2
