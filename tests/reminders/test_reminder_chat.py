"""A teacher and the reminders: the buttons on them, snoozing, pausing, blocking the bot,
and a bot that was down."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from reminders.scheduler import ReminderService, enqueue_due
from storage.leases import hold
from storage.models import Account, OutboxMessage, School, Staff
from storage.outbox import claim
from tests.chat import CHOICE_LINE
from tests.reminders.conftest import TZ, local, move_to

TRANG = "0901234503"  # TTCM, GVBM in the example school: three tasks in November 2026


def to(recorder, chat) -> list:
    return [s for s in recorder.sent if s.chat_id == chat.user_id]


def labels(sent) -> list[str]:
    """A reminder's choices: its buttons, or its numbered lines on a channel without."""
    if sent.reply.buttons:
        return [b.label for row in sent.reply.buttons for b in row]
    return [text for _, text in CHOICE_LINE.findall(sent.reply.text)]


async def choose(chat, sent, label: str) -> str:
    """Press the reminder's button, or type its number."""
    if chat.typed:
        return await chat.send(str(labels(sent).index(label) + 1))
    return await chat.press_data(data_of(sent, label))


def data_of(sent, label: str) -> str:
    return next(b.data for row in sent.reply.buttons for b in row if b.label == label)


async def test_update_now_walks_through_the_tasks_of_the_check_in(
        chat_as, clock, demo_reminders, demo_recorder):
    trang = chat_as(TRANG)
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    (check_in,) = to(demo_recorder, trang)
    assert "tháng 11/2026" in check_in.reply.text and "3 nhiệm vụ" in check_in.reply.text
    assert labels(check_in) == ["✍️ Cập nhật ngay", "⏰ Nhắc lại sau 1 ngày", "3 ngày", "1 tuần"]

    assert "[2.2] Tổ chức sinh hoạt" in await choose(trang, check_in, "✍️ Cập nhật ngay")
    await trang.press("Đang thực hiện")
    await trang.send("Đã sinh hoạt tổ 2 buổi.")
    await trang.press("Bỏ qua")
    saved = await trang.press("💾 Lưu")
    assert "Còn 2 nhiệm vụ trong tin nhắc này" in saved
    assert "[2.2] Bồi dưỡng ứng dụng" in await trang.press("➡️ Nhiệm vụ tiếp theo")
    await trang.send("/huy")
    if not trang.typed:  # the same button later starts with what is still to do
        assert "Bồi dưỡng ứng dụng" in await choose(trang, check_in, "✍️ Cập nhật ngay")


def _reminder_id(sessions, chat) -> int:
    with sessions() as session:
        return session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.chat_id == chat.user_id))


async def test_a_reminder_button_of_someone_else_or_mid_update_is_refused(
        sessions, chat_as, clock, demo_reminders, demo_recorder):
    trang, bao = chat_as(TRANG), chat_as("0901234504")
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    data = "r:" + str(_reminder_id(sessions, trang))
    assert "tin nhắn cũ" in await bao.press_data(data)
    await trang.send("/capnhat")
    assert "đang cập nhật" in (await trang.press_data(data)).lower()


async def test_snoozing_moves_the_follow_up(chat_as, clock, demo_reminders, demo_recorder):
    trang, bao = chat_as(TRANG), chat_as("0901234504")
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    check_in = to(demo_recorder, trang)[0]
    assert "nhắc lại vào thứ Tư 02/12, lúc 08:00" in await choose(trang, check_in, "1 tuần")

    move_to(clock, local(2026, 11, 28, 8, 0))  # three days on: the usual nudge
    await demo_reminders.run_once()
    assert "Nhắc lại nhẹ" in to(demo_recorder, bao)[-1].reply.text
    assert len(to(demo_recorder, trang)) == 1
    move_to(clock, local(2026, 12, 2, 8, 0))
    await demo_reminders.run_once()
    follow_up = to(demo_recorder, trang)[-1].reply.text
    assert "Nhắc lại nhẹ" in follow_up and "3 nhiệm vụ" in follow_up


async def test_no_reminders_while_on_leave(sessions, chat_as, clock, demo_reminders,
                                           demo_recorder):
    trang, bao = chat_as(TRANG), chat_as("0901234504")
    with sessions.begin() as session:
        session.scalar(select(Staff).where(Staff.phone_norm == TRANG)).paused_until = (
            local(2026, 11, 30).date())
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    assert to(demo_recorder, trang) == [] and len(to(demo_recorder, bao)) == 1


