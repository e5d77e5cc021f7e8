"""Backup and restore: a deployment or one school in one archive, and back, on SQLite and
PostgreSQL; damaged, newer and misdirected archives refused with one sentence."""

from __future__ import annotations

import json
import threading
import zipfile
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

import storage.archive as archive_module
from core.calendar import SchoolCalendar
from core.errors import InputError
from storage.archive import Archive, restore_archive, write_archive
from storage.db import make_engine, recreate, session_factory, writing
from storage.evidence_store import EvidenceStore
from storage.linking import issue_invites, link_by_contact
from storage.models import (
    Base,
    Evidence,
    EvidenceCriterion,
    OutboxMessage,
    School,
    Staff,
    Task,
    TaskUpdate,
)
from storage.plans import set_calendar
from storage.schools import pick_school
from storage.staff_repo import set_pause
from storage.staff_repo import import_staff
from storage.updates import record_update
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from storage.plans import save_plan
from tests.conftest import DEMO, WORKER, own_postgres

TEACHER, PRINCIPAL = "0901234504", "0901234501"


def a_lived_school(sessions, evidence: EvidenceStore, clock, code: str = "demo") -> int:
    """Answers with photos, a correction, a pause, invitations, a calendar change, linked
    accounts and a reminder sent: a school some weeks into its year."""
    with writing(sessions) as session:
        school = pick_school(session, code, clock)
        issue_invites(session, school, clock)
        for phone in (TEACHER, PRINCIPAL):
            user = f"{code}-{phone}"
            assert link_by_contact(session, phone, user, "test", user, user,
                                   clock).outcome == "linked"
        teacher = session.scalar(select(Staff).where(Staff.school_id == school.id,
                                                     Staff.phone_norm == TEACHER))
        tasks = session.scalars(select(Task).where(Task.school_id == school.id)
                                .order_by(Task.id).limit(3)).all()
        photo = evidence.save(code, tasks[0].criterion.code, "photo", b"photo of the meeting",
                              None, "image/jpeg", clock.now()).to_dict()
        first = record_update(session, tasks[0], teacher.id, "in_progress", "Đã họp tổ.",
                              None, [photo], clock)
        record_update(session, tasks[0], teacher.id, "done", "Đã họp tổ và gửi biên bản.",
                      None, [], clock, corrects_id=first.id)
        # The photo named, and listed under a second criterion (its ids follow it too).
        first.evidence[0].title = "Ảnh họp tổ"
        session.add(EvidenceCriterion(evidence_id=first.evidence[0].id,
                                      criterion_code=tasks[2].criterion.code,
                                      school_id=school.id, added_by=teacher.id,
                                      added_at=clock.now()))
        record_update(session, tasks[1], teacher.id, "late", None, "Chờ kinh phí.", [], clock)
        set_pause(session, teacher, date(2026, 11, 20), clock.now(), "cli")
        cal = SchoolCalendar.from_json(school.calendar)
        set_calendar(session, school, cal.changed(checkin_day=20), clock.now(), "cli")
        session.add(OutboxMessage(
            school_id=school.id, key=f"monthly:2026-10:{teacher.id}", kind="monthly",
            period="2026-10", staff_id=teacher.id, channel="test", chat_id=f"{code}-t",
            due_at=clock.now(), not_before=clock.now(), status="sent", task_ids=[tasks[0].id],
            criteria=[], body={"text": "Nhắc"}, attempts=1, created_at=clock.now(),
            source_key=None))
        return school.id


@pytest.fixture
def lived(school, sessions, evidence, clock) -> int:
    return a_lived_school(sessions, evidence, clock)


@pytest.fixture
def neighbour(lived, sessions, evidence, clock) -> int:
    """A second school of the same deployment, lived the same way."""
    with writing(sessions) as session:
        school = pick_school(session, "other", clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(DEMO / "plan.csv"), clock)
    return a_lived_school(sessions, evidence, clock, "other")


