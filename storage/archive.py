"""One file holding a deployment, or one school: every row, every evidence file, the
template overrides, the schema revision, and a manifest with a checksum of each part.

Rows are read in one read-only transaction (a snapshot: the bot keeps answering while a
backup runs, and the archive never holds half a turn). Evidence files are written before
the row naming them commits and never change afterwards, so copying the files the snapshot
names gives the same moment. Tables are read by reflection, not through the models: an
archive is made of whatever schema the database is at (`caitien db upgrade --backup` saves
the old one), and restored at that schema before being migrated like any database."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import metadata as package_metadata
from pathlib import Path, PurePosixPath

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, Table, exists, func, select, text
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, StatementError
from sqlalchemy.sql import sqltypes

from core.errors import InputError
from storage.db import alembic_config, make_engine, schema_state, upgrade
from storage.archive_ids import rewritten
from storage.evidence_store import inside

FORMAT = "caitien-archive"
VERSION = 1
MANIFEST = "manifest.json"
# What a school's archive holds besides its `schools` row: its people's conversations too
# (an update half-way, with the photos it holds, resumes on the new server). Sign-in links
# and sessions and handled-event records belong to the deployment: a school moving to
# another server starts those afresh.
SCHOOL_TABLES = frozenset({
    "districts", "district_members", "staff", "accounts", "invites", "plans",
    "plan_checkpoints", "criteria", "tasks", "task_owners", "task_updates", "evidence",
    "evidence_criteria", "outbox", "reminder_snoozes", "overdue_alerts", "audit_events",
    "school_bots", "school_years", "conversations"})
DEPLOYMENT_TABLES = frozenset({
    "settings", "processed_events", "inbox", "link_failures", "downloads",
    "uploads", "web_sign_ins", "web_sessions", "web_failures",
    "bot_months"})  # what each bot sent this month: the bot's, whichever schools it serves
# Which process holds the scheduler: meaningless anywhere else.
LEFT_OUT = frozenset({"leases", "alembic_version"})
# Rows the target may have already (the district a school moves into): matched on these
# columns and shared, not copied beside.
MATCHED = {"districts": ("code",), "district_members": ("district_id", "phone_norm")}
# Rows the target may hold already for the same person (their conversation on this
# deployment's bot): the target's is the one going on, the archive's is left out.
KEPT_THERE = {"conversations": ("channel", "external_user_id")}
BATCH = 1000
# What reading a damaged archive may raise: a cut or altered zip, a corrupted compressed
# part, a manifest that is not JSON or lacks its parts. One sentence to the operator.
DAMAGED = (OSError, KeyError, ValueError, TypeError, AttributeError, EOFError, zlib.error,
           zipfile.BadZipFile, zipfile.LargeZipFile)
# Paths are checked against a folder that exists nowhere: only their shape matters.
_NOWHERE = Path("/nonexistent-caitien-evidence")


@dataclass
class Summary:
    scope: str  # "deployment" | "school"
    schools: list[str]
    schema: str
    rows: int
    files: int
    templates: int
    missing: list[str] = field(default_factory=list)  # evidence rows whose file was gone
    upgraded_from: str | None = None  # restore: the archive's older schema


# --- writing ------------------------------------------------------------------------------

def write_archive(engine: Engine, evidence_root: Path, target: Path,
                  school_code: str | None = None, templates_dir: Path | None = None,
                  now: datetime | None = None) -> Summary:
    """Writes the archive next to `target` and renames it into place when complete."""
    partial = target.with_name(target.name + ".part")
    try:
        manifest, codes = _write(engine, evidence_root, partial, school_code, templates_dir,
                                 now)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return Summary(manifest["scope"], codes, manifest["schema"] or "",
                   sum(t["rows"] for t in manifest["tables"].values()),
                   sum(1 for name in manifest["files"] if name.startswith("evidence/")),
                   sum(1 for name in manifest["files"] if name.startswith("templates/")),
                   manifest["missing"])


def _write(engine: Engine, evidence_root: Path, partial: Path, school_code: str | None,
           templates_dir: Path | None, now: datetime | None) -> tuple[dict, list[str]]:
    with _snapshot(engine) as conn, zipfile.ZipFile(
            partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        schema = MigrationContext.configure(conn).get_current_revision()
        tables = _reflect(conn)
        scope = _Scope.of(conn, tables, school_code)
        manifest: dict = {
            "format": FORMAT, "version": VERSION, "schema": schema,
            "app_version": _app_version(), "created_at": (now or datetime.now()).isoformat(),
            "scope": "school" if school_code else "deployment", "schools": scope.codes,
            "tables": {}, "files": {}, "missing": []}
        evidence_paths: list[str] = []
        for table in tables.sorted_tables:
            if not scope.holds(table):
                continue
            out = _Checksummed(archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True))
            count = 0
            for row in _rows(conn, table, scope):
                out.write(json.dumps(_encoded(row), ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode() + b"\n")
                count += 1
                evidence_paths += _paths_of(table.name, row)
            out.close()
            manifest["tables"][table.name] = {"rows": count, "sha256": out.hexdigest()}
        for relative in dict.fromkeys(evidence_paths):
            # A path leading outside the folder is never read: reported as missing.
            source = evidence_root / relative if inside(evidence_root, relative) else None
            if source is not None and source.is_file():
                manifest["files"][f"evidence/{relative}"] = _store(archive, source,
                                                                   f"evidence/{relative}")
            else:
                manifest["missing"].append(relative)
        if templates_dir is not None and templates_dir.is_dir():
            for source in sorted(p for p in templates_dir.rglob("*") if p.is_file()):
                name = f"templates/{source.relative_to(templates_dir).as_posix()}"
                manifest["files"][name] = _store(archive, source, name)
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest, scope.codes


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction for every table. SQLite in WAL mode keeps the snapshot of
    the first read for the whole transaction; PostgreSQL needs REPEATABLE READ for it."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION READ ONLY"))
            yield conn


def _reflect(conn: Connection) -> MetaData:
    tables = MetaData()
    tables.reflect(bind=conn)
    return tables


@dataclass
class _Scope:
    """Which rows an archive holds: all (ids None) or one school's."""

    codes: list[str]
    school_ids: list[int] | None
    district_ids: list[int]

    @classmethod
    def of(cls, conn: Connection, tables: MetaData, code: str | None) -> "_Scope":
        schools = tables.tables["schools"]
        if code is None:
            codes = list(conn.scalars(select(schools.c.code).order_by(schools.c.id)))
            return cls(codes, None, [])
        row = conn.execute(select(schools.c.id, schools.c.district_id)
                           .where(schools.c.code == code)).first()
        if row is None:
            raise InputError("school_unknown", code=code)
        return cls([code], [row.id], [row.district_id] if row.district_id else [])

    def holds(self, table: Table) -> bool:
        if table.name in LEFT_OUT:
            return False
        return self.school_ids is None or table.name in SCHOOL_TABLES | {"schools"}

    def where(self, table: Table, tables: MetaData):
        """The clause picking this school's rows of `table` (None: every row)."""
        if self.school_ids is None:
            return None
        c = table.c
        if table.name == "schools":
            return c.id.in_(self.school_ids)
        if table.name == "districts":
            return c.id.in_(self.district_ids)
        if table.name == "district_members":
            return c.district_id.in_(self.district_ids)
        if table.name == "task_owners":
            tasks = tables.tables["tasks"]
            return c.task_id.in_(select(tasks.c.id).where(tasks.c.school_id.in_(self.school_ids)))
        if table.name == "conversations":
            accounts = tables.tables["accounts"]
            return exists().where(accounts.c.school_id.in_(self.school_ids),
                                  accounts.c.channel == c.channel,
                                  accounts.c.external_user_id == c.external_user_id)
        return c.school_id.in_(self.school_ids)


