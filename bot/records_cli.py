"""`caitien backup|restore|export`, `caitien db upgrade --backup` and `caitien staff
forget|data`: the school's records kept safe, moved to another server, read outside the
product, and a person's rights over their own data."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy import func, select

from bot.app import build_app
from bot.config import Settings
from core.errors import InputError
from core.phones import normalize_phone
from storage.archive import restore_archive, write_archive
from storage.db import make_engine, upgrade, writing
from storage.models import School, Staff, TaskUpdate
from reports.school_export import write_export
from storage.personal_data import forget, person_data
from storage.schools import pick_school
from templates.render import Renderer


def add_commands(commands) -> None:
    backup = commands.add_parser(
        "backup", help="write one archive of every school (or one) with its evidence files")
    backup.add_argument("file", type=Path, help="the archive to write, e.g. caitien.zip")
    backup.add_argument("--school", help="only this school (to move it to another server)")
    restore = commands.add_parser(
        "restore", help="put an archive into the database DATABASE_URL names")
    restore.add_argument("file", type=Path)
    export = commands.add_parser(
        "export", help="everything a school has, readable: plan, tasks, every update, "
                       "evidence list, staff, calendar, audit trail")
    export.add_argument("--format", choices=("xlsx", "json"), required=True)
    export.add_argument("--out", type=Path,
                        help="the file to write (default CODE-export-DAY.xlsx|json here)")
    export.add_argument("--school", help="school code (needed when there are several)")


def backup_command(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        summary = write_archive(engine, settings.evidence_dir, args.file, args.school,
                                settings.templates_dir, settings.clock().now())
    finally:
        engine.dispose()
    print(Renderer(settings.templates_dir).text("cli/backup_written.j2", summary=summary,
                                                file=args.file))
    return 0


def restore_command(args: argparse.Namespace, settings: Settings) -> int:
    templates_dir = settings.templates_dir or settings.evidence_dir.parent / "templates"
    engine = make_engine(settings.database_url)
    try:
        summary = restore_archive(engine, settings.evidence_dir, args.file, templates_dir)
    finally:
        engine.dispose()
    print(Renderer(settings.templates_dir).text(
        "cli/restored.j2", summary=summary, file=args.file, templates_dir=templates_dir,
        templates_configured=settings.templates_dir is not None))
    return 0


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    with app.sessions() as session:
        # One moment for every section, as a backup: SQLite's WAL gives it anyway.
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        school = pick_school(session, args.school, app.clock)
        now = app.clock.now()
        out = args.out or Path(f"{school.code}-export-{now:%Y-%m-%d}.{args.format}")
        data = write_export(session, school, app.renderer, now, out, args.format)
    print(app.renderer.text("export/written.j2", file=out, data=data))
    return 0


def db_upgrade_command(args: argparse.Namespace, settings: Settings) -> int:
    """With --backup, the database as it was before the migrations, to go back to."""
    if args.backup is not None:
        backup_command(argparse.Namespace(file=args.backup, school=None), settings)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return 0


def add_staff_commands(staff_commands) -> None:
    forget = staff_commands.add_parser(
        "forget", help="erase a person's personal data; the plan's history stays, unnamed")
    forget.add_argument("phone")
    forget.add_argument("--school", help="the school they left (when the phone is in several)")
    forget.add_argument("--yes", action="store_true", help="erase (without it: show what)")
    data = staff_commands.add_parser("data", help="everything held about one person, as JSON")
    data.add_argument("phone")
    data.add_argument("--out", type=Path, help="the file to write (default: print it)")


def staff_forget(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
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
            print(app.renderer.text("cli/forget_confirm.j2", member=member, school=school,
                                    kept=kept, phone=args.phone))
            return 1
        name = member.name
        placeholder = app.renderer.text("forgotten_name.j2", id=member.id)
        forget(session, member, placeholder, app.clock.now(), "cli")
    print(app.renderer.text("cli/forgotten.j2", name=name, placeholder=placeholder,
                            school=school, kept=kept))
    return 0


def staff_data(args: argparse.Namespace, settings: Settings) -> int:
    app = build_app(settings)
    with app.sessions() as session:
        data = person_data(session, _people(session, args.phone, None))
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.out is None:
        print(text)
    else:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(app.renderer.text("cli/person_data_written.j2", file=args.out))
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
