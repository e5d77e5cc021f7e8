"""A turn is all or nothing: one that fails after it claimed its event, created the
conversation or kept a file leaves no trace, and is applied when the update comes again."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from handlers import engine as engine_module
from storage.models import Conversation, ProcessedEvent, TaskUpdate


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


async def test_a_failed_turn_leaves_nothing_and_is_applied_when_redelivered(
        school, chat_as, sessions, monkeypatch):
    teacher = chat_as("0901234503")
    command = engine_module.BY_COMMAND["nhiemvu"]
    real = command.run
    calls = []

    def fail_once(turn):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        real(turn)

    monkeypatch.setitem(engine_module.BY_COMMAND, "nhiemvu",
                        dataclasses.replace(command, run=fail_once))
    incoming = teacher._incoming(command="nhiemvu", args="")
    with pytest.raises(RuntimeError):
        await teacher.replay(incoming)
    assert count(sessions, ProcessedEvent) == 0
    assert count(sessions, Conversation) == 0

    answer = await teacher.replay(incoming)
    assert "nhiệm vụ" in answer.lower()
    assert count(sessions, ProcessedEvent) == 1
    assert await teacher.replay(incoming) == answer  # the third: answered again, not applied
    assert count(sessions, ProcessedEvent) == 1


async def test_a_failed_save_keeps_no_update_and_no_file(school, chat_as, sessions, evidence,
                                                         monkeypatch):
    teacher = chat_as("0901234503")
    await teacher.send("/capnhat")
    await teacher.press("1.")
    await teacher.press("Hoàn thành")
    await teacher.send("Đã sinh hoạt tổ 2 buổi.")
    await teacher.send_file(b"\xff\xd8jpeg-1")
    files = sorted(p for p in evidence.root.rglob("*") if p.is_file())
    assert len(files) == 1

    from handlers import update_flow

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(update_flow, "record_update", broken)
    await teacher.press("✅ Xong")
    with pytest.raises(RuntimeError):
        await teacher.press("💾 Lưu")
    assert count(sessions, TaskUpdate) == 0
    assert sorted(p for p in evidence.root.rglob("*") if p.is_file()) == files


async def test_the_database_away_for_a_moment_delays_the_turn_and_loses_nothing(
        school, chat_as, sessions, monkeypatch):
    """The first tries meet a database that does not answer (as when PostgreSQL restarts):
    the turn is tried again, and the person's message is applied once it is back."""
    from sqlalchemy.exc import OperationalError

    monkeypatch.setattr(engine_module, "DB_RETRIES", (0.01, 0.01, 0.01))
    teacher = chat_as("0901234507")
    real = engine_module.Engine._transaction
    failures = [2]

    def away(self, *args):
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("server closed"))
        return real(self, *args)

    monkeypatch.setattr(engine_module.Engine, "_transaction", away)
    assert "Tình trạng" in await teacher.send("/capnhat")
    assert failures == [0]
    failures[0] = 10  # away for longer than the turn waits: the caller is told
    with pytest.raises(OperationalError):
        await teacher.send("2")
    failures[0] = 0
    assert "đã làm được" in await teacher.send("2")
