"""`caitien backup|restore|export`, `caitien db upgrade --backup` and `caitien staff
forget|data`: the school's records kept safe, moved to another server, read outside the
product, and a person's rights over their own data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

from bot.command_line import Context
from bot.config import Settings
from core.errors import InputError
from core.phones import normalize_phone
from storage.archive import restore_archive, write_archive
from storage.db import make_engine, upgrade, writing
from storage.models import School, Staff, TaskUpdate
from reports.school_export import write_export
from storage.personal_data import forget, person_data


def backup(ctx: Context) -> int:
    _backup(ctx, ctx.args.file, ctx.args.school)
    return 0


def _backup(ctx: Context, file: Path, school: str | None) -> None:
    """Without the application: an archive is of the database as it is, unmigrated."""
    settings = ctx.settings
    with _engine(settings) as engine:
        summary = write_archive(engine, settings.evidence_dir, file, school,
                                settings.templates_dir, settings.clock().now())
    ctx.say("cli/backup_written.j2", summary=summary, file=file)


def restore(ctx: Context) -> int:
    settings = ctx.settings
    templates_dir = settings.templates_dir or settings.evidence_dir.parent / "templates"
    with _engine(settings) as engine:
        summary = restore_archive(engine, settings.evidence_dir, ctx.args.file, templates_dir)
    ctx.say("cli/restored.j2", summary=summary, file=ctx.args.file,
            templates_dir=templates_dir,
            templates_configured=settings.templates_dir is not None)
    return 0


def export(ctx: Context) -> int:
    args, app = ctx.args, ctx.app
    with app.sessions() as session:
        # One moment for every section, as a backup: SQLite's WAL gives it anyway.
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        school = ctx.school(session)
        now = app.clock.now()
        out = args.out or Path(f"{school.code}-export-{now:%Y-%m-%d}.{args.format}")
        data = write_export(session, school, ctx.renderer, now, out, args.format)
    ctx.say("export/written.j2", file=out, data=data)
    return 0


def db_upgrade(ctx: Context) -> int:
    """With --backup, the database as it was before the migrations, to go back to."""
    if ctx.args.backup is not None:
        _backup(ctx, ctx.args.backup, None)
    with _engine(ctx.settings) as engine:
        upgrade(engine)
    return 0


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def staff_forget(ctx: Context) -> int:
    args, app = ctx.args, ctx.app
    with writing(app.sessions) as session:
        members = _people(session, args.phone, args.school)
        if len(members) > 1:
            raise InputError("school_ambiguous",
                             codes=[session.get(School, m.school_id).code for m in members])
        (member,) = members
        school = session.get(School, member.school_id)
        kept = session.scalar(select(func.count()).select_from(TaskUpdate)
                              .where(TaskUpdate.author_id == member.id))
        if not args.yes:
            ctx.say("cli/forget_confirm.j2", member=member, school=school, kept=kept,
                    phone=args.phone)
            return 1
        name = member.name
        placeholder = ctx.renderer.text("forgotten_name.j2", id=member.id)
        forget(session, member, placeholder, app.clock.now(), "cli")
    ctx.say("cli/forgotten.j2", name=name, placeholder=placeholder, school=school, kept=kept)
    return 0


def staff_data(ctx: Context) -> int:
    args, app = ctx.args, ctx.app
    with app.sessions() as session:
        data = person_data(session, _people(session, args.phone, None))
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.out is None:
        print(text)
    else:
        args.out.write_text(text + "\n", encoding="utf-8")
        ctx.say("cli/person_data_written.j2", file=args.out)
    return 0


def _people(session, phone: str, school_code: str | None) -> list[Staff]:
    """The staff rows behind a phone number (one per school they work at)."""
    normal = normalize_phone(phone)
    if normal is None:
        raise InputError("phone_bad", phone=phone)
    query = select(Staff).where(Staff.phone_norm == normal).order_by(Staff.id)
    if school_code is not None:
        query = query.join(School, School.id == Staff.school_id).where(School.code == school_code)
    members = list(session.scalars(query))
    if not members:
        raise InputError("staff_not_found", who=phone)
    return members
