"""Old records are pruned once a day by the process that sends the reminders, and pruning
them, at the shortest keep allowed, changes nothing that is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.config import Settings
from core.errors import InputError
from reminders.preview import preview
from reminders.scheduler import ReminderService
from storage.models import OutboxMessage, OverdueAlert, Plan, School, Staff
from storage.outbox import SENT
from storage.retention import MIN_KEEP
from tests.reminders.conftest import TZ, local, move_to

CHECK_INS = ("monthly", "term_review")


def old_row(school_id: int, key: str, at) -> OutboxMessage:
    return OutboxMessage(school_id=school_id, key=key, kind="deadline", period=key,
                         channel="test", chat_id="1", due_at=at, not_before=at, status=SENT,
                         task_ids=[], criteria=[], body={"text": "x"}, attempts=1,
                         sent_at=at, created_at=at)


def add_old(sessions, school, clock, key: str) -> None:
    with sessions.begin() as session:
        session.add(old_row(school.id, key, clock.now() - MIN_KEEP - timedelta(days=1)))


def outbox_keys(sessions) -> set[str]:
    with sessions() as session:
        return set(session.scalars(select(OutboxMessage.key)))


def test_pruning_runs_once_a_day_across_restarts_and_replicas(sessions, renderer, clock,
                                                                school):
    first = ReminderService(sessions, renderer, clock, {}, retention=MIN_KEEP)
    add_old(sessions, school, clock, "a")
    assert first.prune_if_due()["outbox"] == 1

    add_old(sessions, school, clock, "b")
    clock.advance(hours=23)
    assert first.prune_if_due() is None
    restarted = ReminderService(sessions, renderer, clock, {}, retention=MIN_KEEP)
    assert restarted.prune_if_due() is None  # the last run is in the database
    assert outbox_keys(sessions) == {"b"}
    clock.advance(hours=1)
    assert restarted.prune_if_due()["outbox"] == 1


async def test_only_the_lease_holder_prunes_and_only_when_asked_to(sessions, renderer, clock,
                                                                    school):
    add_old(sessions, school, clock, "old")
    untold = ReminderService(sessions, renderer, clock, {})  # as in the tests, the sandbox
    await untold.run_once()
    assert outbox_keys(sessions) == {"old"}
    untold.stop()

    leader = ReminderService(sessions, renderer, clock, {}, retention=MIN_KEEP)
    other = ReminderService(sessions, renderer, clock, {}, retention=MIN_KEEP)
    try:
        assert await leader.run_once() is not None
        assert outbox_keys(sessions) == set()
        add_old(sessions, school, clock, "later")
        clock.advance(days=2)
        leader.tick()  # renews its lease
        assert await other.run_once() is None
        assert outbox_keys(sessions) == {"later"}
        await leader.run_once()
        assert outbox_keys(sessions) == set()
    finally:
        leader.stop()
        other.stop()


def test_the_keep_comes_from_the_environment_and_has_a_floor():
    assert Settings.from_env({}).retention_days == 180
    assert Settings.from_env({"CAITIEN_RETENTION_DAYS": "365"}).retention_days == 365
    with pytest.raises(InputError) as caught:
        Settings.from_env({"CAITIEN_RETENTION_DAYS": "30"})
    assert caught.value.key == "retention_too_low" and caught.value.params == {
        "days": 30, "minimum": 60}


async def test_a_spring_and_a_summer_pruned_daily_send_each_message_once(
        sessions, renderer, phuhuu, recorder, year_clock):
    """The plan is imported on 1 March 2024; the bot ticks every morning until mid-September,
    pruning each day at the shortest keep allowed; nobody answers. Every message of the
    preview goes out once, no outbox key and no rung of the overdue ladder is written twice
    though the rows that carried them are pruned, and the summer is quiet but for what the
    plan itself dates there."""
    start, end = local(2024, 3, 1, 8, 0), local(2024, 9, 16)
    move_to(year_clock, start)
    with sessions.begin() as session:
        session.scalar(select(Plan).where(Plan.school_id == phuhuu.id)).imported_at = start
    service = ReminderService(sessions, renderer, year_clock, {"test": recorder},
                              retention=MIN_KEEP)
    with sessions() as session:
        names = {s.id: s.name for s in session.scalars(select(Staff))}
        planned = preview(session, session.get(School, phuhuu.id), start, end).lines
    written: dict[str, OutboxMessage] = {}  # by key: SQLite may give a pruned row's id again
    while year_clock.now() < end:
        await service.run_once()
        with sessions() as session:
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
                written.setdefault(row.key, row)
        year_clock.advance(days=1)
    written = list(written.values())
    service.stop()

    texts = [s for s in recorder.sent if s.reply.photo is None]  # a digest's chart goes with it
    assert len(texts) == len(written)  # one message a key
    with sessions() as session:
        rungs = session.execute(select(OverdueAlert.task_id, OverdueAlert.step,
                                       OverdueAlert.staff_id)).all()
        assert len(rungs) == len(set(rungs)) >= 5
        assert session.scalar(select(OverdueAlert.id).where(
            OverdueAlert.outbox_id.is_(None)).limit(1)) is not None  # their rows were pruned
    assert {row.status for row in written} == {SENT}
    sent = sorted((r.due_at.astimezone(TZ).isoformat(), names[r.staff_id],
                   list(dict.fromkeys(i["kind"] for i in r.items)), r.criteria)
                  for r in written if r.staff_id)
    assert sent == sorted((p["at"], p["to"], p["kinds"], p["criteria"]) for p in planned
                          if p["to"])
    summer = [r for r in written if "2024-06" <= r.due_at.astimezone(TZ).isoformat()[:7]
              <= "2024-08"]
    assert summer == []  # no school-year message goes in the summer break
    with sessions() as session:
        left = session.scalars(select(OutboxMessage)).all()
    assert len(left) < len(written) / 2
    kept_check_ins = [r for r in left if r.kind in CHECK_INS
                      and year_clock.now() - r.created_at > MIN_KEEP]
    assert kept_check_ins and all(r.due_at >= local(2024, 5, 1) for r in kept_check_ins)
