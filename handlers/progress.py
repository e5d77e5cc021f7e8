"""/tiendo: progress by standard and criterion, for the board (HT, PHT)."""

from __future__ import annotations

from handlers.turn import Turn
from storage.models import School
from storage.plans import current_plan
from storage.progress import school_progress
from storage.staff_repo import is_board


def show_progress(turn: Turn) -> None:
    boards = [m for m in turn.staff if is_board(m)]
    if not boards:
        turn.say("chat/board_only.j2")
        return
    for member in boards:
        school = turn.session.get(School, member.school_id)
        turn.say("chat/progress.j2", school=school,
                 plan=current_plan(turn.session, school.id),
                 progress=school_progress(turn.session, school.id))
