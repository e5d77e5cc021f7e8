"""Shared fixtures. The suite runs on SQLite, and its database tests on PostgreSQL as well
when CAITIEN_TEST_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import gc
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, make_url, select, text

from bot.app import build_app
from bot.cli import main
from bot.config import Settings
from bot.telegram.fakeapi import LocalBotApi
from core.messages import Capabilities
from bot.telegram.polling import running_bot
from handlers.engine import Engine
from templates.render import Renderer
from core.clock import FixedClock
from storage.db import make_engine, recreate, session_factory
from storage.evidence_store import EvidenceStore
from storage.linking import issue_invites, link_by_contact
from storage.models import Base
from readers.plan_files import read_plan
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import parse_staff_sheet
from tests.chat import Chat
from tests.phuhuu import FIXTURES as PHUHUU_FIXTURES
from tests.phuhuu import NEW_YEAR, PHONES, SEEDS, TABLE_PLAN, TET_2024, chat_of, local
from tests.waiting import wait_for

FIXTURES = Path(__file__).parent / "fixtures"
# The engine's test channels: "test" can do everything a chat can; "plain" carries text and
# nothing else (no buttons, no contact sharing, no documents out), the shape of the most
# limited messengers: the conversation suite runs on it a second time, to prove every
# dialogue works typed.
TEST_CHANNELS = {"test": Capabilities("test", max_file_bytes=1024 * 1024),
                 "plain": Capabilities("plain", buttons=False, contact=False,
                                       documents_out=False, files_in=True,
                                       max_file_bytes=1024 * 1024, max_text=2000,
                                       groups=False)}
DEMO = Path(__file__).parent.parent / "bot" / "demo"
# The tests' "now": a Monday, 09:00 in Hồ Chí Minh City. Every process a test starts is given
# it too (CAITIEN_CLOCK_START), so no test depends on today's date.
TEST_START = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


# Under pytest-xdist each worker ("gw0", "gw1", …) has a PostgreSQL database of its own;
# SQLite's file is already its own, in the worker's temporary folder.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# Handed to the workers first (xdist gives out a file at a time, in collection order with
# --no-loadscope-reorder): each of these takes a minute or more of one core, and one started
# last would keep the run going long after the other workers are done.
LONG_FIRST = ("tests/reminders/test_year.py", "tests/handlers/test_engine_states.py",
              "tests/handlers/test_plan_upload.py", "tests/readers/test_converted_files.py",
              "tests/handlers/test_typed_answers.py")


# The databases under test: SQLite always; PostgreSQL too when CAITIEN_TEST_DATABASE_URL
# names a server. A test that asks for a database (`db_url`, on which `db`, `sessions`,
# `cli`… stand, or `postgres_url`) runs once on each, in the same run; the others (the
# readers, the report files, the demo and sandbox on their own SQLite files) run once.
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("CAITIEN_TEST_DATABASE_URL")
                          else [])


@pytest.hookimpl(trylast=True)  # after pytest groups the tests by database
def pytest_collection_modifyitems(config, items) -> None:
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)  # stable: the other files, and each file's tests, keep their order


def pytest_collection_finish(session) -> None:
    """The suite makes ORM rows by the million: Python's default (a collection every 700
    new objects, each full one walking every module and collected test) took about a tenth
    of a lived year's CPU. What was imported and collected is never garbage: frozen; and
    collections come ten times less often (measured with gc.callbacks on the lived year and
    the typed answers: 4.9 s of collections → 1.4–1.9 s)."""
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


# The example database would be a folder written in the repository, shared by the workers;
# the suite's property tests are derandomised or few enough to be found again without it.
hypothesis_settings.register_profile("suite", database=None)
hypothesis_settings.load_profile("suite")


def own_postgres(url: str, name: str) -> str:
    """`url` pointing at the database `name` on the same server, created if missing. Its
    commits do not wait for the disk (synchronous_commit off: a commit is lost only if the
    machine itself goes down, as with SQLite's synchronous=NORMAL, the bot's default there);
    no test is about the machine losing power, and the suite commits tens of thousands of
    times."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=DATABASES)
def postgres_url(request) -> str | None:
    """The PostgreSQL server (CAITIEN_TEST_DATABASE_URL) when this run of the test is on
    PostgreSQL, None when it is on SQLite."""
    return os.environ["CAITIEN_TEST_DATABASE_URL"] if request.param == "postgresql" else None


# Each database made and migrated once a worker: the run moves between them file by file.
_MIGRATED: dict[str | None, str] = {}


