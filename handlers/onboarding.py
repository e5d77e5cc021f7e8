"""Linking a chat account to a staff record: /start <code> or sharing one's own phone."""

from __future__ import annotations

from handlers.turn import Turn
from storage.linking import LinkResult, link_by_contact, redeem_invite
from storage.models import School


def ask_to_link(turn: Turn) -> None:
    reply = turn.say("chat/stranger.j2")
    reply.ask_contact = turn.renderer.label("button.share_phone")


def start(turn: Turn) -> None:
    code = turn.msg.args.strip()
    if code:
        result = redeem_invite(turn.session, code, turn.msg.channel, turn.msg.user_id,
                               turn.msg.chat_id, turn.clock)
        _answer(turn, result)
    elif turn.staff:
        turn.say("chat/welcome_back.j2", name=turn.staff[0].name)
    else:
        ask_to_link(turn)


def contact(turn: Turn) -> None:
    msg = turn.msg
    result = link_by_contact(turn.session, msg.contact_phone or "", msg.contact_user_id,
                             msg.channel, msg.user_id, msg.chat_id, turn.clock)
    _answer(turn, result)


def _answer(turn: Turn, result: LinkResult) -> None:
    schools = [turn.session.get(School, m.school_id) for m in result.staff]
    reply = turn.say(f"chat/link_{result.outcome}.j2", staff=result.staff, schools=schools)
    if result.outcome in ("linked", "already"):
        reply.remove_keyboard = True
    elif result.outcome in ("no_match", "not_own"):
        reply.ask_contact = turn.renderer.label("button.share_phone")