def tables_of(path) -> dict[str, list[str]]:
    """The archive's rows, table by table, as written."""
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read("manifest.json"))
        return {t: z.read(f"tables/{t}.jsonl").decode().splitlines()
                for t in manifest["tables"]}


def files_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith(("tables/", "manifest"))}


@pytest.fixture
def other_db(tmp_path, postgres_url):
    """A second, empty database of the kind under test."""
    if postgres_url:
        url = _scratch_postgres(postgres_url, "restore")
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _scratch_postgres(url: str, name: str) -> str:
    """A database beside the suite's, emptied (its schema dropped): named after the suite's
    and the worker, so parallel workers and runs each have their own."""
    scratch = own_postgres(url, "_".join(filter(None, (make_url(url).database, name, WORKER))))
    engine = make_engine(scratch)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return scratch


def test_a_deployment_comes_back_row_for_row_with_its_files(db, lived, evidence, other_db,
                                                            tmp_path):
    first = tmp_path / "first.zip"
    summary = write_archive(db, evidence.root, first)
    assert summary.scope == "deployment" and summary.schools == ["demo"]
    assert summary.files == 1 and not summary.missing
    elsewhere = EvidenceStore(tmp_path / "elsewhere")
    restored = restore_archive(other_db, elsewhere.root, first, tmp_path / "templates")
    assert restored.rows == summary.rows and restored.files == 1
    again = tmp_path / "again.zip"
    write_archive(other_db, elsewhere.root, again)
    assert tables_of(again) == tables_of(first)
    assert files_of(again) == files_of(first)
    with session_factory(other_db)() as session:
        (photo,) = session.scalars(select(Evidence))
        assert elsewhere.path_of(photo.path).read_bytes() == b"photo of the meeting"


def test_the_new_database_goes_on_numbering_after_the_restored_rows(db, lived, evidence,
                                                                    other_db, tmp_path, clock):
    write_archive(db, evidence.root, tmp_path / "a.zip")
    restore_archive(other_db, tmp_path / "ev", tmp_path / "a.zip", tmp_path / "templates")
    sessions = session_factory(other_db)
    with writing(sessions) as session:
        task = session.scalar(select(Task).order_by(Task.id))
        newest = session.scalar(select(func.max(TaskUpdate.id)))
        update = record_update(session, task, task.owners[0].staff_id, "done", "Xong.", None,
                               [], clock)
        assert update.id == newest + 1


def test_a_school_moves_into_a_district_server_that_has_other_schools(
        db, neighbour, evidence, other_db, tmp_path):
    """The ids of the moved school go past the ones the server has: every answer keeps its
    author, task and evidence, and reminders already sent are known by their new keys."""
    moved = tmp_path / "demo.zip"
    write_archive(db, evidence.root, moved, school_code="demo")
    # The district server already runs another school, with a plan and answers of its own.
    write_archive(db, evidence.root, tmp_path / "other.zip", school_code="other")
    restore_archive(other_db, tmp_path / "ev", tmp_path / "other.zip", tmp_path / "templates")

    restore_archive(other_db, tmp_path / "ev", moved, tmp_path / "templates")
    with session_factory(other_db)() as session:
        codes = set(session.scalars(select(School.code)))
        assert codes == {"demo", "other"}
        assert _history(session, "demo") == _history(session, "other")
        for row in session.scalars(select(OutboxMessage)):
            assert row.key.endswith(f":{row.staff_id}")
            assert session.get(Staff, row.staff_id).school_id == row.school_id


