"""/nhiemvu: the sender's own tasks."""

from __future__ import annotations

from handlers.dialogue import Command
from handlers.turn import Turn
from storage.models import School
from storage.plans import tasks_of


def show_tasks(turn: Turn) -> None:
    tasks = tasks_of(turn.session, turn.staff_ids)
    schools = {m.school_id: turn.session.get(School, m.school_id) for m in turn.staff}
    turn.say("chat/task_list.j2", tasks=tasks, schools=schools, tz=_tz(schools),
             many_schools=len(schools) > 1)


def _tz(schools: dict[int, School]) -> str:
    return next(iter(schools.values())).timezone if schools else "Asia/Ho_Chi_Minh"


COMMANDS = (Command(("nhiemvu",), show_tasks, words="command.nhiemvu"),)
