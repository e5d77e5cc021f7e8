"""/minhchung: the evidence list (Danh mục minh chứng) for the board, as an Excel workbook
and a Word document; on a channel that carries no files they go out as download links, as
the report's do."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.messages import Reply
from handlers.dialogue import Command
from handlers.turn import Turn
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import evidence_list
from storage.access import may, scope_of
from storage.models import School
from storage.plans import current_plan


def show(turn: Turn) -> None:
    member = next((m for m in turn.staff if may(scope_of(m), "minhchung")), None)
    if member is None:
        turn.say("chat/evidence_list_refused.j2")
        return
    school = turn.session.get(School, member.school_id)
    if current_plan(turn.session, school.id) is None:
        turn.say("chat/report_no_plan.j2")
        return
    today = turn.clock.now().astimezone(ZoneInfo(school.timezone)).date()
    data = evidence_list(turn.session, school, today, turn.renderer)
    name = turn.renderer.text("reports/evidence_list_file_name.j2", school_code=school.code,
                              school_year=data.school_year)
    turn.replies.append(Reply(turn.renderer.text("chat/evidence_list_ready.j2", data=data),
                              document=(f"{name}.xlsx", evidence_list_xlsx(data, turn.renderer))))
    turn.replies.append(Reply(turn.renderer.text("chat/evidence_list_word.j2"),
                              document=(f"{name}.docx", evidence_list_docx(data, turn.renderer))))


COMMANDS = (Command(("minhchung",), show, "command.minhchung"),)
