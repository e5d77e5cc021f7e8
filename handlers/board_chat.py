"""What the board does in its own group chat: /dangky there makes it receive the weekly
digest. Everything else in groups is answered with "message me privately"."""

from __future__ import annotations

from handlers.turn import Turn
from storage.models import School
from storage.staff_repo import is_board

REGISTER = "dangky"


def register(turn: Turn) -> None:
    member = next((m for m in turn.staff if is_board(m)), None)
    if not turn.caps.groups:  # Zalo: a bot in a group hears only mentions
        turn.say("chat/group_not_here.j2")
        return
    if member is None:
        turn.say("chat/group_board_only.j2")
        return
    school = turn.session.get(School, member.school_id)
    school.board_channel, school.board_chat_id = turn.msg.channel, turn.msg.chat_id
    school.board_bot = turn.msg.bot
    turn.say("chat/group_registered.j2", school=school)
