"""/tiendo: progress by standard and criterion — the whole school for the board and the
monitoring team, their own group for a group leader (TTCM)."""

from __future__ import annotations

from handlers.turn import Turn
from storage.models import School
from readers.owners import staff_roles
from storage.plans import current_plan
from reports.progress import school_progress
from storage.staff_repo import active_staff, is_board, is_monitor
from core.text import fold_words


def show_progress(turn: Turn) -> None:
    shown = False
    for member in turn.staff:
        school = turn.session.get(School, member.school_id)
        plan = current_plan(turn.session, school.id)
        if is_board(member) or is_monitor(member):
            progress, group = school_progress(turn.session, school.id), None
        elif "TTCM" in staff_roles(member) and member.group:
            group = member.group
            owners = {m.id for m in active_staff(turn.session, school.id)
                      if fold_words(m.group or "") == fold_words(group)}
            progress = school_progress(turn.session, school.id, owners)
        else:
            continue
        turn.say("chat/progress.j2", school=school, plan=plan, progress=progress, group=group)
        shown = True
    if not shown:
        turn.say("chat/progress_refused.j2")
