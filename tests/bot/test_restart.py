"""`caitien run` killed mid-conversation: the teacher carries on where they were."""

import asyncio
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.models import TaskUpdate
from tests.reminders.conftest import wait_for


def start_bot(env: dict[str, str], cwd) -> subprocess.Popen:
    full_env = {**os.environ, **env}
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=full_env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def wait_polling(api, since: int) -> None:
    deadline = time.monotonic() + 30
    while len(api.calls("getUpdates")) <= since:
        assert time.monotonic() < deadline, "the bot never polled"
        await asyncio.sleep(0.05)


async def test_kill_9_mid_update_then_restart_resumes(api, env, invites, db_url, tmp_path):
    process = start_bot(env, tmp_path)
    try:
        await wait_polling(api, 0)
        mai = api.user(6001, "Mai")
        mai.send(f"/start {invites['0901234507']}")
        await mai.reply(timeout=30)
        mai.send("/capnhat")
        assert "Tình trạng" in (await mai.reply()).text
        mai.press("Đang thực hiện")
        assert "đã làm được" in (await mai.reply()).text
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    mai.send("Đã kiểm kê 3 phòng bộ môn.")  # arrives while the bot is down
    polled = len(api.calls("getUpdates"))
    process = start_bot(env, tmp_path)
    try:
        await wait_polling(api, polled)
        assert "minh chứng" in (await mai.reply(timeout=30)).text
        mai.press("Bỏ qua")
        assert "Kiểm tra lại" in (await mai.reply()).text
        mai.press("💾 Lưu")
        assert "Đã lưu" in (await mai.reply()).text
    finally:
        process.terminate()
        process.wait(timeout=30)

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        (update,) = s.scalars(select(TaskUpdate)).all()
        assert (update.status, update.done_text) == ("in_progress", "Đã kiểm kê 3 phòng bộ môn.")
        assert update.author.name == "Huỳnh Thị Mai"
    engine.dispose()


async def test_killed_between_fetching_and_handling_then_handled_after_restart(
        api, env, invites, db_url, tmp_path):
    """The evidence photo is fetched but its download hangs when the process dies: the
    update was never confirmed, so the restarted bot gets it again and keeps the photo."""
    process = start_bot(env, tmp_path)
    try:
        await wait_polling(api, 0)
        mai = api.user(6101, "Mai")
        mai.send(f"/start {invites['0901234507']}")
        await mai.reply(timeout=30)
        for step in ("/capnhat", "Đang thực hiện", "Đã kiểm kê."):
            mai.press(step) if step == "Đang thực hiện" else mai.send(step)
            await mai.reply()
        api.delay_next("getFile", 30)
        mai.send_photo(b"\x89PNG\r\n\x1a\nphoto" * 20)
        deadline = time.monotonic() + 10
        while "getFile" not in api.calls():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    polled = len(api.calls("getUpdates"))
    process = start_bot(env, tmp_path)
    try:
        await wait_polling(api, polled)
        assert "Đã nhận 1 tệp" in (await mai.reply(timeout=30)).text
    finally:
        process.terminate()
        process.wait(timeout=30)


async def test_kill_9_with_forty_messages_in_flight_leaves_none_unanswered(
        api, env, invites, tmp_path):
    process = start_bot(env, tmp_path)
    phones = ["0901234503", "0901234504", "0901234505", "0901234507"]
    teachers = []
    try:
        await wait_polling(api, 0)
        for n, phone in enumerate(phones):
            teacher = api.user(6200 + n, "GV")
            teacher.send(f"/start {invites[phone]}")
            await teacher.reply(timeout=30)
            teachers.append(teacher)
        for _ in range(10):
            for teacher in teachers:
                teacher.send("/nhiemvu")
        # Killed once answers are going out: the rest are fetched, under way or waiting.
        await wait_for(lambda: sum(len(t.all_replies()) for t in teachers) > len(teachers))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    process = start_bot(env, tmp_path)
    try:
        deadline = time.monotonic() + 60
        while any(len(t.all_replies()) < 11 for t in teachers):
            assert time.monotonic() < deadline, [len(t.all_replies()) for t in teachers]
            await asyncio.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Each answer once, but for the few that were on the wire when the process died.
    assert all(len(t.all_replies()) <= 11 + 3 for t in teachers)


async def test_two_runs_of_one_bot_the_first_says_why_it_stops(api, env, db, tmp_path):
    """Telegram ends the older of two pollers of one bot with a Conflict; the process that
    stops says another machine runs the bot — not that a webhook is set."""
    first = subprocess.Popen([sys.executable, "-m", "bot", "run"], env={**os.environ, **env},
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    second = None
    try:
        await wait_polling(api, 0)
        second = start_bot(env, tmp_path)
        _, err = await asyncio.to_thread(first.communicate, timeout=60)
        assert first.returncode == 2
        assert "Một máy khác đang chạy «caitien run»" in err
        assert "caitien webhook delete" not in err
        assert second.poll() is None  # the newer one goes on
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
