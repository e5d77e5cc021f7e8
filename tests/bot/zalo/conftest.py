"""The real application on Zalo, against the local fake of the Zalo Bot API
(bot/zalo/fakeapi.py): by polling, as `caitien run` does, or served with its webhook set, as
`caitien serve` does."""

from __future__ import annotations

import httpx
import pytest

from bot.app import build_app
from bot.config import Settings
from bot.zalo.fakeapi import FakeZaloApi
from bot.zalo.polling import running_zalo
from bot.zalo.webhook import store_secret
from bot.zalo.connection import NAME_SETTING
from storage.linking import issue_invites
from storage.models import Setting
from storage.schools import pick_school
from tests.bot.serving import free_port, served
from tests.reminders.conftest import reading, wait_for

SECRET = "zalo-webhook-secret-for-tests"


@pytest.fixture
def zalo_api():
    with FakeZaloApi() as server:
        yield server


@pytest.fixture
def public_port() -> int:
    return free_port()


@pytest.fixture
def zalo_env(zalo_api, db, db_url, tmp_path, public_port) -> dict[str, str]:
    """Zalo only: no Telegram token at all."""
    return {
        "ZALO_BOT_TOKEN": zalo_api.token,
        "ZALO_API_BASE_URL": zalo_api.base_url,
        "CAITIEN_PUBLIC_URL": f"http://127.0.0.1:{public_port}",
        "DATABASE_URL": db_url,
        "CAITIEN_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "CAITIEN_REMINDERS": "off",
        "CAITIEN_FETCH_PRIVATE": "on",  # the fake's photos are on 127.0.0.1
    }


@pytest.fixture
def zalo_app(zalo_env, clock):
    app = build_app(Settings.from_env(zalo_env), clock=clock)
    yield app
    app.db.dispose()


@pytest.fixture
async def zalo_polling(zalo_app):
    """`caitien run` with only ZALO_BOT_TOKEN: Zalo's long polling."""
    async with running_zalo(zalo_app):
        yield zalo_app


@pytest.fixture
async def zalo_served(zalo_app, zalo_api, public_port):
    """`caitien serve` with Zalo's webhook set to it (bodies wrapped, as Zalo sends them)."""
    store_secret(zalo_app.sessions, SECRET)
    async with served(zalo_app, public_port) as url:
        await wait_for(reading(zalo_app.sessions,
                               lambda session: session.get(Setting, NAME_SETTING)))
        await _set_webhook(zalo_api, f"{url}/zalo/webhook")
        yield url


async def _set_webhook(api: FakeZaloApi, url: str) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{api.base_url}/bot{api.token}/setWebhook",
                                 json={"url": url, "secret_token": SECRET})
        assert answer.json()["ok"], answer.text


@pytest.fixture
def zalo_invites(zalo_app, school) -> dict[str, str]:
    """phone → invitation code for every staff member of the example school."""
    with zalo_app.sessions.begin() as session:
        school = pick_school(session, "demo", zalo_app.clock)
        return {i.staff.phone_norm: i.code for i in issue_invites(session, school,
                                                                  zalo_app.clock)}


@pytest.fixture
def zalo_linked(zalo_api, zalo_invites):
    """`await zalo_linked(user_id, phone)`: a person who has sent their invitation code."""

    async def link(user_id: str, phone: str, name: str = "GV"):
        user = zalo_api.user(user_id, name)
        user.send(zalo_invites[phone])
        assert "Đã liên kết" in (await user.reply()).text
        return user

    return link
