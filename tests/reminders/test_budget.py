"""A bot's month as the sender reads it: what goes when the budget runs low, and one probe
an hour once Zalo said the quota is spent (reminders/budget.py), on the test's clock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reminders.budget import admit, record_quota, record_sent
from storage.bot_months import bot_month, month_of
from storage.models import Account, OutboxMessage, Staff
from storage.outbox import PENDING, add_message

LIMITS = {"zalo": 100}


def queue(session, school, kind: str, n: int, now, items=None) -> OutboxMessage:
    staff = session.scalars(select(Staff).where(Staff.school_id == school.id)
                            .order_by(Staff.id)).all()[n]
    row = OutboxMessage(school_id=school.id, key=f"t:{kind}:{n}:{now.isoformat()}", kind=kind,
                        period="p", staff_id=staff.id, channel="zalo", chat_id=f"z{n}",
                        bot=None, due_at=now, not_before=now, status=PENDING, task_ids=[],
                        criteria=[], body={"text": kind}, items=items, attempts=0,
                        created_at=now)
    add_message(session, row)
    return row


def link_principal(session, school, now) -> None:
    """Hạnh (HT) reads the bot on Zalo."""
    principal = session.scalars(select(Staff).where(Staff.school_id == school.id)
                                .order_by(Staff.id)).first()
    assert "HT" in principal.roles
    session.add(Account(school_id=school.id, staff_id=principal.id, channel="zalo",
                        external_user_id="z-hanh", chat_id="z-hanh", linked_at=now,
                        linked_by="test"))


def test_in_the_last_tenth_replies_and_deadlines_go_and_check_ins_wait(sessions, school,
                                                                        clock, renderer):
    now = clock.now()
    with sessions.begin() as session:
        link_principal(session, school, now)
        assert record_sent(session, renderer, "zalo", None, 85, 100, now) == 85
        rows = [queue(session, school, "monthly", 0, now), queue(session, school, "reply", 1, now),
                queue(session, school, "monthly", 2, now, items=[{"kind": "deadline"}])]
        assert set(admit(session, rows, LIMITS, now)) == {r.id for r in rows}  # 85 %: all
        record_sent(session, renderer, "zalo", None, 5, 100, now)  # 90 %
        again = [queue(session, school, "monthly", 3, now), queue(session, school, "reply", 4, now),
                 queue(session, school, "digest", 5, now, items=[{"kind": "overdue"}])]
        assert admit(session, again, LIMITS, now) == [again[1].id, again[2].id]
        assert again[0].status == "dropped"  # merged into the person's next message
        # The principal was told once, at 80 %: one notice however many sends follow.
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "budget"))
        assert ["85/100" in n.body["text"] for n in notices] == [True]


def test_a_spent_quota_lets_one_probe_through_an_hour_until_the_month_turns(
        sessions, school, clock, renderer):
    start = clock.now()
    with sessions.begin() as session:
        link_principal(session, school, start)
        assert record_quota(session, renderer, "zalo", None, 100, start)
        assert not record_quota(session, renderer, "zalo", None, 100, start)  # told once
        told = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "budget"))
        assert ["hết lượt" in n.body["text"] for n in told] == [True]
        tries = []
        for minutes in (0, 20, 40, 61, 90, 125):
            now = start + timedelta(minutes=minutes)
            rows = [queue(session, school, "reply", n, now) for n in range(3)]
            allowed = admit(session, rows, LIMITS, now)
            tries.append((minutes, len(allowed)))
            # A reply that may not go waits for the next probe: not dropped, not tried.
            assert all(r.status == PENDING and r.not_before > now
                       for r in rows if r.id not in allowed)
        assert tries == [(0, 0), (20, 0), (40, 0), (61, 1), (90, 0), (125, 1)]
        # A message that goes through again means Zalo sends again.
        record_sent(session, renderer, "zalo", None, 1, 100, start + timedelta(minutes=126))
        assert bot_month(session, "zalo", None, month_of(start)).quota_at is None
        next_month = start + timedelta(days=31)
        rows = [queue(session, school, "monthly", 0, next_month)]
        assert admit(session, rows, LIMITS, next_month) == [rows[0].id]
