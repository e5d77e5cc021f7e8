"""/quahan: the tasks past their deadline and not done — the whole school for the board and
the monitoring team, their tổ's for a group leader: the tasks the reminders may ask them to
chase."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.dialogue import Command
from handlers.turn import Turn
from reports.digest_data import digest_data
from storage.access import may, scope_of, sees_task
from storage.models import School, Task


def show(turn: Turn) -> None:
    member = next((m for m in turn.staff if may(scope_of(m), "quahan")), None)
    if member is None:
        turn.say("chat/overdue_refused.j2")
        return
    scope = scope_of(member)
    school = turn.session.get(School, member.school_id)
    today = turn.clock.now().astimezone(ZoneInfo(school.timezone)).date()
    digest = digest_data(turn.session, school, today)
    overdue = [o for o in (digest.overdue if digest else [])
               if sees_task(turn.session, scope, turn.session.get(Task, o.task_id))]
    turn.say("chat/overdue_list.j2", overdue=overdue, today=today, group=scope.group)


COMMANDS = (Command(("quahan",), show),)