async def test_someone_who_blocked_the_bot_is_marked_and_not_retried(
        sessions, chat_as, clock, demo_reminders, demo_recorder):
    trang = chat_as(TRANG)
    demo_recorder.blocked.add(trang.user_id)
    move_to(clock, local(2026, 11, 25, 8, 0))
    await demo_reminders.run_once()
    with sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == trang.user_id))
        assert row.status == "unreachable"
        account = session.scalar(select(Account).where(Account.chat_id == trang.user_id))
        assert account.unreachable_at is not None
    move_to(clock, local(2026, 11, 28, 8, 0))
    await demo_reminders.run_once()
    with sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id == trang.user_id)).all()
        assert len(rows) == 1  # nothing more is queued for a chat that refuses
    demo_recorder.blocked.clear()
    await trang.send("/nhiemvu")  # they are back
    with sessions() as session:
        account = session.scalar(select(Account).where(Account.chat_id == trang.user_id))
        assert account.unreachable_at is None


async def test_a_check_in_missed_while_the_bot_was_down_goes_out_when_it_is_back(
        chat_as, clock, demo_reminders, demo_recorder):
    trang = chat_as(TRANG)
    move_to(clock, local(2026, 11, 26, 7, 30))  # down since before the 25th, 08:00
    await demo_reminders.run_once()
    assert to(demo_recorder, trang) == []  # not before the hour reminders go out
    move_to(clock, local(2026, 11, 26, 8, 0))
    await demo_reminders.run_once()
    (late,) = to(demo_recorder, trang)
    assert "tháng 11/2026" in late.reply.text
    assert late.at.astimezone(TZ) == local(2026, 11, 26, 8, 0)


async def test_a_week_down_sends_what_is_still_worth_saying_once(
        sessions, chat_as, clock, demo_reminders, demo_recorder):
    """Down from before Monday's digest to the next Tuesday: the month's check-in still goes
    (once, with the follow-up it would have had), the stale digest does not."""
    trang, hanh = chat_as(TRANG), chat_as("0901234501")
    move_to(clock, local(2026, 12, 1, 9, 0))
    await demo_reminders.run_once()
    await demo_reminders.run_once()
    (late,) = to(demo_recorder, trang)
    assert "tháng 11/2026" in late.reply.text
    (principal,) = to(demo_recorder, hanh)
    assert "Tuần này" not in principal.reply.text  # the 30/11 digest is a day too old
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == len(demo_recorder.sent)


async def test_two_processes_never_send_the_same_reminder(
        sessions, renderer, chat_as, clock, demo_reminders, demo_recorder):
    for phone in ("0901234501", "0901234502", TRANG, "0901234504", "0901234505"):
        chat_as(phone)
    other = ReminderService(sessions, renderer, clock,
                            {demo_recorder.caps.name: demo_recorder})
    move_to(clock, local(2026, 11, 25, 8, 0))
    first, second = await asyncio.gather(demo_reminders.run_once(), other.run_once())
    assert (first is None) != (second is None)  # one of them holds the lease
    with sessions() as session:
        sent = session.scalars(select(OutboxMessage.kind).where(OutboxMessage.status == "sent"))
        kinds = sorted(sent)
    assert kinds == ["monthly"] * 5  # one message each
    assert len(demo_recorder.sent) == len(kinds)
    with sessions() as session:  # 1.1 was due 31/10: HT and PHT hear it with their check-in
        late = session.scalars(select(OutboxMessage).where(
            OutboxMessage.body["text"].as_string().contains("quá hạn"))).all()
        assert len(late) == 2


async def test_rows_a_dead_process_claimed_are_sent_by_the_next_one(
        sessions, chat_as, clock, demo_reminders, demo_recorder):
    for phone in ("0901234501", "0901234502", TRANG):
        chat_as(phone)
    move_to(clock, local(2026, 11, 25, 8, 0))
    with sessions.begin() as session:  # a process took the lease, queued five, claimed two, died
        assert hold(session, "reminders", "dead", clock.now(), 30)
    demo_reminders.tick()  # not the holder: nothing happens
    assert demo_reminders.leading is False
    with sessions.begin() as session:
        enqueue_due(session, session.scalar(select(School)), demo_reminders.renderer,
                    clock.now())
        ids = session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                              .order_by(OutboxMessage.id)).all()
        assert len(ids) == 3 and all(claim(session, i, "dead", clock.now()) for i in ids[:2])
    clock.advance(seconds=31)  # its lease runs out
    await demo_reminders.run_once()
    with sessions() as session:
        assert session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.id.in_(ids))).all() == ["sent"] * 3
        assert len(demo_recorder.sent) == session.scalar(select(func.count()).where(
            OutboxMessage.status == "sent"))
