"""Zalo as the real platform behaves, beyond the shapes of its messages (see the fake's
docstring for where each behaviour comes from): replayed updates, instant 408s, 403 as a
server error, 401 as the one refusal of the token."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.zalo.connection import ZaloRejected
from bot.zalo.fakeapi import FakeZaloApi
from bot.zalo.polling import IDLE_FLOOR, running_zalo
from tests.reminders.conftest import wait_for


@pytest.fixture
def zalo_api():
    """A Zalo that hands each consumed update out again and ends idle polls at once."""
    with FakeZaloApi(replay=True, instant_idle=True) as server:
        yield server


async def polls_after(api: FakeZaloApi, count: int) -> float:
    """Seconds it took the bot to poll `count` more times."""
    start, began = len(api.calls("getUpdates")), time.monotonic()
    await wait_for(lambda: len(api.calls("getUpdates")) >= start + count, timeout=30)
    return time.monotonic() - began


async def test_a_stranger_greeted_once_though_zalo_replays_the_message(zalo_api, zalo_app):
    async with running_zalo(zalo_app):
        stranger = zalo_api.user("f00dfeed00000001", "Người lạ")
        stranger.send("Xin chào")
        await stranger.reply()
        # Zalo hands «Xin chào» out on every poll from now on; ten polls later, still one
        # greeting, and the polls were not back to back.
        took = await polls_after(zalo_api, 10)
        assert took >= 9 * IDLE_FLOOR * 0.9
        assert len(stranger.all_replies()) == 1


async def test_idle_polls_ending_at_once_are_at_most_two_a_second(zalo_api, zalo_app):
    async with running_zalo(zalo_app):
        took = await polls_after(zalo_api, 6)
    assert took >= 5 * IDLE_FLOOR * 0.9


async def test_a_403_from_getupdates_is_waited_out_not_the_end(zalo_api, zalo_app):
    zalo_api.fail_next("getUpdates", 403, "Internal server error")
    async with running_zalo(zalo_app) as polling:
        await wait_for(lambda: len(zalo_api.calls("getMe")) >= 2, timeout=30)
        stranger = zalo_api.user("f00dfeed00000002", "Người lạ")
        stranger.send("Xin chào")
        await stranger.reply()
        assert not polling.done()


async def test_a_401_ends_the_run_with_the_token_refused(zalo_api, zalo_app):
    async with running_zalo(zalo_app) as polling:
        zalo_api.fail_next("getUpdates", 401, "Unauthorized")
        with pytest.raises(ZaloRejected):
            await asyncio.wait_for(polling, timeout=30)
