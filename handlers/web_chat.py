"""/web: a one-time link to sign in to the web console, valid ten minutes — one for each
school the person works at."""

from __future__ import annotations

from handlers.dialogue import Command
from handlers.turn import Turn
from storage.models import School
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


COMMANDS = (Command(("web",), sign_in_links),)
