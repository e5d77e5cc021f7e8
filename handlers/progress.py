"""/tiendo: progress by standard and criterion — the whole school for the board and the
monitoring team, their own group for a group leader (TTCM)."""

from __future__ import annotations

from handlers.dialogue import Command
from handlers.turn import Turn
from reports.progress import school_progress
from storage.bot_months import meters
from storage.access import may, scope_of, visible_owners
from storage.models import School
from storage.plans import current_plan


def show_progress(turn: Turn) -> None:
    shown = False
    for member in turn.staff:
        scope = scope_of(member)
        if not may(scope, "tiendo"):
            continue
        school = turn.session.get(School, member.school_id)
        progress = school_progress(turn.session, school.id,
                                   visible_owners(turn.session, scope, school.id))
        # The board also sees how much of each bot's monthly message quota is spent.
        shown_meters = meters(turn.session, school.id, turn.budgets, turn.clock.now()) \
            if scope.board else []
        turn.say("chat/progress.j2", school=school, plan=current_plan(turn.session, school.id),
                 progress=progress, group=scope.group, meters=shown_meters)
        shown = True
    if not shown:
        turn.say("chat/progress_refused.j2")


COMMANDS = (Command(("tiendo",), show_progress, words="command.tiendo"),)
