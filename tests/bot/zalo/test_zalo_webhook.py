"""Zalo's webhook on `caitien serve`: only Zalo's posts count, each once, in either shape."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import func, select

from bot import webhooks
from bot.webhooks import MAX_BODY
from bot.zalo import webhook as zalo_webhook
from bot.zalo.webhook import SECRET_HEADER
from storage.db import writing
from storage.inbox import keep_claimed
from storage.models import Account, Evidence, InboxUpdate, ProcessedEvent, TaskUpdate
from tests.bot.serving import served
from tests.bot.zalo.conftest import SECRET
from tests.reminders.conftest import wait_for

JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 100


def text_update(user_id: str, text: str, message_id: str = "m1") -> dict:
    return {"event_name": "message.text.received",
            "message": {"message_id": message_id, "date": 1, "text": text,
                        "from": {"id": user_id, "display_name": "X", "is_bot": False},
                        "chat": {"id": user_id, "chat_type": "PRIVATE"}}}


async def post(url: str, body: object, secret: str | None = SECRET) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with httpx.AsyncClient() as http:
        return await http.post(f"{url}/zalo/webhook", headers=headers,
                               content=body if isinstance(body, bytes) else json.dumps(body))


async def test_a_forged_or_missing_secret_is_refused_and_nothing_is_stored(
        zalo_served, zalo_invites, zalo_app):
    update = text_update("f00d", zalo_invites["0901234503"])
    assert (await post(zalo_served, update, "wrong-secret")).status_code == 403
    assert (await post(zalo_served, update, None)).status_code == 403
    with zalo_app.sessions() as s:
        assert s.scalar(select(func.count(Account.id))) == 0
        assert s.scalar(select(func.count(ProcessedEvent.id))) == 0


async def test_wrapped_and_bare_bodies_both_work_and_a_repeat_is_applied_once(
        zalo_api, zalo_served, zalo_linked, zalo_app):
    trang = await zalo_linked("a1", "0901234503")
    zalo_api.wrap_webhook = False
    trang.send("/capnhat")
    assert "1." in (await trang.reply()).text
    for text in ("1", "1", "Đã dự giờ 3 tiết.", "bỏ qua", "lưu"):
        trang.send(text)
        await trang.reply()
    saved = trang.all_replies()[-1].text
    assert "Đã lưu" in saved
    answered, pushed = len(trang.all_replies()), len(zalo_api.webhook_pushes())
    trang.resend_last()  # Zalo posts the same "lưu" again
    for _ in range(200):
        if len(zalo_api.webhook_pushes()) > pushed:
            break
        await asyncio.sleep(0.05)
    # Its answer went out the first time: the repeat is neither applied nor answered again.
    assert len(trang.all_replies()) == answered
    with zalo_app.sessions() as s:
        assert s.scalar(select(func.count(TaskUpdate.id))) == 1
    assert set(zalo_api.webhook_pushes()) == {200}


async def test_malformed_and_oversized_bodies(zalo_served):
    assert (await post(zalo_served, b"{not json")).status_code == 400
    assert (await post(zalo_served, b"[1, 2]")).status_code == 400
    big = json.dumps({"x": "a" * MAX_BODY}).encode()
    assert (await post(zalo_served, big)).status_code == 413
    # Not a person's message (no sender): nothing to do, and Zalo need not send it again.
    assert (await post(zalo_served, {"event_name": "message.text.received"})).status_code == 200
    # Whatever else a body holds: one 400, never a 500.
    deep = b"[" * 100_000 + b"]" * 100_000
    assert (await post(zalo_served, deep)).status_code == 400
    assert (await post(zalo_served, b'{"message": {"from": {"id": [1]}, "message_id": {}}}')
            ).status_code in (200, 400)


async def test_one_message_id_from_two_senders_is_two_messages(zalo_served, zalo_linked,
                                                              zalo_app):
    """Zalo does not promise a message id unique across senders: an event is its sender's."""
    trang, bao = await zalo_linked("a3", "0901234503"), await zalo_linked("b2", "0901234504")
    for chat in (trang, bao):
        assert (await post(zalo_served, text_update(chat.id, "/nhiemvu", "same-id"))
                ).status_code == 200
    assert "Nhiệm vụ" in (await trang.reply()).text
    assert "Nhiệm vụ" in (await bao.reply()).text


async def test_files_stickers_and_voice_get_one_sentence_each(zalo_served, zalo_linked):
    bao = await zalo_linked("b2", "0901234504")
    bao.send_unsupported()
    assert "chỉ nhận được ảnh" in (await bao.reply()).text
    bao.send_sticker()
    assert "nhãn dán" in (await bao.reply()).text
    bao.send_voice()
    assert "tin nhắn thoại" in (await bao.reply()).text


