"""The bot's sixteen connections to the Bot API, as four small pools (bot/pools.py)."""

import asyncio

from telegram import Bot

from bot.telegram.connection import CONNECTIONS, _request


async def test_twenty_replies_on_the_wire_at_once_all_arrive(api):
    bot = Bot(api.token, base_url=api.base_url, request=_request(CONNECTIONS))
    # Each answered after a pause: the twenty are out together, four more than the
    # connections, and those four wait in the least busy pool.
    for _ in range(20):
        api.delay_next("sendMessage", 0.3)
    async with bot:
        sent = await asyncio.gather(*(bot.send_message(chat_id=9000 + n, text=f"Tin {n}")
                                      for n in range(20)))
        assert sorted(m.chat.id for m in sent) == [9000 + n for n in range(20)]
        assert [m.text for m in api.sent_to(9007)] == ["Tin 7"]
        # And one more, alone, once they are all answered.
        await bot.send_message(chat_id=9020, text="Tin 20")
    assert [m.text for m in api.sent_to(9020)] == ["Tin 20"]
