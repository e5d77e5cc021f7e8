"""Retention: old records of the machinery go, in batches; answers, evidence, the audit
trail and each person's last check-ins stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from core.clock import FixedClock
from storage import audit
from storage.models import (
    AuditEvent,
    Download,
    Evidence,
    Invite,
    LinkFailure,
    OutboxMessage,
    OverdueAlert,
    ProcessedEvent,
    ReminderSnooze,
    School,
    Staff,
    Task,
    TaskUpdate,
    Upload,
    WebFailure,
    WebSession,
    WebSignIn,
)
from storage.linking import issue_invites
from storage.outbox import FAILED, PENDING, SENDING, SENT
from storage.retention import MIN_KEEP, prune
from storage.updates import record_update

KEEP = timedelta(days=90)
OLD = timedelta(days=91)
NEW = timedelta(days=89)


def outbox(school_id, key, staff_id, at, status=SENT, kind="deadline") -> OutboxMessage:
    return OutboxMessage(school_id=school_id, key=key, kind=kind, period=key,
                         staff_id=staff_id, channel="telegram", chat_id=str(staff_id),
                         due_at=at, not_before=at, status=status, task_ids=[], criteria=[],
                         body={"text": "Nhắc việc"}, attempts=1,
                         sent_at=at if status == SENT else None, created_at=at)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def keys(session) -> set[str]:
    return set(session.scalars(select(OutboxMessage.key)))


@pytest.fixture
def people(sessions, school):
    with sessions() as session:
        return list(session.scalars(select(Staff.id).where(Staff.school_id == school.id)
                                    .order_by(Staff.id)))


def test_old_records_go_and_new_ones_stay(sessions, school, people, clock):
    now = clock.now()
    first = people[0]
    with sessions.begin() as session:
        for age, name in ((OLD, "old"), (NEW, "new")):
            at = now - age
            session.add_all([
                outbox(school.id, f"deadline:{name}:{first}", first, at),
                outbox(school.id, f"failed:{name}:{first}", first, at, status=FAILED),
                ReminderSnooze(school_id=school.id, staff_id=first, source_key=name,
                               until=at, created_at=at),
                WebSignIn(token_hash=f"{name}-link", staff_id=first, created_at=at,
                          expires_at=at + timedelta(minutes=10), used_at=at),
                WebSession(token_hash=f"{name}-session", staff_id=first, created_at=at,
                           expires_at=at + timedelta(hours=12)),
            ])
        for age, name in ((timedelta(days=8), "old"), (timedelta(days=6), "new")):
            session.add(ProcessedEvent(channel="telegram", event_id=name,
                                       processed_at=now - age))
        for age in (timedelta(hours=25), timedelta(hours=23)):
            session.add(LinkFailure(channel="telegram", external_user_id="5001", at=now - age))
            session.add(WebFailure(address="203.0.113.7", at=now - age))
        for age in (timedelta(days=8), timedelta(days=6)):
            session.add(Upload(school_id=school.id, file_name="ke-hoach.docx", data=b"plan",
                               created_at=now - age))
        for expires in (now, now + timedelta(minutes=1)):  # a link works until it expires
            session.add(Download(digest="d", name="bao-cao.docx", mime_type="x", content=b"r",
                                 created_at=expires - timedelta(hours=72), expires_at=expires))

    counts = prune(sessions, now, KEEP)

    assert counts == {"outbox": 2, "overdue_alerts": 0, "reminder_snoozes": 1,
                      "web_sign_ins": 1, "web_sessions": 1, "processed_events": 1,
                      "link_failures": 1, "web_failures": 1, "downloads": 1, "uploads": 1}
    with sessions() as session:
        assert keys(session) == {f"deadline:new:{first}", f"failed:new:{first}"}
        assert session.scalars(select(ReminderSnooze.source_key)).all() == ["new"]
        assert session.scalars(select(WebSignIn.token_hash)).all() == ["new-link"]
        assert session.scalars(select(WebSession.token_hash)).all() == ["new-session"]
        assert session.scalars(select(ProcessedEvent.event_id)).all() == ["new"]
        assert (count(session, LinkFailure), count(session, WebFailure)) == (1, 1)
        assert (count(session, Upload), count(session, Download)) == (1, 1)
    assert set(prune(sessions, now, KEEP).values()) == {0}


def test_rows_waiting_or_being_sent_stay_however_old(sessions, school, people, clock):
    now = clock.now()
    with sessions.begin() as session:
        session.add(outbox(school.id, "waits", people[0], now - OLD, status=PENDING))
        session.add(outbox(school.id, "on the wire", people[0], now - OLD, status=SENDING))
    assert prune(sessions, now, KEEP)["outbox"] == 0
    with sessions() as session:
        assert keys(session) == {"waits", "on the wire"}


def test_answers_evidence_audit_and_invitations_are_never_pruned(sessions, school, people,
                                                                 clock):
    old = clock.now() - timedelta(days=3650)
    with sessions.begin() as session:
        task = session.scalar(select(Task).where(Task.school_id == school.id).limit(1))
        photo = {"kind": "photo", "path": "demo/1.1/a.jpg", "file_name": "a.jpg",
                 "mime_type": "image/jpeg", "size": 3, "sha256": "0" * 64}
        record_update(session, task, people[0], "done", "Đã làm.", None, [photo],
                      FixedClock(old))
        audit.record(session, audit.SIGN_IN, school.id, old, "web", actor_id=people[0])
        issue_invites(session, session.get(School, school.id), FixedClock(old))
    with sessions() as session:
        before = [count(session, m) for m in (TaskUpdate, Evidence, AuditEvent, Invite,
                                              Task, Staff)]
    prune(sessions, clock.now(), MIN_KEEP)
    with sessions() as session:
        assert [count(session, m) for m in (TaskUpdate, Evidence, AuditEvent, Invite, Task,
                                            Staff)] == before


def test_the_ladders_rungs_outlive_the_rows_that_carried_them(sessions, school, people,
                                                              clock):
    """A task late for longer than the keep must not climb its ladder again: the rung stays,
    naming no message any more."""
    now = clock.now()
    with sessions.begin() as session:
        task_id = session.scalar(select(Task.id).where(Task.school_id == school.id).limit(1))
        for age, name in ((OLD, "old"), (NEW, "new")):
            row = outbox(school.id, f"overdue:{name}", people[0], now - age, kind="overdue")
            session.add(row)
            session.flush()
            session.add(OverdueAlert(school_id=school.id, task_id=task_id, step=0,
                                     week=1 if name == "old" else 13, staff_id=people[0],
                                     outbox_id=row.id, created_at=now - age))
    assert prune(sessions, now, KEEP)["overdue_alerts"] == 1
    with sessions() as session:
        assert keys(session) == {"overdue:new"}
        rungs = session.execute(select(OverdueAlert.week, OverdueAlert.outbox_id)
                                .order_by(OverdueAlert.week)).all()
        assert [(week, outbox_id is None) for week, outbox_id in rungs] == [(1, True),
                                                                              (13, False)]


def test_each_persons_last_check_ins_stay_for_the_silent_list(sessions, school, people,
                                                               clock):
    """The monitoring team hears who let their last `silent_after` check-ins go unanswered,
    and the digest names who left the last one: those rows stay, however old."""
    now = clock.now()
    first, second = people[:2]
    with sessions.begin() as session:
        session.get(School, school.id).calendar = {"silent_after": 3}
        for months in range(6, 10):  # 6 to 9 months ago: all older than KEEP
            at = now - timedelta(days=30 * months)
            session.add(outbox(school.id, f"monthly:{months}:{first}", first, at,
                               kind="monthly"))
            session.add(outbox(school.id, f"nudge:{months}:{first}", first, at, kind="nudge"))
        session.add(outbox(school.id, f"monthly:7:{second}", second, now - timedelta(days=210),
                           kind="monthly"))
        session.add(outbox(school.id, f"term_review:x:{second}", second,
                           now - timedelta(days=200), kind="term_review", status=FAILED))
    prune(sessions, now, KEEP)
    with sessions() as session:
        assert keys(session) == {f"monthly:6:{first}", f"monthly:7:{first}",
                                 f"monthly:8:{first}", f"monthly:7:{second}"}


def test_a_backlog_goes_in_batches_each_its_own_transaction(sessions, db, school, people,
                                                            clock):
    now = clock.now()
    with sessions.begin() as session:
        session.add_all([outbox(school.id, f"deadline:{n}", people[0], now - OLD - timedelta(
            hours=n)) for n in range(10)])
        session.add_all([ProcessedEvent(channel="telegram", event_id=str(n),
                                        processed_at=now - timedelta(days=30))
                         for n in range(7)])
    commits = []

    def committed(connection) -> None:
        commits.append(connection)

    event.listen(db, "commit", committed)
    try:
        counts = prune(sessions, now, KEEP, batch=3)
    finally:
        event.remove(db, "commit", committed)
    assert (counts["outbox"], counts["processed_events"]) == (10, 7)
    # 10 rows in 4 batches, 7 in 3, and one look at each of the 7 other tables.
    assert len(commits) == 4 + 3 + 7


def test_a_keep_below_what_the_reminders_need_is_refused(sessions, clock):
    with pytest.raises(ValueError):
        prune(sessions, clock.now(), MIN_KEEP - timedelta(days=1))
