"""`caitien evidence list` and `caitien evidence box`: the evidence list (Danh mục minh
chứng) as a table on screen, an .xlsx or a .docx, and the evidence box as a .zip."""

from __future__ import annotations

from pathlib import Path

from bot.command_line import Context
from core.errors import InputError
from reports.evidence_box import write_box
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import EvidenceList, evidence_list
from storage.schools import school_tz

WRITERS = {".xlsx": evidence_list_xlsx, ".docx": evidence_list_docx}


def list_command(ctx: Context) -> int:
    out = ctx.args.out
    if out is None:
        ctx.say("cli/evidence_list.j2", data=_list(ctx))
        return 0
    _check_out(out, tuple(WRITERS))
    data = _list(ctx)
    out.write_bytes(WRITERS[out.suffix.lower()](data, ctx.renderer))
    ctx.say("cli/evidence_list_written.j2", file=out, data=data)
    return 0


def box_command(ctx: Context) -> int:
    out = ctx.args.out
    _check_out(out, (".zip",))
    data = _list(ctx)
    # Written beside the target and renamed once whole: never half a box under its name.
    temporary = out.with_name(out.name + ".part")
    try:
        box = write_box(data, ctx.app.engine.evidence, ctx.renderer, temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    temporary.replace(out)
    ctx.say("cli/evidence_box_written.j2", file=out, box=box)
    return 0


def _check_out(out: Path, wanted: tuple[str, ...]) -> None:
    """Said before anything is read: a file of a kind we do not write, or in no folder."""
    if out.suffix.lower() not in wanted:
        raise InputError("evidence_format", name=out.name, wanted=" ".join(wanted))
    if not out.parent.is_dir():
        raise InputError("evidence_no_folder", folder=str(out.parent))


def _list(ctx: Context) -> EvidenceList:
    app = ctx.app
    with app.sessions() as session:
        school = ctx.school(session)
        today = app.clock.now().astimezone(school_tz(school)).date()
        try:
            return evidence_list(session, school, today, ctx.renderer)
        except LookupError as exc:
            raise InputError("report_no_plan") from exc