def _history(session, code: str) -> list[tuple]:
    """What the school's record says, without ids."""
    school = session.scalar(select(School).where(School.code == code))
    rows = session.execute(
        select(Task.text, Staff.name, TaskUpdate.status, TaskUpdate.done_text,
               TaskUpdate.reason, TaskUpdate.corrects_id.is_not(None), TaskUpdate.created_at)
        .join(Task, Task.id == TaskUpdate.task_id).join(Staff, Staff.id == TaskUpdate.author_id)
        .where(TaskUpdate.school_id == school.id).order_by(TaskUpdate.created_at, Task.text))
    evidence = session.execute(
        select(Evidence.sha256, Task.text, Staff.name)
        .join(Task, Task.id == Evidence.task_id).join(Staff, Staff.id == Evidence.author_id)
        .where(Evidence.school_id == school.id))
    for update in session.scalars(select(TaskUpdate).where(TaskUpdate.school_id == school.id,
                                                           TaskUpdate.corrects_id.is_not(None))):
        corrected = session.get(TaskUpdate, update.corrects_id)
        assert corrected.school_id == school.id and corrected.task_id == update.task_id
    return [tuple(r) for r in rows] + sorted(tuple(r) for r in evidence)


def test_a_school_archive_holds_that_school_only(db, lived, neighbour, evidence, tmp_path):
    summary = write_archive(db, evidence.root, tmp_path / "demo.zip", school_code="demo")
    assert summary.schools == ["demo"]
    tables = tables_of(tmp_path / "demo.zip")
    assert [json.loads(r)["code"] for r in tables["schools"]] == ["demo"]
    assert "settings" not in tables and "web_sessions" not in tables
    for name, rows in tables.items():
        for row in map(json.loads, rows):
            assert row.get("school_id", lived) == lived, name


def test_every_table_has_a_place_in_the_archive():
    """A table added later must be put in the school's archive or the deployment's."""
    placed = (archive_module.SCHOOL_TABLES | archive_module.DEPLOYMENT_TABLES
              | archive_module.LEFT_OUT | {"schools"})
    assert {t.name for t in Base.metadata.sorted_tables} <= placed


def test_the_archive_is_one_moment_while_the_bot_writes(db, lived, sessions, evidence, clock,
                                                        tmp_path, monkeypatch):
    """An answer committed while the backup is half-way is in none of its tables."""
    rows = archive_module._rows
    written = threading.Event()

    def answer_meanwhile(conn, table, scope):
        if table.name == "tasks" and not written.is_set():
            def answer():
                with writing(sessions) as session:
                    task = session.scalar(select(Task).order_by(Task.id.desc()))
                    photo = evidence.save("demo", task.criterion.code, "photo", b"late",
                                          None, "image/jpeg", clock.now()).to_dict()
                    record_update(session, task, task.owners[0].staff_id, "done", "Xong.",
                                  None, [photo], clock)
                written.set()
            thread = threading.Thread(target=answer)
            thread.start()
            thread.join()
        yield from rows(conn, table, scope)

    monkeypatch.setattr(archive_module, "_rows", answer_meanwhile)
    write_archive(db, evidence.root, tmp_path / "a.zip")
    assert written.is_set()
    tables = {t: [json.loads(r) for r in rows] for t, rows in tables_of(tmp_path / "a.zip").items()}
    assert len(tables["task_updates"]) == 3 and len(tables["evidence"]) == 1
    assert {t["status"] for t in tables["tasks"]} == {None, "done", "late"}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskUpdate)) == 4


# --- refused ------------------------------------------------------------------------------

def refused(engine, path, tmp_path) -> str:
    with pytest.raises(InputError) as caught:
        restore_archive(engine, tmp_path / "ev", path, tmp_path / "templates")
    return caught.value.key


def test_a_damaged_archive_is_refused_and_writes_nothing(db, lived, evidence, other_db,
                                                         tmp_path):
    good = tmp_path / "good.zip"
    write_archive(db, evidence.root, good)
    # One answer's text changed inside the archive, the zip itself kept valid.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "tables/task_updates.jsonl":
                data = data.replace("Chờ kinh phí".encode(), "Đã xong rồi".encode())
            out.writestr(item, data)
    assert refused(other_db, tampered, tmp_path) == "archive_damaged"
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refused(other_db, cut, tmp_path) == "archive_damaged"
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8 not an archive")
    assert refused(other_db, tmp_path / "photo.jpg", tmp_path) == "archive_damaged"
    assert refused(other_db, tmp_path / "absent.zip", tmp_path) == "archive_damaged"
    assert not (tmp_path / "ev").exists()
    with other_db.connect() as conn:
        assert "schools" not in other_db.dialect.get_table_names(conn) or not conn.scalar(
            text("SELECT COUNT(*) FROM schools"))


