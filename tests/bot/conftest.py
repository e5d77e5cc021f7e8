"""The real application against the local Bot API server."""

from __future__ import annotations

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.localapi.server import LocalBotApi
from bot.telegram.polling import running_bot
from storage.linking import issue_invites
from storage.schools import pick_school


@pytest.fixture
def api():
    with LocalBotApi() as server:
        yield server


@pytest.fixture
def env(api, db, db_url, tmp_path) -> dict[str, str]:
    """The environment `caitien` runs with in these tests."""
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": db_url,
        "CAITIEN_EVIDENCE_DIR": str(tmp_path / "evidence"),
    }


@pytest.fixture
def app(env, clock):
    return build_app(Settings.from_env(env), clock=clock)


@pytest.fixture
async def bot(app):
    async with running_bot(app, poll_timeout=0.5):
        yield app


@pytest.fixture
def invites(app, school) -> dict[str, str]:
    """phone → invite code for every staff member of the example school."""
    with app.sessions.begin() as session:
        school = pick_school(session, "demo", app.clock)
        return {i.staff.phone_norm: i.code for i in issue_invites(session, school, app.clock)}


@pytest.fixture
def linked(api, invites):
    """`await linked(user_id, phone)`: a person who has opened their invite link."""

    async def link(user_id: int, phone: str, first_name: str = "GV"):
        user = api.user(user_id, first_name)
        user.send(f"/start {invites[phone]}")
        await user.reply()
        return user

    return link
