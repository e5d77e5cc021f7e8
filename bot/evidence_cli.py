"""`caitien evidence list` and `caitien evidence box`: the evidence list (Danh mục minh
chứng) as a table on screen, an .xlsx or a .docx, and the evidence box as a .zip."""

from __future__ import annotations

import argparse
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import build_app
from bot.config import Settings
from core.errors import InputError
from reports.evidence_box import write_box
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import EvidenceList, evidence_list
from storage.schools import pick_school

WRITERS = {".xlsx": evidence_list_xlsx, ".docx": evidence_list_docx}


def add_parser(commands) -> None:
    evidence = commands.add_parser("evidence", help="the evidence list and the evidence box")
    actions = evidence.add_subparsers(dest="evidence_command", required=True)
    listing = actions.add_parser("list", help="Danh mục minh chứng, on screen or as a file")
    listing.add_argument("--out", type=Path, help="FILE.xlsx or FILE.docx (default: print)")
    listing.add_argument("--school", help="school code (needed when there are several)")
    box = actions.add_parser("box", help="every evidence file in a .zip, by code")
    box.add_argument("--out", type=Path, required=True, help="FILE.zip")
    box.add_argument("--school", help="school code (needed when there are several)")


def evidence_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.out is not None:
        wanted = (".zip",) if args.evidence_command == "box" else tuple(WRITERS)
        if args.out.suffix.lower() not in wanted:
            raise InputError("evidence_format", name=args.out.name, wanted=" ".join(wanted))
        if not args.out.parent.is_dir():
            raise InputError("evidence_no_folder", folder=str(args.out.parent))
    app = build_app(settings)
    data = _list(app, args.school)
    if args.evidence_command == "box":
        # Written beside the target and renamed once whole: never half a box under its name.
        temporary = args.out.with_name(args.out.name + ".part")
        try:
            box = write_box(data, app.engine.evidence, app.renderer, temporary)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        temporary.replace(args.out)
        print(app.renderer.text("cli/evidence_box_written.j2", file=args.out, box=box))
        return 0
    if args.out is None:
        print(app.renderer.text("cli/evidence_list.j2", data=data))
        return 0
    args.out.write_bytes(WRITERS[args.out.suffix.lower()](data, app.renderer))
    print(app.renderer.text("cli/evidence_list_written.j2", file=args.out, data=data))
    return 0


def _list(app, code: str | None) -> EvidenceList:
    with app.sessions() as session:
        school = pick_school(session, code, app.clock)
        today = app.clock.now().astimezone(ZoneInfo(school.timezone)).date()
        try:
            return evidence_list(session, school, today, app.renderer)
        except LookupError as exc:
            raise InputError("report_no_plan") from exc
