"""Engine, sessions and migrations."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BEGIN = "sqlite_begin"
_WRITERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # SQLite engine → lock
_THREAD = threading.local()


class WriterLock:
    """The SQLite writer lock of one process: its threads take turns, and a thread that
    yields (`yield_writes`, the strangers' thread) waits while any other thread waits."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._held = False
        self._others = 0  # threads that do not yield, waiting

    def __enter__(self) -> None:
        yields = getattr(_THREAD, "yields", False)
        with self._turn:
            if not yields:
                self._others += 1
            try:
                while self._held or (yields and self._others):
                    self._turn.wait()
                self._held = True
            finally:
                if not yields:
                    self._others -= 1

    def __exit__(self, *_exc) -> None:
        with self._turn:
            self._held = False
            self._turn.notify_all()


def yield_writes() -> None:
    """This thread's writes wait for everyone else's (a ThreadPoolExecutor's initializer)."""
    _THREAD.yields = True
MIGRATION_LOCK = 0x6361_6974  # "cait": the advisory lock migrations run under
SQLITE_SYNCHRONOUS = ("NORMAL", "FULL")
# A connection for each of the turns' threads (asyncio's default executor: min(32, CPUs +
# 4)), and two for the work on threads of its own (the strangers' turns among it); a burst
# past that overflows rather than waits.
POOL_SIZE = min(32, (os.cpu_count() or 1) + 4) + 2


def make_engine(url: str, sqlite_synchronous: str = "NORMAL") -> Engine:
    """An engine whose errors name the statement but not its values: an error logged while
    a turn is saved would otherwise carry what the person typed, or a phone number.

    SQLite runs in WAL with `synchronous=NORMAL` unless told FULL: a commit is then written
    to the WAL but not synced, which survives the process being killed (what the product
    promises to survive) though not the machine losing power; FULL syncs every commit."""
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous is one of {SQLITE_SYNCHRONOUS}")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # pysqlite would begin transactions itself, lazily, and let the RELEASE of a
            # savepoint that made the first write commit it: SQLAlchemy's documented recipe
            # takes that over, so a SAVEPOINT always nests inside a real transaction.
            dbapi_conn.isolation_level = None
            # WAL lets the bot read while a CLI import writes; foreign keys are off by default.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={sqlite_synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        _WRITERS[engine] = WriterLock()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # No ping at each checkout (a round trip per transaction): a connection the server closed
    # fails its turn's first statement, which the engine retries (handlers/engine.py), and
    # the pool then drops every connection older than the failure.
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_SIZE,
                         hide_parameters=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that reads and then writes. On SQLite it takes the write lock up front:
    a deferred transaction whose snapshot another writer has moved past fails at its first
    write without waiting (busy_timeout does not cover that), where waiting is what we want.
    The threads of one process queue on a lock of ours first: SQLite's own busy handler
    waits by sleeping ever longer, which turns a queue of writers into long tails.
    PostgreSQL needs nothing: its row locks do the ordering."""
    bind = sessions.kw["bind"]
    lock = _WRITERS.get(bind) if bind.dialect.name == "sqlite" else None
    if lock is None:
        with sessions() as session, session.begin():
            yield session
        return
    with lock, sessions() as session, session.begin():
        session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
        yield session


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to the newest schema (or `revision`). On PostgreSQL under an advisory lock:
    replicas starting together take turns, and the ones after the first find nothing left
    to do."""
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()


def schema_state(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's schema revision, the newest this code knows)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision(), _head()


@lru_cache(maxsize=1)
def _head() -> str | None:
    """Read once: health checks ask every few seconds, and the migrations do not change."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def recreate(engine: Engine) -> None:
    """An empty database at the newest schema, for tests and benchmarks: PostgreSQL's public
    schema is dropped first (a SQLite file is expected to be new)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