async def test_evidence_photos_are_checked_before_they_are_kept(zalo_api, zalo_served,
                                                               zalo_linked, zalo_app):
    trang = await zalo_linked("a3", "0901234503")
    for text in ("/capnhat", "1", "2", "Đang làm."):
        trang.send(text)
        await trang.reply()
    trang.send_image(b"<html>not a photo</html>", content_type="text/html")
    assert "không phải là ảnh" in (await trang.reply()).text
    trang.send_image(b"\xff\xd8" + b"x" * (11 * 1024 * 1024))
    assert "quá lớn" in (await trang.reply()).text
    trang.send_image(JPEG, key="photo")  # the payload shape that says "photo"
    assert "Đã nhận 1" in (await trang.reply()).text
    with zalo_app.sessions() as s:
        assert s.scalar(select(func.count(Evidence.id))) == 0  # kept once saved


async def test_a_stranger_is_told_to_send_the_code_and_guessing_is_limited(
        zalo_api, zalo_served, zalo_app):
    guest = zalo_api.user("beef", "Khách")
    guest.send("xin chào")
    assert "mã liên kết" in (await guest.reply()).text
    stranger = zalo_api.user("dead", "Lạ")
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD"):
        stranger.send(guess)
        assert "không đúng" in (await stranger.reply()).text
    stranger.send("EEEE-EEEE")
    assert "giờ" in (await stranger.reply()).text  # the fifth: wait an hour
    pushed = len(zalo_api.webhook_pushes())
    stranger.send("FFFF-FFFF")
    # Delivered, kept, handled and out of the inbox: whatever it was answered is sent.
    await wait_for(lambda: len(zalo_api.webhook_pushes()) > pushed and not inbox_rows(zalo_app))
    assert len(stranger.all_replies()) == 5  # then silence


def inbox_rows(app) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count(InboxUpdate.id)))


async def test_kept_and_acknowledged_before_a_slow_photo_is_fetched(
        zalo_api, zalo_served, zalo_linked, zalo_app):
    trang = await zalo_linked("a1", "0901234503")
    trang.send("/capnhat")
    await trang.reply()
    trang.send("1")
    await trang.reply()
    zalo_api.media_delay = 60.0  # Zalo's image server, slow today: held until let go below
    pushed = len(zalo_api.webhook_pushes())
    trang.send_image(JPEG)
    await wait_for(lambda: len(zalo_api.webhook_pushes()) > pushed)
    # Zalo has its 200 while the photo is still on its way: the update waits in the inbox.
    assert zalo_api.webhook_pushes()[-1] == 200
    assert inbox_rows(zalo_app) == 1
    zalo_api.media_delay = 0.0
    await trang.reply()
    await wait_for(lambda: inbox_rows(zalo_app) == 0)


@pytest.fixture
def quick_sweep(monkeypatch):
    monkeypatch.setattr(webhooks, "SWEEP_SECONDS", 0.2)


async def test_an_update_a_dead_replica_acknowledged_is_taken_by_another(
        quick_sweep, zalo_api, zalo_served, zalo_linked, zalo_app):
    trang = await zalo_linked("a2", "0901234503")
    before = len(trang.all_replies())
    # Another replica kept this update, said 200 to Zalo, and died before its turn.
    now = datetime.now(timezone.utc)
    with writing(zalo_app.sessions) as session:
        keep_claimed(session, zalo_webhook.LANE, text_update("a2", "/huongdan", "m-dead"),
                     now - timedelta(minutes=5), now - timedelta(minutes=3))
    await wait_for(lambda: len(trang.all_replies()) > before)
    assert "Hướng dẫn" in trang.all_replies()[-1].text
    await wait_for(lambda: inbox_rows(zalo_app) == 0)


def photo_update(user_id: str, url: str, message_id: str) -> dict:
    return {"event_name": "message.image.received",
            "message": {"message_id": message_id, "date": 1, "photo_url": url,
                        "from": {"id": user_id, "display_name": "X", "is_bot": False},
                        "chat": {"id": user_id, "chat_type": "PRIVATE"}}}


async def test_one_persons_messages_keep_their_order_across_two_replicas(
        zalo_api, zalo_served, zalo_linked, zalo_app, zalo_env, clock):
    """A photo to one replica (its image server slow), /capnhat to another right after:
    the second waits for the first, so /capnhat already knows the photo."""
    from bot.app import build_app
    from bot.config import Settings

    trang = await zalo_linked("a3", "0901234503")
    other = build_app(Settings.from_env(zalo_env), clock=clock)
    try:
        async with served(other) as second:
            await wait_for(lambda: len(zalo_api.calls("getMe")) >= 2)
            zalo_api.media_delay = 2.0
            url = zalo_api.add_image(JPEG)
            assert (await post(zalo_served, photo_update("a3", url, "m-photo"))
                    ).status_code == 200
            assert (await post(second, text_update("a3", "/capnhat", "m-update"))
                    ).status_code == 200
            await wait_for(lambda: inbox_rows(zalo_app) == 0, timeout=30)
    finally:
        other.db.dispose()
    replies = [m.text for m in trang.all_replies()]
    held = next(n for n, text in enumerate(replies) if "Đã nhận 1 tệp" in text)
    asked = next(n for n, text in enumerate(replies)
                 if text.startswith("Thầy/cô muốn cập nhật nhiệm vụ nào"))
    assert held < asked
