"""The fake Zalo Bot Platform API answers plain HTTP the way Zalo does."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from bot.zalo.fakeapi import SECRET_HEADER, FakeZaloApi, ZaloLimits

SECRET = "s3cret-of-the-school"


@pytest.fixture
def zalo():
    with FakeZaloApi() as server:
        yield server


@pytest.fixture
def call(zalo):
    """POST a method with a JSON body; the answer's status and JSON."""
    with httpx.Client(base_url=f"{zalo.base_url}/bot{zalo.token}", timeout=10) as client:
        def call(method: str, **params) -> tuple[int, dict]:
            answer = client.post(f"/{method}", json=params)
            return answer.status_code, answer.json()
        yield call


@contextmanager
def receiver(secret: str):
    """A webhook on 127.0.0.1 that keeps what is POSTed and, as the bot's does, answers 403
    when the secret header is not `secret`."""
    got: list[tuple[str | None, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            got.append((self.headers.get(SECRET_HEADER), body))
            self.send_response(200 if self.headers.get(SECRET_HEADER) == secret else 403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/zalo/webhook", got
    finally:
        server.shutdown()
        server.server_close()


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_get_me(call):
    assert call("getMe") == (200, {"ok": True, "result": {
        "id": "1234567890", "account_name": "bot.1234567890", "display_name": "Caitien",
        "account_type": "BASIC", "can_join_groups": False}})


def test_get_updates_gives_one_update_at_a_time_then_408(zalo, call):
    mai = zalo.user("a1b2c3", "Cô Mai")
    mai.send("chào")
    mai.send_image(b"\xff\xd8 jpeg", caption="biên bản")
    assert zalo.pending_updates() == 2

    status, first = call("getUpdates", timeout=1)
    assert status == 200 and first["result"]["event_name"] == "message.text.received"
    message = first["result"]["message"]
    assert message["text"] == "chào"
    assert message["chat"] == {"id": "a1b2c3", "chat_type": "PRIVATE"}
    assert message["from"] == {"id": "a1b2c3", "display_name": "Cô Mai", "is_bot": False}

    image = call("getUpdates", timeout=1)[1]["result"]["message"]
    assert image["caption"] == "biên bản"
    photo = httpx.get(image["photo_url"])
    assert (photo.content, photo.headers["content-type"]) == (b"\xff\xd8 jpeg", "image/jpeg")

    started = time.monotonic()
    assert call("getUpdates", timeout=1) == (408, {
        "ok": False, "error_code": 408, "description": "Request timeout"})
    assert 0.9 < time.monotonic() - started < 3
    assert zalo.pending_updates() == 0


def test_a_poller_that_went_away_takes_no_update(zalo, call):
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{zalo.base_url}/bot{zalo.token}/getUpdates", json={"timeout": 5},
                   timeout=0.2)
    time.sleep(0.1)
    zalo.user("a1b2c3", "Cô Mai").send("sau khi khởi động lại")
    time.sleep(0.1)
    assert call("getUpdates", timeout=1)[1]["result"]["message"]["text"] == (
        "sau khi khởi động lại")


def test_other_events_and_groups(zalo, call):
    mai = zalo.user("a1b2c3", "Cô Mai")
    mai.send_image(b"png", content_type="image/png", key="photo")
    mai.send_sticker()
    mai.send_voice()
    mai.send_unsupported()
    mai.send_in_group("g9", "cả nhóm")
    updates = [call("getUpdates", timeout=1)[1]["result"] for _ in range(5)]
    assert [u["event_name"] for u in updates] == [
        "message.image.received", "message.sticker.received", "message.voice.received",
        "message.unsupported.received", "message.text.received"]
    assert httpx.get(updates[0]["message"]["photo"]).headers["content-type"] == "image/png"
    assert "sticker" in updates[1]["message"] and "url" in updates[2]["message"]
    assert set(updates[3]["message"]) == {"message_id", "date", "from", "chat"}
    assert updates[4]["message"]["chat"] == {"id": "g9", "chat_type": "GROUP"}
    assert updates[4]["message"]["from"]["id"] == "a1b2c3"


def test_parameters_come_as_json_form_or_query(zalo):
    url = f"{zalo.base_url}/bot{zalo.token}/sendMessage"
    assert httpx.post(url, json={"chat_id": "u1", "text": "json"}).status_code == 200
    assert httpx.post(url, data={"chat_id": "u1", "text": "form"}).status_code == 200
    assert httpx.get(url, params={"chat_id": "u1", "text": "query"}).status_code == 200
    assert httpx.post(url, params={"chat_id": "u1"}, json={"text": "merged"}).status_code == 200
    assert [m.text for m in zalo.sent_to("u1")] == ["json", "form", "query", "merged"]
    assert zalo.calls("sendMessage") == ["sendMessage"] * 4


def test_send_message_answers_an_id_and_checks_the_length(zalo, call):
    status, answer = call("sendMessage", chat_id="u1", text="x" * 2000)
    assert status == 200 and len(answer["result"]["message_id"]) == 32
    assert answer["result"]["date"] > 1_700_000_000_000
    assert call("sendMessage", chat_id="u1", text="x" * 2001)[0] == 400
    assert call("sendMessage", chat_id="u1", text="")[0] == 400
    assert zalo.message_count() == 1


def test_bad_token_and_unknown_method(zalo, call):
    answer = httpx.post(f"{zalo.base_url}/bot1:wrong/getMe")
    assert (answer.status_code, answer.json()["error_code"]) == (401, 401)
    status, body = call("sendLocation", chat_id="u1")
    assert (status, body["ok"], body["error_code"]) == (404, False, 404)


def test_webhook_pushes_with_the_secret_wrapped_or_flat(zalo, call):
    with receiver(SECRET) as (url, got):
        assert call("setWebhook", url=url, secret_token="short")[0] == 400
        assert call("setWebhook", url="http://example.com/hook", secret_token=SECRET)[0] == 400
        status, answer = call("setWebhook", url=url, secret_token=SECRET)
        assert status == 200 and answer["result"]["url"] == url
        assert call("getWebhookInfo")[1]["result"]["url"] == url
        status, refused = call("getUpdates", timeout=1)
        assert status == 400 and "webhook" in refused["description"].lower()

        mai = zalo.user("a1b2c3", "Cô Mai")
        update = mai.send("qua webhook")
        wait_for(lambda: len(got) == 1)
        assert got[0] == (SECRET, {"ok": True, "result": update})

        zalo.wrap_webhook = False
        mai.resend_last()
        wait_for(lambda: len(got) == 2)
        assert got[1] == (SECRET, update)
        assert zalo.pending_updates() == 0
        wait_for(lambda: len(zalo.webhook_pushes()) == 2)
        assert zalo.webhook_pushes() == [200, 200]

        assert call("deleteWebhook")[1]["result"]["url"] == ""
        mai.send("qua getUpdates")
        assert call("getUpdates", timeout=1)[1]["result"]["message"]["text"] == "qua getUpdates"


def test_a_webhook_refusing_the_secret_is_retried_then_given_up(zalo, call):
    with receiver("another-secret") as (url, got):
        call("setWebhook", url=url, secret_token=SECRET)
        zalo.user("a1b2c3", "Cô Mai").send("giả mạo")
        wait_for(lambda: zalo.webhook_pushes() == [403])
        assert len(got) > 1 and all(g == got[0] for g in got)


def test_send_photo_fetches_the_url(zalo, call):
    url = zalo.add_image(b"\x89PNG chart", "image/png")
    status, answer = call("sendPhoto", chat_id="u1", photo=url, caption="Biểu đồ")
    assert status == 200 and answer["result"]["message_id"]
    photo, = zalo.sent_to("u1")
    assert (photo.kind, photo.photo_url, photo.data, photo.text) == (
        "photo", url, b"\x89PNG chart", "Biểu đồ")

    assert call("sendPhoto", chat_id="u1", photo=f"{zalo.base_url}/img/nothing.jpg") == (
        400, {"ok": False, "error_code": 400, "description": "photo url not reachable"})
    upload = httpx.post(f"{zalo.base_url}/bot{zalo.token}/sendPhoto", data={"chat_id": "u1"},
                        files={"photo": ("a.png", b"\x89PNG", "image/png")})
    assert upload.status_code == 400
    assert call("sendPhoto", chat_id="u1", photo=url, caption="x" * 2001)[0] == 400
    assert call("sendSticker", chat_id="u1", sticker="abc")[0] == 200
    assert call("sendChatAction", chat_id="u1", action="typing") == (
        200, {"ok": True, "result": True})
    assert [m.kind for m in zalo.sent_to("u1")] == ["photo", "sticker"]


def test_over_the_limits_is_429_quota_exceeded():
    with FakeZaloApi(limits=ZaloLimits(per_second=2)) as zalo:
        url = f"{zalo.base_url}/bot{zalo.token}/sendMessage"
        answers = [httpx.post(url, json={"chat_id": f"u{i}", "text": "hi"}) for i in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].json() == {"ok": False, "error_code": 429,
                                     "description": "Quota exceeded"}
    with FakeZaloApi(limits=ZaloLimits(per_second=None, chat_interval=10)) as zalo:
        url = f"{zalo.base_url}/bot{zalo.token}/sendMessage"
        to = [httpx.post(url, json={"chat_id": c, "text": "hi"}) for c in ("u1", "u1", "u2")]
        assert [a.status_code for a in to] == [200, 429, 200]


def test_a_bot_reaches_no_more_people_than_its_plan_allows():
    with FakeZaloApi(limits=ZaloLimits(per_second=None, users=2)) as zalo:
        url = f"{zalo.base_url}/bot{zalo.token}/sendMessage"
        to = [httpx.post(url, json={"chat_id": c, "text": "hi"})
              for c in ("u1", "u2", "u3", "u1", "u2")]
        assert [a.status_code for a in to] == [200, 200, 422, 200, 200]
        assert "not permitted" in to[2].json()["description"]
        other = zalo.add_bot("555:OTHER", "Bot hai")
        answer = httpx.post(f"{zalo.base_url}/bot{other.token}/sendMessage",
                            json={"chat_id": "u3", "text": "hi"})
        assert answer.status_code == 200  # the cap is each bot's own


def test_past_the_monthly_quota_every_message_is_429_until_the_month_turns():
    with FakeZaloApi(monthly_quota=2) as zalo:
        url = f"{zalo.base_url}/bot{zalo.token}/sendMessage"
        answers = [httpx.post(url, json={"chat_id": f"u{i}", "text": "hi"}) for i in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].json()["description"] == "Quota exceeded"
        other = zalo.add_bot("99:OTHER", "Khác")  # the quota is each bot's own
        assert httpx.post(f"{zalo.base_url}/bot{other.token}/sendMessage",
                          json={"chat_id": "u1", "text": "hi"}).status_code == 200
        zalo.new_month()
        assert httpx.post(url, json={"chat_id": "u1", "text": "hi"}).status_code == 200


def test_blocked_chats_and_injected_failures(zalo, call):
    zalo.block("u1")
    status, answer = call("sendMessage", chat_id="u1", text="hi")
    assert (status, answer["error_code"]) == (422, 422) and "not permitted" in answer["description"]
    zalo.forget_chat("u3")
    status, answer = call("sendMessage", chat_id="u3", text="hi")
    assert (status, answer["description"]) == (410, "The chat_id is invalid")

    zalo.fail_next("sendMessage", 500, "Internal error")
    assert call("sendMessage", chat_id="u2", text="hi") == (
        500, {"ok": False, "error_code": 500, "description": "Internal error"})
    zalo.delay_next("getMe", 0.3)
    started = time.monotonic()
    assert call("getMe")[0] == 200 and time.monotonic() - started >= 0.3
    assert call("sendMessage", chat_id="u2", text="hi")[0] == 200


async def test_a_user_waits_for_the_bots_replies(zalo):
    mai = zalo.user("a1b2c3", "Cô Mai")
    async with httpx.AsyncClient(base_url=f"{zalo.base_url}/bot{zalo.token}") as client:
        await client.post("/sendMessage", json={"chat_id": mai.id, "text": "một"})
        await client.post("/sendMessage", json={"chat_id": mai.id, "text": "hai"})
        assert (await mai.reply()).text == "một\n\nhai"
        await client.post("/sendMessage", json={"chat_id": mai.id, "text": "ba"})
        assert [m.text for m in await mai.replies(1)] == ["ba"]
    with pytest.raises(TimeoutError):
        await mai.replies(1, timeout=0.1)
    assert len(mai.all_replies()) == 3


def test_several_bots_on_one_server(zalo, call):
    school = zalo.add_bot("555:SCHOOL-TOKEN", "Trường Phú Hữu")
    answer = httpx.get(f"{zalo.base_url}/bot{school.token}/getMe").json()["result"]
    assert (answer["id"], answer["display_name"]) == ("555", "Trường Phú Hữu")
    school.user("a1", "Mai").send("chào trường")
    assert call("getUpdates", timeout=0.1)[0] == 408
    assert school.pending_updates() == 1
