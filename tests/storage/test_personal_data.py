"""A person who leaves: their personal data erased, the plan's record kept, unnamed."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from reports.report_data import period_of, report_data
from storage.audit import FORGET, PAUSE, trail
from storage.db import writing
from storage.linking import link_by_contact
from storage.models import (
    Account,
    Conversation,
    Evidence,
    Invite,
    OutboxMessage,
    School,
    Staff,
    TaskUpdate,
)
from storage.personal_data import forget, person_data
from storage.web_access import issue_sign_in, live_session, redeem_sign_in
from tests.storage.test_archive import TEACHER, a_lived_school

PLACEHOLDER = "Cán bộ đã nghỉ (#4)"


def teacher(session) -> Staff:
    return session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))


def test_forgetting_keeps_the_record_and_erases_the_person(school, sessions, evidence, clock):
    a_lived_school(sessions, evidence, clock)
    with writing(sessions) as session:
        member = teacher(session)
        session.add(Conversation(channel="test", external_user_id=f"demo-{TEACHER}",
                                 flow="update", step="done_text", data={"draft": "Đã họp"},
                                 updated_at=clock.now()))
        session.add(OutboxMessage(
            school_id=member.school_id, key="digest:2026-W45:1", kind="digest",
            period="2026-W45", staff_id=None, channel="test", chat_id="-100", due_at=clock.now(),
            not_before=clock.now(), status="sent", task_ids=[], criteria=[],
            body={"text": f"Chưa trả lời: {member.name}, Phạm Quốc Bảo Anh"}, attempts=1,
            created_at=clock.now()))
        pending = OutboxMessage(
            school_id=member.school_id, key=f"deadline:2026-11-20:{member.id}", kind="deadline",
            period="2026-11-20", staff_id=member.id, channel="test", chat_id="c",
            due_at=clock.now(), not_before=clock.now(), status="pending", task_ids=[],
            criteria=[], body={"text": "Nhắc"}, attempts=0, created_at=clock.now())
        session.add(pending)
        token = issue_sign_in(session, clock.now(), staff_id=member.id)
        cookie, _ = redeem_sign_in(session, token, clock.now())
        member_id, school_id = member.id, member.school_id
        answers = session.scalar(select(func.count()).select_from(TaskUpdate))
    assert f"#{member_id})" in PLACEHOLDER
    assert "Phạm Quốc Bảo" in year_report(sessions, school_id, clock)

    with writing(sessions) as session:
        forget(session, session.get(Staff, member_id), PLACEHOLDER, clock.now(), "cli")

    with sessions() as session:
        member = session.get(Staff, member_id)
        assert (member.name, member.phone, member.phone_norm, member.active) == (
            PLACEHOLDER, None, None, False)
        assert member.forgotten_at is not None
        assert not session.scalars(select(Account).where(Account.staff_id == member_id)).all()
        assert not session.scalars(select(Conversation).where(
            Conversation.external_user_id == f"demo-{TEACHER}")).all()
        assert all(i.revoked_at for i in session.scalars(
            select(Invite).where(Invite.staff_id == member_id)))
        assert live_session(session, cookie, clock.now()) is None
        to_them = session.scalars(select(OutboxMessage).where(
            OutboxMessage.staff_id == member_id)).all()
        assert {(m.chat_id, json.dumps(m.body)) for m in to_them} == {("", "{}")}
        assert session.get(OutboxMessage, pending.id).status == "dropped"
        digest = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
        assert digest.body["text"] == f"Chưa trả lời: {PLACEHOLDER}, Phạm Quốc Bảo Anh"
        # The record: every answer and photo kept, now under the placeholder.
        assert session.scalar(select(func.count()).select_from(TaskUpdate)) == answers
        assert session.scalar(select(func.count()).select_from(Evidence)) == 1
        entries = trail(session, school_id)
        assert {e.actor for e in entries if e.kind in ("answer", "correction")} == {PLACEHOLDER}
        assert {e.subject for e in entries if e.kind in (PAUSE, FORGET)} == {PLACEHOLDER}
        assert not any("Phạm Quốc Bảo" == e.actor or "Phạm Quốc Bảo" == e.subject
                       for e in entries)
    assert "Phạm Quốc Bảo" not in year_report(sessions, school_id, clock)


def year_report(sessions, school_id: int, clock) -> str:
    with sessions() as session:
        school = session.get(School, school_id)
        data = report_data(session, school, period_of(session, school, "year"),
                           clock.now().date())
        return json.dumps(data, default=str, ensure_ascii=False)


def test_a_forgotten_person_is_a_stranger_to_the_bot(school, sessions, evidence, clock):
    a_lived_school(sessions, evidence, clock)
    with writing(sessions) as session:
        forget(session, teacher(session), PLACEHOLDER, clock.now(), "cli")
    with writing(sessions) as session:
        again = link_by_contact(session, TEACHER, "new", "test", "new", "new", clock)
    assert again.outcome != "linked"


def test_what_is_held_about_one_person(school, sessions, evidence, clock):
    a_lived_school(sessions, evidence, clock)
    clock.advance(seconds=timedelta(days=1).total_seconds())
    with sessions() as session:
        data = person_data(session, [teacher(session)])
    (staff,) = data["staff"]
    assert (staff["name"], staff["phone"], staff["school"]) == ("Phạm Quốc Bảo", "0901.234.504",
                                                               "demo")
    assert [a["channel"] for a in data["accounts"]] == ["test"]
    assert [u["status"] for u in data["updates"]] == ["in_progress", "done", "late"]
    assert data["updates"][1]["corrects_id"] == data["updates"][0]["id"]
    assert len(data["evidence"]) == 1 and data["tasks"]
    assert [e["kind"] for e in data["audit"]] == ["invitation", "pause"]
    assert [m["kind"] for m in data["messages"]] == ["monthly"]
    assert json.loads(json.dumps(data)) == data
    # Nobody else's rows: the principal's account is not among them.
    assert all(a["staff_id"] == staff["id"] for a in data["accounts"])