def rewritten(source, target, change) -> None:
    """A copy of the archive whose manifest `change` edits (checksums stay right)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            out.writestr(item, data)


def test_an_archive_from_a_newer_version_is_refused(db, lived, evidence, other_db, tmp_path):
    write_archive(db, evidence.root, tmp_path / "a.zip")
    rewritten(tmp_path / "a.zip", tmp_path / "schema.zip",
              lambda m: m.update(schema="9999_from_the_future"))
    assert refused(other_db, tmp_path / "schema.zip", tmp_path) == "archive_newer"
    rewritten(tmp_path / "a.zip", tmp_path / "format.zip", lambda m: m.update(version=99))
    assert refused(other_db, tmp_path / "format.zip", tmp_path) == "archive_newer"


def test_a_file_named_outside_the_evidence_folder_is_refused(db, lived, evidence, other_db,
                                                             tmp_path):
    write_archive(db, evidence.root, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip", "a") as z:
        z.writestr("evidence/../../escaped.txt", b"x")
    rewritten(tmp_path / "a.zip", tmp_path / "slip.zip",
              lambda m: m["files"].update({"evidence/../../escaped.txt": _sha(b"x")}))
    assert refused(other_db, tmp_path / "slip.zip", tmp_path) == "archive_damaged"
    assert not (tmp_path.parent / "escaped.txt").exists()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_database_holding_the_school_is_not_overwritten(db, lived, evidence, tmp_path):
    write_archive(db, evidence.root, tmp_path / "demo.zip", school_code="demo")
    write_archive(db, evidence.root, tmp_path / "all.zip")
    assert refused(db, tmp_path / "demo.zip", tmp_path) == "archive_school_there"
    assert refused(db, tmp_path / "all.zip", tmp_path) == "archive_target_used"


def test_backing_up_an_unknown_school_says_so(db, lived, evidence, tmp_path):
    with pytest.raises(InputError) as caught:
        write_archive(db, evidence.root, tmp_path / "x.zip", school_code="nowhere")
    assert caught.value.key == "school_unknown"
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "x.zip.part").exists()


def test_the_school_template_overrides_travel_with_it(db, lived, evidence, other_db, tmp_path):
    own = tmp_path / "own"
    (own / "chat").mkdir(parents=True)
    (own / "chat" / "help.j2").write_text("Lời chào riêng của trường.", encoding="utf-8")
    summary = write_archive(db, evidence.root, tmp_path / "a.zip", templates_dir=own)
    assert summary.templates == 1
    restored = restore_archive(other_db, tmp_path / "ev", tmp_path / "a.zip", tmp_path / "t")
    assert restored.templates == 1
    assert (tmp_path / "t" / "chat" / "help.j2").read_text(encoding="utf-8") == \
        "Lời chào riêng của trường."


def test_a_missing_evidence_file_is_reported_not_fatal(db, lived, evidence, tmp_path):
    for path in evidence.root.rglob("*.jpg"):
        path.unlink()
    summary = write_archive(db, evidence.root, tmp_path / "a.zip")
    assert len(summary.missing) == 1 and summary.files == 0
    assert Archive(tmp_path / "a.zip").manifest["missing"] == summary.missing


def test_sqlite_to_postgresql_and_back_is_the_same_content(lived, db, evidence, tmp_path,
                                                           postgres_url):
    """The move from a school's laptop to the district server, across database kinds."""
    url = postgres_url
    if url is None:
        source = db
        target_url = _reachable_postgres()
    else:
        source = make_engine(f"sqlite:///{tmp_path / 'laptop.sqlite3'}")
        recreate(source)
        write_archive(db, evidence.root, tmp_path / "seed.zip")
        restore_archive(source, evidence.root, tmp_path / "seed.zip", tmp_path / "t")
        target_url = url
    laptop = tmp_path / "laptop.zip"
    write_archive(source, evidence.root, laptop, school_code="demo")
    server = make_engine(_scratch_postgres(target_url, "move"))
    try:
        restore_archive(server, tmp_path / "server-ev", laptop, tmp_path / "t")
        write_archive(server, tmp_path / "server-ev", tmp_path / "server.zip",
                      school_code="demo")
    finally:
        server.dispose()
    assert tables_of(tmp_path / "server.zip") == tables_of(laptop)
    assert files_of(tmp_path / "server.zip") == files_of(laptop)


