"""Replicas starting together on an empty PostgreSQL database: the migrations run once,
under an advisory lock, and every replica comes up on the newest schema."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from storage.db import make_engine, schema_state


@pytest.fixture
def empty_postgres(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("advisory locks are PostgreSQL's")
    url = make_url(db_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{url.database}_replicas"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_three_replicas_migrating_at_once_all_come_up(empty_postgres, tmp_path):
    env = {**os.environ, "DATABASE_URL": empty_postgres}
    replicas = [subprocess.Popen([sys.executable, "-m", "bot", "db", "upgrade"], env=env,
                                 cwd=tmp_path, stderr=subprocess.PIPE, text=True)
                for _ in range(3)]
    for replica in replicas:
        _, err = replica.communicate(timeout=120)
        assert replica.returncode == 0, err[-2000:]
    engine = make_engine(empty_postgres)
    current, head = schema_state(engine)
    assert current == head
    assert "conversations" in inspect(engine).get_table_names()
    engine.dispose()
