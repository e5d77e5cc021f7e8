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
