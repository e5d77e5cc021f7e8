"""A school moves whole: Hoà Bình (school A) lives some weeks on a laptop's SQLite — answers,
a pause, invitations, check-ins sent, a teacher half-way through an update holding a photo,
the principal's photo held for her next /capnhat — and is restored onto the district
server (the test database: SQLite, or PostgreSQL with CAITIEN_TEST_DATABASE_URL) that
already runs another school, B, whose ids are the same numbers and whose people are other
people. A's records say what they said, B's say nothing new, and the update goes on."""

from __future__ import annotations

import csv
import hashlib
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select, text, update

from core.clock import FixedClock
from core.errors import InputError
from handlers.engine import Engine
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from reminders.planner import Mailer
from reminders.scheduler import enqueue_due
from reminders.state import load_history, load_state
from reports.digest_data import digest_data
from storage import audit
from storage.archive import restore_archive, write_archive
from storage.db import make_engine, recreate, session_factory, writing
from storage.evidence_store import EvidenceStore
from storage.models import (
    Conversation,
    Evidence,
    OutboxMessage,
    School,
    Staff,
    Task,
    TaskUpdate,
)
from storage.outbox import PENDING, SENT
from storage.personal_data import person_data
from storage.plans import save_plan
from storage.schools import pick_school
from storage.linking import issue_invites
from storage.staff_repo import import_staff, set_pause
from storage.updates import record_update
from templates.render import Renderer
from tests.chat import Chat
from tests.conftest import DEMO, TEST_CHANNELS, TEST_START
from tests.storage.test_archive import PRINCIPAL, TEACHER, a_lived_school

# School B's people: other names, other phones, the same roles.
B_NAMES = ["Hoàng Văn Tân", "Đỗ Thị Hồng", "Ngô Văn Lực", "Mai Thị Thơ", "Lý Văn Sơn",
           "Tạ Thị Hương", "Châu Văn Đức", "Kiều Thị Nga"]
B_PRINCIPAL = "0987 654 301"
PHOTO = b"\xff\xd8 the parents' meeting, photographed"
HELD = b"\xff\xd8 the principal's photo, sent before /capnhat"


def b_staff_sheet(tmp_path):
    with (DEMO / "staff.csv").open(encoding="utf-8") as source:
        rows = list(csv.reader(source))
    for n, row in enumerate(rows[1:]):
        row[0], row[1] = B_NAMES[n], f"0987 654 3{n + 1:02d}"
    path = tmp_path / "b-staff.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return parse_staff_sheet(path)


@pytest.fixture
def laptop(tmp_path):
    """School A's own SQLite database, its ids from 1 as the server's."""
    engine = make_engine(f"sqlite:///{tmp_path / 'laptop.sqlite3'}")
    recreate(engine)
    yield engine
    engine.dispose()


def a_school(sessions, evidence, clock) -> None:
    with writing(sessions) as session:
        school = pick_school(session, "demo", clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(DEMO / "plan.csv"), clock)
    a_lived_school(sessions, evidence, clock)


def b_school(sessions, evidence, clock, tmp_path) -> None:
    with writing(sessions) as session:
        school = pick_school(session, "other", clock, create=True)
        import_staff(session, school, b_staff_sheet(tmp_path))
        save_plan(session, school, read_plan(DEMO / "plan.csv"), clock)
    # B's first staff rows, tasks and answers take ids 1, 2, 3 … as A's did.
    with writing(sessions) as session:
        school = pick_school(session, "other", clock)
        issue_invites(session, school, clock)
        member = session.scalar(select(Staff).where(Staff.school_id == school.id)
                                .order_by(Staff.id.desc()))
        set_pause(session, member, date(2026, 12, 1), clock.now(), "cli")
        task = session.scalar(select(Task).where(Task.school_id == school.id).order_by(Task.id))
        record_update(session, task, task.owners[0].staff_id, "done", "B đã làm.", None, [],
                      clock)


def weeks_of_check_ins(sessions, renderer, clock, until: date) -> None:
    """The scheduler's every morning up to `until`, each message it writes sent at once;
    the teacher answers one of his tasks in December, the principal never does."""
    while clock.now().date() < until:
        clock.advance(days=1)
        with writing(sessions) as session:
            school = pick_school(session, "demo", clock)
            enqueue_due(session, school, renderer, clock.now())
            session.execute(update(OutboxMessage).where(OutboxMessage.status == PENDING)
                            .values(status=SENT, sent_at=OutboxMessage.due_at))
        if clock.now().date() == date(2026, 12, 10):
            with writing(sessions) as session:
                teacher = session.scalar(select(Staff).where(Staff.phone_norm == TEACHER))
                (task,) = [t for t in session.scalars(select(Task).order_by(Task.id))
                           if teacher.id in {o.staff_id for o in t.owners}][:1]
                record_update(session, task, teacher.id, "in_progress", "Tháng 12.", None, [],
                              clock)


