"""/minhchung: the evidence list (Danh mục minh chứng) for the board, as an Excel workbook
and a Word document; on a channel that carries no files they go out as download links, as
the report's do. Once the board has closed the year, until next year's plan is confirmed,
they are the closed year's lists as kept that day, labelled so (as /baocao's whole year)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.errors import InputError
from core.messages import Reply
from handlers.dialogue import Command
from handlers.turn import Turn
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import evidence_list
from reports.year_end import kept_file
from storage.access import may, scope_of
from storage.models import School, SchoolYear
from storage.plans import current_plan
from storage.school_years import waiting_year


def show(turn: Turn) -> None:
    member = next((m for m in turn.staff if may(scope_of(m), "minhchung")), None)
    if member is None:
        turn.say("chat/evidence_list_refused.j2")
        return
    school = turn.session.get(School, member.school_id)
    if current_plan(turn.session, school.id) is None:
        turn.say("chat/report_no_plan.j2")
        return
    closed = waiting_year(turn.session, school.id)
    if closed is not None:
        _send_kept(turn, school, closed)
        return
    today = turn.clock.now().astimezone(ZoneInfo(school.timezone)).date()
    data = evidence_list(turn.session, school, today, turn.renderer)
    name = turn.renderer.text("reports/evidence_list_file_name.j2", school_code=school.code,
                              school_year=data.school_year)
    turn.replies.append(Reply(turn.renderer.text("chat/evidence_list_ready.j2", data=data),
                              document=(f"{name}.xlsx", evidence_list_xlsx(data, turn.renderer))))
    turn.replies.append(Reply(turn.renderer.text("chat/evidence_list_word.j2"),
                              document=(f"{name}.docx", evidence_list_docx(data, turn.renderer))))


def _send_kept(turn: Turn, school: School, row: SchoolYear) -> None:
    try:
        files = [kept_file(turn.evidence, row, kind)
                 for kind in ("evidence_list_xlsx", "evidence_list_docx")]
    except InputError:  # gone or changed since: never handed out as the year's
        turn.say("chat/evidence_list_kept_missing.j2", school_year=row.school_year)
        return
    closed_at = row.closed_at.astimezone(ZoneInfo(school.timezone))
    (excel, excel_path), (word, word_path) = files
    turn.replies.append(Reply(turn.renderer.text("chat/evidence_list_kept.j2", row=row,
                                                 closed_at=closed_at),
                              document=(excel["name"], excel_path.read_bytes())))
    turn.replies.append(Reply(turn.renderer.text("chat/evidence_list_word.j2"),
                              document=(word["name"], word_path.read_bytes())))


COMMANDS = (Command(("minhchung",), show, "command.minhchung"),)
