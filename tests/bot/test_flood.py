"""One stranger flooding the bot holds nobody up: the local Bot API holds the bot to
Telegram's limits (one message a second to a chat after a short burst), and the stranger's
answers stop after a few."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.telegram.fakeapi import Limits, LocalBotApi
from storage.models import InboxUpdate
from tests.reminders.conftest import wait_for


@pytest.fixture
def api():
    with LocalBotApi(limits=Limits()) as server:
        yield server


def all_answered(api, app):
    """Every update sent so far was confirmed, answered (or let go) and left the inbox:
    nothing more will be sent for them."""
    def check() -> bool:
        with app.sessions() as session:
            return api.pending_updates() == 0 and not session.scalar(
                select(func.count()).select_from(InboxUpdate))
    return check


async def test_sixty_wrong_codes_do_not_delay_a_teacher(api, bot, linked):
    trang = await linked(7501, "0901234503")
    stranger = api.user(7599, "Lạ")
    for n in range(60):
        stranger.send(f"/start WRONG-CODE-{n:04d}")
    trang.send("/nhiemvu")
    assert "Nhiệm vụ của thầy/cô" in (await trang.reply(timeout=20)).text
    # (How long the teacher waited is measured by bench/flood_bench.py.)
    # The stranger heard a few answers, then silence; no message met a 429.
    await stranger.replies(1)
    await wait_for(all_answered(api, bot))
    assert 1 <= len(api.sent_to(7599)) <= 5
    assert api.state.limited == 0


async def test_five_wrong_codes_then_one_sentence_then_silence(stranger, school):
    answers = []
    for n in range(8):
        answers.append(await stranger.send(f"/start WRONG-CODE-{n:04d}"))
    assert all("Mã liên kết không đúng" in a for a in answers[:4])
    assert "nhập sai mã nhiều lần" in answers[4]
    assert answers[5:] == ["", "", ""]


async def test_a_crowd_of_strangers_is_answered_from_its_own_small_budget(api, bot, linked):
    """Two hundred strangers with a code each: they share a few answers (the rest get none,
    dropped rather than queued ahead of staff); the teacher is answered; nothing meets a
    429."""
    trang = await linked(7501, "0901234503")
    for n in range(200):
        api.user(90_000 + n, "Lạ").send(f"/start WRONG-{n:04d}")
    trang.send("/nhiemvu")
    assert "Nhiệm vụ của thầy/cô" in (await trang.reply(timeout=30)).text
    await wait_for(all_answered(api, bot))
    answered = sum(1 for n in range(200) if api.sent_to(90_000 + n))
    assert 1 <= answered <= 30  # a burst of 10, then 2 a second
    assert api.state.limited == 0