def silence(sessions, code: str, clock) -> dict[str, list[str]]:
    """Who the monitoring team would hear has gone silent on Monday, and who this week's
    digest lists as not answering: by name."""
    with sessions() as session:
        school = session.scalar(select(School).where(School.code == code))
        names = dict(session.execute(select(Staff.id, Staff.name)
                                     .where(Staff.school_id == school.id)).all())
        state = load_state(session, school, clock.now())
        history = load_history(session, school.id, clock.now(), state.tz)
        day = clock.now().astimezone(state.tz).date()
        alerted = sorted({names[p] for m in Mailer(state, history).day(day)
                          for i in m.items if i.kind == "silent" for p in i.names})
        return {"alert": alerted,
                "digest": digest_data(session, school, day).silent}


def trail_of(sessions, code: str, with_details: bool = False) -> list[tuple]:
    with sessions() as session:
        school = session.scalar(select(School).where(School.code == code))
        return [(e.at, e.kind, e.actor, e.via, e.subject)
                + ((json.dumps(e.details, sort_keys=True),) if with_details else ())
                for e in audit.trail(session, school.id)]


def data_of(sessions, phone: str) -> dict:
    with sessions() as session:
        return person_data(session, session.scalars(
            select(Staff).where(Staff.phone_norm == phone)).all())


async def test_a_school_moves_onto_a_server_running_another(
        laptop, db, sessions, evidence, tmp_path):
    clock = FixedClock(TEST_START)
    renderer = Renderer()
    a = session_factory(laptop)
    a_school(a, evidence, clock)
    weeks_of_check_ins(a, renderer, clock, date(2026, 12, 21))
    # The teacher is half-way through an update: the photo acknowledged, «Lưu» not pressed.
    bao = Chat(Engine(a, renderer, evidence, clock, channels=TEST_CHANNELS), f"demo-{TEACHER}")
    assert "nhiệm vụ nào" in await bao.send("/capnhat")
    await bao.press("1.")
    await bao.press("Đang thực hiện")
    await bao.send("Đã họp phụ huynh.")
    assert "📎 Đã nhận 1 tệp" in await bao.send_file(PHOTO)
    # The principal sent a photo before any /capnhat: held for her next one.
    hanh = Chat(bao.engine, f"demo-{PRINCIPAL}")
    assert "📎 Đã nhận 1 tệp" in await hanh.send_file(HELD)

    before = {"silence": silence(a, "demo", clock), "trail": trail_of(a, "demo")}
    assert "Phạm Quốc Bảo" not in before["silence"]["alert"] + before["silence"]["digest"]
    assert before["silence"]["digest"]  # somebody was silent: the list says something
    kinds = {kind for _, kind, *_ in before["trail"]}
    assert {audit.INVITATION, audit.PAUSE} <= kinds
    archive = tmp_path / "demo.zip"
    summary = write_archive(laptop, evidence.root, archive, school_code="demo")
    assert summary.files == 3 and not summary.missing  # the answer's, the update's, the held

    server = EvidenceStore(tmp_path / "server-evidence")
    b_school(sessions, server, clock, tmp_path)
    b_before = {"trail": trail_of(sessions, "other", with_details=True),
                "principal": data_of(sessions, "0987654301")}
    assert b_before["principal"]["audit"]

    restore_archive(db, server.root, archive, tmp_path / "templates")

    assert trail_of(sessions, "demo") == before["trail"]
    a_names = {m.name for m in parse_staff_sheet(DEMO / "staff.csv")}
    named = {actor for _, _, actor, _, _ in trail_of(sessions, "demo")} | {
        subject for _, kind, _, _, subject in trail_of(sessions, "demo")
        if kind in audit.ABOUT_SOMEONE}
    assert named - {None} <= a_names and not named & set(B_NAMES)
    assert trail_of(sessions, "other", with_details=True) == b_before["trail"]
    assert data_of(sessions, "0987654301") == b_before["principal"]
    assert silence(sessions, "demo", clock) == before["silence"]

    # On the server the teacher goes on where he was, and his photo is there.
    bao.engine = hanh.engine = Engine(sessions, renderer, server, clock,
                                      channels=TEST_CHANNELS)
    summary_text = await bao.press("✅ Xong")
    assert "Đang thực hiện" in summary_text and "1 tệp" in summary_text
    assert "Đã lưu" in await bao.press("💾 Lưu")
    with sessions() as session:
        school = session.scalar(select(School).where(School.code == "demo"))
        saved = session.scalar(select(TaskUpdate).where(TaskUpdate.school_id == school.id)
                               .order_by(TaskUpdate.id.desc()))
        assert saved.done_text == "Đã họp phụ huynh." and saved.author.name == "Phạm Quốc Bảo"
        (photo,) = saved.evidence
        assert server.path_of(photo.path).read_bytes() == PHOTO
        assert session.get(Task, saved.task_id).school_id == school.id
    # The principal's held photo is offered to her first /capnhat on the server.
    await hanh.send("/capnhat")
    await _first_task(hanh)
    await hanh.press("Đang thực hiện")
    assert "Đính kèm 1 tệp" in await hanh.send("Đã duyệt chiến lược.")
    with sessions() as session:
        (conversation,) = session.scalars(select(Conversation).where(
            Conversation.external_user_id == f"demo-{PRINCIPAL}"))
        files = (conversation.held or {}).get("files") or conversation.data["files"]
        assert [server.path_of(f["path"]).read_bytes() for f in files] == [HELD]