def _paths_of(table: str, row: dict) -> list[str]:
    """Evidence files a row names: an evidence row's, a closed year's kept report, and those
    a conversation holds (sent before /capnhat, or received in an update not saved yet)."""
    if table == "evidence":
        return [row["path"]]
    if table == "school_years":
        return [f.get("path") if isinstance(f, dict) else None for f in row.get("files") or []]
    if table == "conversations":
        files = [*((row.get("data") or {}).get("files") or []),
                 *((row.get("held") or {}).get("files") or [])]
        return [f.get("path") if isinstance(f, dict) else None for f in files]
    return []


def _rows(conn: Connection, table: Table, scope: _Scope) -> Iterator[dict]:
    query = select(table).order_by(*table.primary_key.columns)
    clause = scope.where(table, table.metadata)
    if clause is not None:
        query = query.where(clause)
    for row in conn.execution_options(yield_per=BATCH).execute(query).mappings():
        yield dict(row)


def _encoded(row: dict) -> dict:
    return {key: _encode(value) for key, value in row.items()}


def _encode(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


class _Checksummed:
    """A stream that keeps the sha256 of what went through it."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.stream.write(data)

    def close(self) -> None:
        self.stream.close()

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def _store(archive: zipfile.ZipFile, source: Path, name: str) -> str:
    """Copies a file in (photos are compressed already: stored as they are)."""
    out = _Checksummed(archive.open(zipfile.ZipInfo(name), "w", force_zip64=True))
    with source.open("rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            out.write(chunk)
    out.close()
    return out.hexdigest()


def _app_version() -> str:
    try:
        return package_metadata.version("caitien")
    except package_metadata.PackageNotFoundError:
        return "unknown"


# --- reading ------------------------------------------------------------------------------

class Archive:
    """An archive whose every part matched its checksum."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
            self.manifest = json.loads(self.zip.read(MANIFEST))
            if self.manifest.get("format") != FORMAT:
                raise ValueError("not an archive of ours")
            for name, expected in self._parts().items():
                if _sha_of(self.zip, name) != expected:
                    raise ValueError(f"{name}: checksum")
        except DAMAGED as error:
            raise InputError("archive_damaged", file=path.name) from error
        if self.manifest.get("version", 0) > VERSION:
            raise InputError("archive_newer", file=path.name)
        try:
            for name in self.manifest["files"]:
                _safe_relative(name, path)
            self._check_paths()
        except InputError:
            self.zip.close()
            raise

    def _check_paths(self) -> None:
        """Every evidence path the rows name stays inside the evidence folder: a crafted
        archive (the manifest is not signed) must not make the server read or serve a
        file elsewhere."""
        try:
            for table in ("evidence", "conversations"):
                for row in self.rows(table):
                    for relative in _paths_of(table, row):
                        if not inside(_NOWHERE, relative):
                            raise InputError("archive_path_outside", file=self.path.name,
                                             path=str(relative))
        except DAMAGED as error:
            raise InputError("archive_damaged", file=self.path.name) from error

    def _parts(self) -> dict[str, str]:
        parts = {f"tables/{t}.jsonl": v["sha256"] for t, v in self.manifest["tables"].items()}
        parts.update(self.manifest["files"])
        return parts

    @property
    def schema(self) -> str:
        return self.manifest["schema"]

    @property
    def school_scope(self) -> bool:
        return self.manifest["scope"] == "school"

    def rows(self, table: str) -> Iterator[dict]:
        if table not in self.manifest["tables"]:
            return
        with self.zip.open(f"tables/{table}.jsonl") as lines:
            for line in lines:
                yield json.loads(line)

    def files(self, prefix: str) -> Iterator[tuple[str, str]]:
        """(name inside the archive, path relative to `prefix`)."""
        for name in self.manifest["files"]:
            if name.startswith(prefix):
                yield name, name[len(prefix):]

    def close(self) -> None:
        self.zip.close()


def _sha_of(archive: zipfile.ZipFile, name: str) -> str:
    sha = hashlib.sha256()
    with archive.open(name) as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _safe_relative(name: str, archive: Path) -> None:
    """A hostile archive naming ../../etc/… must not write outside the evidence folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or ":" in path.parts[0]:
        raise InputError("archive_damaged", file=archive.name)


# --- restoring ----------------------------------------------------------------------------

def restore_archive(engine: Engine, evidence_root: Path, source: Path,
                    templates_dir: Path) -> Summary:
    """Puts the archive into the database `engine` names (migrated to the newest schema
    first): a whole deployment into a database with no school, or a school into one that
    does not hold it yet. The archive's ids are kept where the tables are empty and moved
    past the ones there otherwise."""
    archive = Archive(source)
    try:
        known = {r.revision for r in ScriptDirectory.from_config(
            alembic_config(engine)).walk_revisions()}
        if archive.schema not in known:
            raise InputError("archive_newer", file=source.name)
        upgrade(engine)
        head = schema_state(engine)[0]
        with engine.connect() as conn:
            _check_target(conn, archive)
        # Files first: a restore cut short leaves files nobody names, never rows naming
        # files that are not there.
        files = _unpack(archive, "evidence/", evidence_root)
        templates = _unpack(archive, "templates/", templates_dir)
        try:
            with _at_head(archive, head) as rows, engine.begin() as conn:
                _check_target(conn, archive)
                count = _insert_all(conn, _reflect(conn), rows,
                                    replace_settings=not archive.school_scope)
        except IntegrityError as error:
            # A unique value the target holds already (the school's own bot, served here by
            # another school): nothing was written.
            raise InputError("archive_conflict", file=source.name) from error
        except (StatementError, ValueError, TypeError, KeyError, zlib.error) as error:
            if isinstance(error, (OperationalError, InterfaceError)):
                raise  # the database, not the archive
            # Rows the checksums vouch for but the schema refuses (a crafted archive):
            # nothing was written either.
            raise InputError("archive_damaged", file=source.name) from error
        return Summary(archive.manifest["scope"], archive.manifest["schools"], head, count,
                       files, templates, archive.manifest["missing"],
                       upgraded_from=archive.schema if archive.schema != head else None)
    finally:
        archive.close()


@contextmanager
def _at_head(archive: Archive, head: str):
    """The archive's rows at the newest schema: an older archive goes through a scratch
    SQLite database at its own schema, migrated like any database."""
    if archive.schema == head:
        yield archive.rows
        return
    with tempfile.TemporaryDirectory(prefix="caitien-restore-") as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'old.sqlite3'}")
        try:
            upgrade(engine, archive.schema)
            with engine.begin() as conn:
                _insert_all(conn, _reflect(conn), archive.rows, replace_settings=True)
            upgrade(engine)
            migrated = _reflect_engine(engine)

            def rows(table: str) -> Iterator[dict]:
                if table not in migrated.tables or table in LEFT_OUT:
                    return
                with engine.connect() as conn:
                    t = migrated.tables[table]
                    for row in conn.execute(select(t).order_by(*t.primary_key.columns)
                                            ).mappings():
                        yield _encoded(dict(row))

            yield rows
        finally:
            engine.dispose()


def _reflect_engine(engine: Engine) -> MetaData:
    with engine.connect() as conn:
        return _reflect(conn)


def _check_target(conn: Connection, archive: Archive) -> None:
    schools = Table("schools", MetaData(), autoload_with=conn)
    codes = archive.manifest["schools"]
    if archive.school_scope:
        taken = list(conn.scalars(select(schools.c.code).where(schools.c.code.in_(codes))))
        if taken:
            raise InputError("archive_school_there", code=taken[0])
    elif conn.scalar(select(func.count()).select_from(schools)):
        raise InputError("archive_target_used")


def _insert_all(conn: Connection, tables: MetaData, rows, replace_settings: bool) -> int:
    """Every table's rows, parents first, each id following its row's new id: foreign keys
    and the ids kept inside JSON and text (storage/archive_ids.py)."""
    moved = _Moves(conn, tables)
    count = 0
    for table in tables.sorted_tables:
        if table.name in LEFT_OUT:
            continue
        batch = [_decoded(table, row) for row in rows(table.name)]
        if not batch:
            continue
        if replace_settings and table.name == "settings":
            conn.execute(table.delete().where(table.c.key.in_([r["key"] for r in batch])))
        count += len(batch)
        batch = [row for row in (_moved_row(conn, table, row, moved) for row in batch)
                 if row is not None]
        if batch:
            for start in range(0, len(batch), BATCH):
                conn.execute(table.insert(), batch[start:start + BATCH])
        if _integer_id(table) and conn.dialect.name == "postgresql":
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"(SELECT MAX(id) FROM {table.name}))"))
    return count


class _Moves:
    """Where each of the archive's ids lands: past the target's highest id of its table
    (kept where the table is empty), or on the row matched there (MATCHED). Known for
    every table before any row goes in, so an audit entry can name a task inserted
    after it."""

    def __init__(self, conn: Connection, tables: MetaData) -> None:
        self.shift = {table.name: conn.scalar(select(func.max(table.c.id))) or 0
                      for table in tables.sorted_tables
                      if table.name not in LEFT_OUT and _integer_id(table)}
        self.matched: dict[str, dict[int, int]] = {}

    def __call__(self, table: str, old: int) -> int:
        if old in self.matched.get(table, {}):
            return self.matched[table][old]
        return old + self.shift.get(table, 0)


def _moved_row(conn: Connection, table: Table, row: dict, moved: _Moves) -> dict | None:
    """The row as it goes in, or None when the target has it already."""
    for column in table.columns:
        value = row.get(column.name)
        for key in column.foreign_keys:
            if value is not None:
                row[column.name] = moved(key.column.table.name, value)
    if table.name in KEPT_THERE and conn.scalar(select(func.count()).select_from(table).where(
            *(table.c[c] == row[c] for c in KEPT_THERE[table.name]))):
        return None
    if _integer_id(table):
        match = MATCHED.get(table.name)
        if match:
            existing = conn.scalar(select(table.c.id).where(
                *(table.c[column] == row[column] for column in match)))
            if existing is not None:
                moved.matched.setdefault(table.name, {})[row["id"]] = existing
                return None
        row["id"] = moved(table.name, row["id"])
    return rewritten(table.name, row, moved)


def _integer_id(table: Table) -> bool:
    columns = list(table.primary_key.columns)
    return (len(columns) == 1 and columns[0].name == "id"
            and isinstance(columns[0].type, sqltypes.Integer))


def _decoded(table: Table, row: dict) -> dict:
    decoded = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        if value is not None and isinstance(value, str):
            if isinstance(column.type, sqltypes.DateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(column.type, sqltypes.Date):
                value = date.fromisoformat(value)
            elif isinstance(column.type, sqltypes._Binary):
                value = base64.b64decode(value)
        decoded[column.name] = value
    return decoded


def _unpack(archive: Archive, prefix: str, root: Path) -> int:
    """Files not there yet (an evidence file's name holds its checksum; a template the
    target deployment has already is its own wording and stays)."""
    count = 0
    for name, relative in archive.files(prefix):
        target = root / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with archive.zip.open(name) as data, partial.open("wb") as out:
            shutil.copyfileobj(data, out, 1 << 20)
        partial.replace(target)
        count += 1
    return count
