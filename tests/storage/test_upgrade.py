"""Upgrading keeps every row meaningful: a database made by the previous release's
migrations (schema 0011), with its data, migrated to the newest schema.

tests/fixtures/release-0011.zip was written by `caitien backup` at schema 0011: the demo
school some weeks into its year (answers with a photo, a correction, a pause, invitations,
a calendar change, linked accounts, a reminder sent, a district and its account, a
conversation in progress, a handled event, a sign-in)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.archive import Archive, _insert_all, _reflect, restore_archive, write_archive
from storage.audit import PAUSE, trail
from storage.db import make_engine, schema_state, session_factory, upgrade
from storage.models import Base, Staff, Task, TaskUpdate
from tests.storage.test_archive import _scratch_postgres

RELEASE = Path(__file__).parent.parent / "fixtures" / "release-0011.zip"


@pytest.fixture
def empty_db(tmp_path, postgres_url):
    url = (_scratch_postgres(postgres_url, "upgrade") if postgres_url
           else f"sqlite:///{tmp_path / 'upgrade.sqlite3'}")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def release_counts() -> dict[str, int]:
    with zipfile.ZipFile(RELEASE) as z:
        return {t: v["rows"] for t, v in json.loads(z.read("manifest.json"))["tables"].items()}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


def test_a_release_0011_database_migrates_with_every_row(empty_db, tmp_path):
    """The database as the previous release left it, then `caitien db upgrade --backup`:
    the backup is of the old schema, and restores into the newest."""
    upgrade(empty_db, "0011")
    archive = Archive(RELEASE)
    with empty_db.begin() as conn:
        _insert_all(conn, _reflect(conn), archive.rows, replace_settings=True)
    archive.close()
    before = write_archive(empty_db, tmp_path / "no-files", tmp_path / "before.zip")
    assert before.schema == "0011" and before.rows == sum(release_counts().values())
    upgrade(empty_db)
    assert schema_state(empty_db)[0] == schema_state(empty_db)[1]
    after = counts(empty_db)
    assert {t: after[t] for t in release_counts()} == release_counts()
    assert_meaningful(empty_db)


def test_a_release_0011_archive_restores_into_the_newest_schema(empty_db, tmp_path):
    summary = restore_archive(empty_db, tmp_path / "ev", RELEASE, tmp_path / "t")
    assert summary.upgraded_from == "0011" and summary.schema == schema_state(empty_db)[1]
    assert summary.files == 1 and (tmp_path / "ev").rglob("*.jpg")
    after = counts(empty_db)
    assert {t: after[t] for t in release_counts()} == release_counts()
    assert_meaningful(empty_db)


def assert_meaningful(engine) -> None:
    """Every answer has its author and task in its school; each task's status is its newest
    answer's; the audit trail still names the person a pause was about."""
    with session_factory(engine)() as session:
        updates = session.scalars(select(TaskUpdate).order_by(TaskUpdate.id)).all()
        assert len(updates) == 3
        for update in updates:
            assert update.author.school_id == update.school_id
            assert session.get(Task, update.task_id).school_id == update.school_id
        newest = {u.task_id: u.status for u in updates}
        for task_id, status in newest.items():
            assert session.get(Task, task_id).status == status
        assert all(s.forgotten_at is None for s in session.scalars(select(Staff)))
        (pause,) = trail(session, updates[0].school_id, kinds={PAUSE})
        assert pause.subject == "Phạm Quốc Bảo"
