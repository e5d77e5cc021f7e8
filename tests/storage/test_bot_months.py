"""The month's count is one number for every replica: increments from several connections
at once all land, and the first to cross a mark is the only one told it did."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from storage.bot_months import add_sent, bot_month, month_of, warn_once
from storage.db import writing


def test_increments_from_many_connections_at_once_all_count(sessions, clock):
    month = month_of(clock.now())

    def send(_: int) -> bool:
        with writing(sessions) as session:
            total, _spent = add_sent(session, "zalo", None, month, 1)
            return total >= 30 and warn_once(session, "zalo", None, month, clock.now())

    with ThreadPoolExecutor(4) as pool:
        warned = list(pool.map(send, range(40)))
    with sessions() as session:
        assert bot_month(session, "zalo", None, month).sent == 40
    assert warned.count(True) == 1
