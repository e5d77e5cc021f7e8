"""Linking a chat account to a staff record: /start <code> or sharing one's own phone."""

from __future__ import annotations

import re
from datetime import timedelta

from handlers.bot_pool import after_linking, room_to_link
from handlers.dialogue import Command
from handlers.turn import Turn
from storage.access import allowed_commands, scope_of
from storage.linking import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LinkResult,
    link_by_contact,
    normalize_code,
    note_wrong_code,
    redeem_invite,
    wrong_codes,
)
from storage.models import School
from storage.staff_repo import is_board, mark_reachable

# Guessing codes: after this many wrong ones in the window, one sentence, then silence.
WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(hours=1)
# What an invitation code looks like when it is typed instead of opened as a link: as
# issued ("ABCD-EF23", typed any way), or an older, longer one.
CODE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def looks_like_code(text: str | None) -> bool:
    typed = (text or "").strip()
    short = normalize_code(typed)
    return bool(CODE.match(typed)) or (len(short) == CODE_LENGTH
                                       and set(short) <= set(CODE_ALPHABET)
                                       and len(typed) <= 2 * CODE_LENGTH)


def may_link(msg) -> bool:
    """Whether a stranger's message tries to link: /start with a code, a code typed, their
    phone number shared."""
    return bool((msg.command == "start" and msg.args.strip()) or looks_like_code(msg.text)
                or msg.contact_phone is not None)


def ask_to_link(turn: Turn) -> None:
    reply = turn.say("chat/stranger.j2")
    if turn.caps.contact:
        reply.ask_contact = turn.renderer.label("button.share_phone")


def start(turn: Turn) -> None:
    code = turn.msg.args.strip()
    if code:
        redeem(turn, code)
    elif turn.staff:
        turn.say("chat/welcome_back.j2", name=turn.staff[0].name)
    else:
        ask_to_link(turn)


def redeem(turn: Turn, code: str) -> None:
    msg = turn.msg
    since = turn.clock.now() - WRONG_CODE_WINDOW
    wrong = wrong_codes(turn.session, msg.channel, msg.user_id, since)
    if wrong >= WRONG_CODES:
        return  # told once already; silence until the window passes
    if not room_to_link(turn, code):
        return
    result = redeem_invite(turn.session, code, msg.channel, msg.user_id, msg.chat_id,
                           turn.clock)
    if result.outcome == "invalid":
        note_wrong_code(turn.session, msg.channel, msg.user_id, turn.clock)
        if wrong + 1 >= WRONG_CODES:
            turn.say("chat/link_locked.j2", hours=WRONG_CODE_WINDOW // timedelta(hours=1))
            return
    _answer(turn, result)


def contact(turn: Turn) -> None:
    msg = turn.msg
    result = link_by_contact(turn.session, msg.contact_phone or "", msg.contact_user_id,
                             msg.channel, msg.user_id, msg.chat_id, turn.clock)
    _answer(turn, result)


def _answer(turn: Turn, result: LinkResult) -> None:
    if result.outcome in ("linked", "already"):
        mark_reachable(turn.session, turn.msg.channel, turn.msg.user_id, turn.msg.bot,
                       turn.clock.now())
        if result.outcome == "linked":
            after_linking(turn, sorted({m.school_id for m in result.staff}))
    schools = [turn.session.get(School, m.school_id) for m in result.staff]
    reply = turn.say(f"chat/link_{result.outcome}.j2", staff=result.staff, schools=schools)
    if result.outcome in ("linked", "already"):
        reply.remove_keyboard = True
    elif result.outcome in ("no_match", "not_own") and turn.caps.contact:
        reply.ask_contact = turn.renderer.label("button.share_phone")


def help_text(turn: Turn) -> None:
    turn.say("chat/help.j2", commands=allowed_commands(scope_of(m) for m in turn.staff),
             board=any(is_board(m) for m in turn.staff))


COMMANDS = (Command(("start",), start), Command(("huongdan", "help"), help_text,
                                                words="command.huongdan"))
