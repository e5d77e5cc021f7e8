"""/quahan: the tasks past their deadline and not done, for the monitoring team and the
board."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.report_chat import may_report
from handlers.dialogue import Command
from handlers.turn import Turn
from reports.digest_data import digest_data


def show(turn: Turn) -> None:
    school = may_report(turn)
    if school is None:
        turn.say("chat/overdue_refused.j2")
        return
    today = turn.clock.now().astimezone(ZoneInfo(school.timezone)).date()
    digest = digest_data(turn.session, school, today)
    turn.say("chat/overdue_list.j2", overdue=digest.overdue if digest else [], today=today)


COMMANDS = (Command(("quahan",), show),)
