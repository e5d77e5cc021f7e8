"""The outbox hands the sender rows taking turns between bots: one bot's backlog does not
keep another bot's rows out of the batch."""

from __future__ import annotations

from datetime import timedelta

from storage.models import OutboxMessage
from storage.outbox import PENDING, due_messages
from storage.schools import pick_school


def row(school, n: int, bot: str | None, at) -> OutboxMessage:
    return OutboxMessage(school_id=school.id, key=f"k{n}", kind="monthly", period="p",
                         channel="telegram", chat_id=str(n), bot=bot, due_at=at,
                         not_before=at, status=PENDING, task_ids=[], criteria=[],
                         body={"text": "x"}, attempts=0, created_at=at)


def test_rows_take_turns_between_bots(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        school = pick_school(session, "demo", clock, create=True)
        session.add_all([row(school, n, None, now - timedelta(minutes=60 - n))
                         for n in range(50)])
        session.add_all([row(school, 100 + n, "777", now - timedelta(minutes=5 - n))
                         for n in range(3)])
    with sessions() as session:
        first = [(m.bot, m.chat_id) for m in due_messages(session, now, 4)]
    assert first == [(None, "0"), ("777", "100"), (None, "1"), ("777", "101")]
