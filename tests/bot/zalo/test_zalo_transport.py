"""The Zalo transport against the fake: what Zalo answers, as the sender reads it."""

from __future__ import annotations

import asyncio

import pytest

from bot.zalo.adapter import ZaloTransport
from bot.zalo.client import ZaloClient
from core.messages import Reply
from reminders.limits import SLOW_DOWN
from reminders.sender import send_paced


@pytest.fixture
async def transport(zalo_api, zalo_app):
    client = ZaloClient(zalo_api.token, zalo_api.base_url)
    yield ZaloTransport(client, zalo_app.engine.caps("zalo"), zalo_app.renderer)
    await client.close()


async def test_a_burst_of_quota_answers_slows_the_bot_once_not_once_each(zalo_api, transport):
    for _ in range(3):
        zalo_api.fail_next("sendMessage", 429, "Quota exceeded")
    first = await asyncio.gather(*(transport.deliver(f"c{n}", Reply("x")) for n in range(3)))
    assert [d.outcome for d in first] == ["retry_after"] * 3
    limiter = transport.limiter
    assert limiter.spacing == pytest.approx(limiter.base_spacing * SLOW_DOWN)
    assert 0.5 < limiter.backlog() <= 1.0  # the whole bot waits a second, not eight
    again = await asyncio.gather(*(send_paced(transport, f"c{n}", Reply("x"))
                                   for n in range(3)))
    assert [d.outcome for d in again] == ["sent"] * 3
    assert all(len(zalo_api.sent_to(f"c{n}")) == 1 for n in range(3))


async def test_a_429_near_the_months_budget_is_the_quota_not_the_rate(zalo_api, transport):
    """Zalo answers both with 429 «Quota exceeded»: at 95 % of our own count it is the
    month's quota (nothing is retried in place), below it the per-second limit."""
    assert transport.monthly_budget == 3000
    zalo_api.fail_next("sendMessage", 429, "Quota exceeded")
    assert (await transport.deliver("c1", Reply("x"))).outcome == "retry_after"
    transport.used = 2850
    zalo_api.fail_next("sendMessage", 429, "Quota exceeded")
    delivery = await send_paced(transport, "c2", Reply("x"))
    assert (delivery.outcome, delivery.count) == ("quota", 0)
    assert zalo_api.calls("sendMessage").count("sendMessage") == 2  # no try in place


async def test_blocked_refused_and_unreachable_answers(zalo_api, transport):
    zalo_api.block("gone")
    assert (await transport.deliver("gone", Reply("x"))).outcome == "blocked"
    zalo_api.fail_next("sendMessage", 400, "Invalid chat_id")
    assert (await transport.deliver("c1", Reply("x"))).outcome == "rejected"
    zalo_api.fail_next("sendMessage", 502, "Bad Gateway")
    assert (await transport.deliver("c1", Reply("x"))).outcome == "error"
    zalo_api.forget_chat("unknown")
    assert (await transport.deliver("unknown", Reply("x"))).outcome == "blocked"
    # Zalo's error table: 403 is "Internal server error", tried again, never "blocked".
    zalo_api.fail_next("sendMessage", 403, "Internal server error")
    assert (await transport.deliver("c1", Reply("x"))).outcome == "error"


async def test_a_long_reply_refused_once_arrives_whole_each_piece_once(zalo_api, transport):
    text = "\n".join(f"{n:03d} " + "x" * 95 for n in range(50))  # 5,000 characters
    zalo_api.fail_next("sendMessage", 502, "Bad Gateway")
    delivery = await send_paced(transport, "c9", Reply(text))
    assert delivery.outcome == "sent"
    pieces = [m.text for m in zalo_api.sent_to("c9")]
    assert "\n".join(pieces) == text  # every piece once, in order
    assert delivery.count == len(pieces)  # each piece counts against the month's quota


async def test_a_text_of_emojis_is_cut_where_zalo_counts_not_where_python_does(
        zalo_api, transport):
    text = "\n".join("🔕 " + "x" * 97 for _ in range(20))  # 1,980 characters, 2,000+ units
    assert (await send_paced(transport, "c7", Reply(text))).outcome == "sent"
    pieces = [m.text for m in zalo_api.sent_to("c7")]
    assert len(pieces) == 2 and "\n".join(pieces) == text


async def test_a_caption_zalo_would_cut_follows_the_photo_as_a_message(zalo_api, zalo_app):
    async def publish(name: str, content_type: str, data: bytes) -> tuple[str, str]:
        return zalo_api.add_image(data, content_type), "mai"

    client = ZaloClient(zalo_api.token, zalo_api.base_url)
    transport = ZaloTransport(client, zalo_app.engine.caps("zalo"), zalo_app.renderer,
                              publish, allow_private=True)
    try:
        long_caption = "Bản tin tuần\n" + "\n".join(f"{n}. " + "y" * 60 for n in range(40))
        delivery = await send_paced(transport, "c8", Reply(long_caption, photo=b"\x89PNG"))
        assert delivery.outcome == "sent"
        sent = zalo_api.sent_to("c8")
        assert sent[0].kind == "photo" and sent[0].text is None
        assert "\n".join(m.text for m in sent[1:]) == long_caption
        short = await send_paced(transport, "c9", Reply("Biểu đồ", photo=b"\x89PNG"))
        assert short.outcome == "sent"
        assert [(m.kind, m.text) for m in zalo_api.sent_to("c9")] == [("photo", "Biểu đồ")]
    finally:
        await client.close()