@pytest.fixture(scope="session")
def db_url(tmp_path_factory, postgres_url) -> str:
    if postgres_url not in _MIGRATED:
        if postgres_url:
            url = own_postgres(postgres_url,
                               "_".join(filter(None, (make_url(postgres_url).database, WORKER))))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        engine = make_engine(url)
        recreate(engine)
        engine.dispose()
        _MIGRATED[postgres_url] = url
    return _MIGRATED[postgres_url]


@pytest.fixture
def db(db_url):
    """A migrated, empty database."""
    engine = make_engine(db_url)
    empty_database(engine)
    yield engine
    engine.dispose()


def empty_database(engine) -> None:
    """Every table emptied, ids starting again from 1."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]  # referrers first
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _empty_postgres(conn, tables)
        else:  # the audit trail refuses DELETE: its guard steps aside while it is emptied
            guard = conn.execute(text("SELECT sql FROM sqlite_master "
                                      "WHERE name = 'audit_events_no_delete'")).scalar_one()
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text(guard))


def _empty_postgres(conn, tables: list[str]) -> None:
    """The tables a test filled, truncated; every sequence from 1 again. A TRUNCATE of every
    table makes new files for each: 75-90 ms a test, against 2-60 ms for the filled ones."""
    filled = [row[0] for row in conn.execute(text(" UNION ALL ".join(
        f"(SELECT '{table}' FROM {table} LIMIT 1)" for table in tables)))]
    if filled:
        conn.execute(text(f"TRUNCATE {', '.join(filled)} CASCADE"))
    conn.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))


@pytest.fixture
def sessions(db):
    return session_factory(db)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TEST_START)


@pytest.fixture
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def evidence(tmp_path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


@pytest.fixture
def engine(sessions, renderer, evidence, clock) -> Engine:
    return Engine(sessions, renderer, evidence, clock, channels=TEST_CHANNELS)


@pytest.fixture
def school(sessions, clock):
    """The bundled example school: staff list and plan imported."""
    with sessions.begin() as session:
        school = pick_school(session, "demo", clock, create=True)
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, school, read_plan(DEMO / "plan.csv"), clock)
    return school


@pytest.fixture(params=list(TEST_CHANNELS))
def channel(request) -> str:
    """Every conversation test runs twice: on a channel with buttons, and typed only."""
    return request.param


@pytest.fixture
def chat_as(engine, sessions, clock, channel):
    """chat_as("0901234503") is that staff member, already linked, in a private chat."""

    def make(phone: str, user_id: int | None = None) -> Chat:
        user_id = user_id or int(phone[-6:])
        with sessions.begin() as session:
            result = link_by_contact(session, phone, str(user_id), channel, str(user_id),
                                     str(user_id), clock)
            assert result.outcome == "linked", result
        return Chat(engine, user_id, channel)

    return make


@pytest.fixture
def stranger(engine, channel) -> Chat:
    return Chat(engine, 999_001, channel)


# --- the real application against the local Bot API server -----------------------------

@pytest.fixture
def api():
    with LocalBotApi() as server:
        yield server


@pytest.fixture
def env(api, db, db_url, tmp_path, clock) -> dict[str, str]:
    """The environment `caitien` runs with in these tests: a child process starts at the
    tests' clock, so what the tests wrote (invitations, dates) is as fresh for it."""
    return {
        "CAITIEN_CLOCK_START": clock.now().isoformat(),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": db_url,
        "CAITIEN_EVIDENCE_DIR": str(tmp_path / "evidence"),
    }


@pytest.fixture
def app(env, clock):
    return build_app(Settings.from_env(env), clock=clock)


@pytest.fixture
async def bot(app):
    async with running_bot(app, poll_timeout=0.5):
        # The reminders' first tick runs as the bot starts: over before the test links
        # anyone, or a check-in due that morning may land in the middle of its conversation
        # (the next tick is a minute away).
        await wait_for(lambda: app.reminders is None or app.reminders.ticks_done >= 1)
        yield app


@pytest.fixture
def invites(app, school) -> dict[str, str]:
    """phone → invite code for every staff member of the example school."""
    with app.sessions.begin() as session:
        school = pick_school(session, "demo", app.clock)
        return {i.staff.phone_norm: i.code for i in issue_invites(session, school, app.clock)}


@pytest.fixture
def linked(api, invites):
    """`await linked(user_id, phone)`: a person who has opened their invite link."""

    async def link(user_id: int, phone: str, first_name: str = "GV"):
        user = api.user(user_id, first_name)
        user.send(f"/start {invites[phone]}")
        await user.reply()
        return user

    return link


