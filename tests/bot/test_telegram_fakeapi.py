"""The local Bot API server answers python-telegram-bot the way Telegram does."""

import asyncio
import threading
from datetime import timedelta

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.telegram.fakeapi import LocalBotApi
from tests.waiting import wait_until


@pytest.fixture
async def client(api):
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.file_base_url) as bot:
        yield bot


async def test_get_me_and_documents_and_photos(api, client):
    assert client.username == api.username
    await client.send_document(42, document=b"%PDF-1.4 report", filename="bao-cao.pdf",
                               caption="Báo cáo")
    await client.send_photo(42, photo=b"\x89PNG chart")
    document, photo = api.sent_to(42)
    assert (document.kind, document.file_name, document.data, document.text) == (
        "document", "bao-cao.pdf", b"%PDF-1.4 report", "Báo cáo")
    assert (photo.kind, photo.data) == ("photo", b"\x89PNG chart")


async def test_files_users_send_can_be_downloaded(api, client):
    file_id, _ = api.add_file(b"bytes of a photo", "p.jpg")
    file = await client.get_file(file_id)
    assert bytes(await file.download_as_bytearray()) == b"bytes of a photo"


async def test_errors_are_telegrams(api, client):
    api.block(43)
    with pytest.raises(Forbidden):
        await client.send_message(43, "hi")
    with pytest.raises(BadRequest):
        await client.send_message(44, "x" * 5000)
    with pytest.raises(InvalidToken):
        async with Bot("1:wrong", base_url=api.base_url) as other:
            await other.get_me()


async def test_an_outage_refuses_a_share_of_the_calls_for_a_while(api, client):
    api.fail_for("sendMessage", 0.5, 429, "Too Many Requests: retry after 2", retry_after=2)
    with pytest.raises(RetryAfter) as refused:
        await client.send_message(45, "during")
    assert refused.value.retry_after in (2, timedelta(seconds=2))
    await client.send_photo(45, photo=b"\x89PNG")  # another method is not refused
    await asyncio.sleep(0.6)
    await client.send_message(45, "after")
    assert [m.text for m in api.sent_to(45)] == [None, "after"]

    api.state.rng.seed(7)
    api.fail_for("sendMessage", 30, 502, "Bad Gateway", rate=0.5)
    outcomes = []
    for n in range(40):
        try:
            await client.send_message(46, f"m{n}")
            outcomes.append("sent")
        except NetworkError:
            outcomes.append("refused")
    assert 10 <= outcomes.count("refused") <= 30
    assert len(api.sent_to(46)) == outcomes.count("sent")
    assert (api.refused(429), api.refused(502)) == (1, outcomes.count("refused"))


def test_stopping_answers_a_long_poll_under_way_and_the_server_ends():
    """A poller left waiting (its process killed, or a test over) does not hold the server
    open until its timeout: stop() answers it at once and the server's thread ends."""
    api = LocalBotApi().start()
    answers = []
    poller = threading.Thread(target=lambda: answers.append(httpx.post(
        f"{api.base_url}{api.token}/getUpdates", json={"timeout": 60}, timeout=90).json()))
    poller.start()
    wait_until(lambda: api.state.polls == 1)
    api.stop()  # raises when the server is still running 10 s later
    poller.join()
    assert answers == [{"ok": True, "result": []}]