async def _first_task(chat: Chat) -> str:
    """Past the choice of task, when there is one to make."""
    if "nhiệm vụ nào" in "\n".join(r.text for r in chat.last):
        return await chat.press("1.")
    return ""


# --- archives refused ------------------------------------------------------------------------

def rewritten_table(source, target, table: str, change) -> None:
    """A copy of the archive with one table's rows changed and its checksum recomputed,
    as someone crafting one would (the manifest is not signed)."""
    with zipfile.ZipFile(source) as src:
        manifest = json.loads(src.read("manifest.json"))
        rows = [json.loads(line) for line in src.read(f"tables/{table}.jsonl").splitlines()]
        data = b"".join(json.dumps(change(row)).encode() + b"\n" for row in rows)
        manifest["tables"][table]["sha256"] = hashlib.sha256(data).hexdigest()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                if item.filename == "manifest.json":
                    out.writestr(item, json.dumps(manifest))
                elif item.filename == f"tables/{table}.jsonl":
                    out.writestr(item, data)
                else:
                    out.writestr(item, src.read(item))


def test_an_evidence_path_leading_out_of_the_folder_is_refused(
        laptop, db, sessions, evidence, tmp_path):
    clock = FixedClock(TEST_START)
    a_school(session_factory(laptop), evidence, clock)
    write_archive(laptop, evidence.root, tmp_path / "a.zip", school_code="demo")
    (tmp_path / "x").write_bytes(b"a file of the server's")
    rewritten_table(tmp_path / "a.zip", tmp_path / "crafted.zip", "evidence",
                    lambda row: {**row, "path": "../../x"})
    with pytest.raises(InputError) as caught:
        restore_archive(db, tmp_path / "ev", tmp_path / "crafted.zip", tmp_path / "t")
    assert caught.value.key == "archive_path_outside"
    assert caught.value.params["path"] == "../../x"
    with db.connect() as conn:
        assert not conn.scalar(text("SELECT COUNT(*) FROM schools"))
    assert Renderer().text("errors/archive_path_outside.j2", **caught.value.params).count(
        "\n") == 0


def test_a_stored_path_outside_the_folder_is_never_read(db, sessions, evidence, tmp_path,
                                                         school):
    """A row edited by hand: the backup does not copy the file, the store does not open it."""
    clock = FixedClock(TEST_START)
    a_lived_school(sessions, evidence, clock)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not evidence")
    with writing(sessions) as session:
        session.execute(update(Evidence).values(path="../secret.txt"))
    summary = write_archive(db, evidence.root, tmp_path / "a.zip")
    assert summary.files == 0 and summary.missing == ["../secret.txt"]
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert not [n for n in z.namelist() if "secret" in n]
    assert evidence.file_of("../secret.txt") is None
    with pytest.raises(ValueError):
        evidence.path_of("../secret.txt")
    evidence.discard("../secret.txt")
    assert secret.exists()