@pytest.fixture
def cli(db, db_url, tmp_path, monkeypatch, capsys):
    """Run `caitien ARGS` in-process; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_BOT_USERNAME",
                 "ZALO_BOT_TOKEN", "ZALO_API_BASE_URL", "CAITIEN_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)

    def run(*args):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- THCS Phú Hữu through a school year (tests/phuhuu.py) ---------------------------------

@pytest.fixture
def year_clock() -> FixedClock:
    return FixedClock(local(2023, 7, 1, 2, 0))


@pytest.fixture(scope="session")
def seed():
    """`seed(name)`: the path of one of the real plans in ../shared/seeds. When it is not
    there the test is skipped, saying so; with CAITIEN_REQUIRE_SEEDS=1 (CI) it fails, since
    a suite that skips them has not read a single real plan."""
    return lambda name: require_seed(SEEDS / name)


def require_seed(found: Path) -> Path:
    """`found`, one of the real plans; skipped without it, failed in CI (see `seed`)."""
    if not found.exists():
        reason = f"{found} is not here (the real plans, beside the repository)"
        if os.environ.get("CAITIEN_REQUIRE_SEEDS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture
def phuhuu(sessions, year_clock, seed):
    """The school, its staff (linked, chat id = user id), its plan and a calendar with Tết."""
    seed(TABLE_PLAN)
    with sessions.begin() as session:
        school = pick_school(session, "phuhuu", year_clock, create=True)
        school.calendar = {"holidays": [NEW_YEAR, TET_2024]}
        import_staff(session, school, parse_staff_sheet(PHUHUU_FIXTURES / "phuhuu_staff.csv"))
        save_plan(session, school, read_plan(TABLE_PLAN), year_clock)
        for name, phone in PHONES.items():
            user = chat_of(name)
            assert link_by_contact(session, phone, user, "test", user, user,
                                   year_clock).outcome == "linked"
    return school


@pytest.fixture
def year_of_updates(sessions, phuhuu, year_clock, evidence):
    """Phú Hữu's 2023-2024 as lived: every status, late reasons, photos and a file, a task
    edited and one removed when the plan was re-imported in January, one never updated."""
    from storage.models import School, Staff, Task
    from storage.updates import record_update

    def update(when, who, timeline, status, done=None, reason=None, files=()):
        year_clock.advance(seconds=(when - year_clock.now()).total_seconds())
        with sessions.begin() as session:
            author = session.scalar(select(Staff).where(Staff.name == who))
            task = session.scalar(select(Task).where(Task.timeline == timeline,
                                                     Task.closed_at.is_(None)))
            stored = [evidence.save("phuhuu", task.criterion.code, kind, data, name, mime,
                                    year_clock.now()).to_dict()
                      for kind, data, name, mime in files]
            record_update(session, task, author.id, status, done, reason, stored, year_clock)

    photo = ("photo", b"\x89PNG-evidence", None, "image/jpeg")
    update(local(2023, 7, 20, 9), "Võ Thị Kim", "Tháng 7 năm 2023", "done",
           "Đã sửa 6 phòng học, chống thấm trần.", files=[photo])
    update(local(2023, 10, 5, 15), "Nguyễn Văn Tốt", "Hàng tháng", "in_progress",
           "Đã tập huấn 2 buổi cho hội đồng trường.",
           files=[("document", b"%PDF-1.4 minutes", "bien-ban.pdf", "application/pdf")])
    update(local(2023, 11, 10, 10), "Nguyễn Văn Tốt", "Năm học 2023-2024", "late",
           "Đã họp chi bộ.", "Chờ hướng dẫn của Đảng ủy phường.")
    update(local(2023, 12, 1, 10), "Nguyễn Văn Tốt", "Hàng năm", "not_started",
           reason="Chưa họp được Ban đại diện cha mẹ học sinh.")

    year_clock.advance(seconds=(local(2024, 1, 20, 9) - year_clock.now()).total_seconds())
    draft = read_plan(TABLE_PLAN)
    (quy_che,) = [c for c in draft.criteria if c.id == "4.2"]
    quy_che.tasks[0].text = "Xây dựng quy chế phối hợp với Ban đại diện CMHS, họp mỗi học kỳ"
    draft.criteria = [c for c in draft.criteria if c.id != "5.2"]
    with sessions.begin() as session:
        save_plan(session, session.get(School, phuhuu.id), draft, year_clock)

    update(local(2024, 3, 1, 14), "Trần Thị Hoa", "Năm học 2024 – 2025 có đủ nhà vệ sinh cho HS",
           "done", "In tem phân loại rác, đặt thùng rác 3 loại.",
           files=[photo, ("photo", b"\x89PNG-second", None, "image/jpeg")])
    return phuhuu
