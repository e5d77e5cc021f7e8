"""/web: a one-time link to sign in to the web console, valid ten minutes — one for each
school the person works at."""

from __future__ import annotations

from handlers.dialogue import Command
from handlers.turn import Turn
from handlers.update_flow import FLOW as UPDATE_FLOW
from storage.models import School, Task
from storage.web_access import LINK_LIFETIME, issue_sign_in


def sign_in_links(turn: Turn) -> None:
    if not turn.public_url:
        turn.say("chat/web_unavailable.j2")
        return
    now = turn.clock.now()
    links = [(turn.session.get(School, m.school_id),
              f"{turn.public_url}/web/login/{issue_sign_in(turn.session, now, staff_id=m.id)}")
             for m in turn.staff]
    turn.say("chat/web_link.j2", links=links,
             minutes=int(LINK_LIFETIME.total_seconds() // 60))


def upload_page(turn: Turn) -> str | None:
    """Where a file the channel cannot take is handed in instead: the page of the task the
    person is updating, else their school's plan; None without a console."""
    if not turn.public_url or not turn.staff:
        return None
    conversation = turn.conversation
    task_id = (conversation.data or {}).get("task_id") if conversation is not None \
        and conversation.flow == UPDATE_FLOW else None
    task = turn.session.get(Task, task_id) if task_id else None
    if task is not None and turn.staff_in(task.school_id) is not None:
        return f"{turn.public_url}/web/s/{task.school_id}/tasks/{task.id}"
    return f"{turn.public_url}/web/s/{turn.staff[0].school_id}/plan"


COMMANDS = (Command(("web",), sign_in_links),)