def _reachable_postgres() -> str:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    try:
        with create_engine(url).connect():
            pass
    except Exception:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432 for the move to the district server")
    return url


def test_outbox_keys_follow_the_staff_ids(db, neighbour, evidence, other_db, tmp_path):
    """A reminder already sent on the laptop is not sent again on the server."""
    write_archive(db, evidence.root, tmp_path / "demo.zip", school_code="demo")
    write_archive(db, evidence.root, tmp_path / "other.zip", school_code="other")
    restore_archive(other_db, tmp_path / "ev", tmp_path / "other.zip", tmp_path / "t")
    restore_archive(other_db, tmp_path / "ev", tmp_path / "demo.zip", tmp_path / "t")
    with session_factory(other_db)() as session:
        keys = sorted((row.key, row.staff_id) for row in session.scalars(select(OutboxMessage)))
    assert len(keys) == 2 and keys[0][1] != keys[1][1]
    assert all(key == f"monthly:2026-10:{staff}" for key, staff in keys)


def test_a_clash_with_the_target_writes_nothing(db, neighbour, sessions, evidence, clock,
                                                other_db, tmp_path):
    """The school's own bot is already another school's on the server."""
    from storage.models import SchoolBot

    def own_bot(session, school_id):
        session.add(SchoolBot(key="555", channel="telegram", school_id=school_id,
                              token="555:x", created_at=clock.now()))

    with writing(sessions) as session:
        own_bot(session, pick_school(session, "demo", clock).id)
    write_archive(db, evidence.root, tmp_path / "demo.zip", school_code="demo")
    write_archive(db, evidence.root, tmp_path / "other.zip", school_code="other")
    restore_archive(other_db, tmp_path / "ev", tmp_path / "other.zip", tmp_path / "t")
    with writing(session_factory(other_db)) as session:
        own_bot(session, pick_school(session, "other", clock).id)
    assert refused(other_db, tmp_path / "demo.zip", tmp_path) == "archive_conflict"
    with other_db.connect() as conn:
        assert list(conn.scalars(text("SELECT code FROM schools"))) == ["other"]


def test_a_conversation_the_server_has_already_stays_the_server_s(
        db, neighbour, sessions, evidence, clock, other_db, tmp_path):
    """Someone already talking to the server's bot (they work at both schools) goes on with
    that conversation; the archive's, older, gives way, and the restore goes through."""
    from storage.conversations import lock_conversation, save_step
    from storage.models import Conversation

    user = f"demo-{TEACHER}"
    with writing(sessions) as session:
        task = session.scalar(select(Task).order_by(Task.id))
        save_step(lock_conversation(session, "test", user, clock), "update", "status",
                  {"task_id": task.id, "files": []}, clock)
    write_archive(db, evidence.root, tmp_path / "demo.zip", school_code="demo")
    write_archive(db, evidence.root, tmp_path / "other.zip", school_code="other")
    restore_archive(other_db, tmp_path / "ev", tmp_path / "other.zip", tmp_path / "t")
    with writing(session_factory(other_db)) as session:
        save_step(lock_conversation(session, "test", user, clock), "pause", "who",
                  {"school_id": 1}, clock)
    restore_archive(other_db, tmp_path / "ev", tmp_path / "demo.zip", tmp_path / "t")
    with session_factory(other_db)() as session:
        (kept,) = session.scalars(select(Conversation).where(
            Conversation.external_user_id == user))
        assert (kept.flow, kept.data) == ("pause", {"school_id": 1})
