"""SQLite syncs a commit to the WAL only at checkpoints by default (NORMAL: a killed process
loses nothing committed); CAITIEN_SQLITE_SYNCHRONOUS=FULL syncs every commit, for those who
must survive a power cut; anything else is refused at start with a sentence saying why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import text

from bot.config import Settings
from core.errors import InputError
from storage.db import make_engine, recreate
from templates.render import Renderer

SYNC_LEVEL = {"NORMAL": 1, "FULL": 2}


@pytest.mark.parametrize("given, mode", [(None, "NORMAL"), ("full", "FULL"),
                                         (" Normal ", "NORMAL")])
def test_the_sync_level_comes_from_the_environment(tmp_path, given, mode):
    env = {} if given is None else {"CAITIEN_SQLITE_SYNCHRONOUS": given}
    settings = Settings.from_env(env)
    assert settings.sqlite_synchronous == mode
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", settings.sqlite_synchronous)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == SYNC_LEVEL[mode]
    engine.dispose()


@pytest.mark.parametrize("given", ["OFF", "extra; DROP TABLE staff", "2"])
def test_a_sync_level_that_could_lose_commits_or_is_not_one_is_refused(given):
    with pytest.raises(InputError) as caught:
        Settings.from_env({"CAITIEN_SQLITE_SYNCHRONOUS": given})
    error = caught.value
    assert Renderer().text(f"errors/{error.key}.j2", **error.params) == (
        f"CAITIEN_SQLITE_SYNCHRONOUS phải là NORMAL hoặc FULL, không phải «{given}».")


def test_a_commit_survives_the_process_being_killed_right_after_it(tmp_path):
    """What NORMAL promises: a process killed at once after its commit returned (nothing
    closed, no checkpoint) leaves the row for the next one."""
    url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    engine = make_engine(url)
    recreate(engine)
    engine.dispose()
    writer = (
        "import os, sys\n"
        "from sqlalchemy import text\n"
        "from storage.db import make_engine\n"
        "engine = make_engine(sys.argv[1])\n"
        "with engine.begin() as conn:\n"
        "    conn.execute(text(\"CREATE TABLE kept (n INTEGER)\"))\n"
        "    conn.execute(text(\"INSERT INTO kept VALUES (42)\"))\n"
        "print('committed', flush=True)\n"
        "os.kill(os.getpid(), 9)\n")
    done = subprocess.run([sys.executable, "-c", writer, url], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == -signal.SIGKILL and done.stdout == "committed\n"
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM kept")).scalar() == 42
    engine.dispose()
