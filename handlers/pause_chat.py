"""/tamdung: the board pauses reminders for someone on leave, until a day, or resumes them."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from core.dates import parse_day_from
from core.messages import Button
from handlers.dialogue import CHOICE, TEXT, Callback, Dialogue, Step
from handlers.turn import Turn
from storage.access import may, scope_of
from storage.conversations import save_step
from storage.models import School, Staff
from core.phones import normalize_phone
from storage.staff_repo import active_staff, set_pause
from core.text import fold_words

FLOW = "pause"
PERSON = Callback("pause", "action", "staff_id:int")  # pause:pick:N, pause:resume:N
MAX_CHOICES = 8


def begin(turn: Turn) -> None:
    member = next((m for m in turn.staff if may(scope_of(m), "tamdung")), None)
    if member is None:
        turn.say("chat/board_only.j2")
        return
    paused = [s for s in active_staff(turn.session, member.school_id)
              if s.paused_until and s.paused_until >= _today(turn, member.school_id)]
    save_step(turn.conversation, FLOW, "who", {"school_id": member.school_id}, turn.clock)
    buttons = [[Button(turn.renderer.text("chat/pause_resume_button.j2", member=s),
                       PERSON.pack("resume", s.id))] for s in paused]
    turn.say("chat/pause_ask_who.j2", buttons, paused=paused)


def answer(turn: Turn) -> None:
    step, data = turn.conversation.step, turn.conversation.data
    chosen = PERSON.unpack(turn.msg.choice)
    if chosen is not None:
        member = _member(turn, chosen["staff_id"])
        action = chosen["action"]
        if member is None or action not in ("resume", "pick"):
            turn.say("chat/stale_button.j2")
        elif action == "resume":
            _pause(turn, member, None)
            save_step(turn.conversation, None, None, {}, turn.clock)
            turn.say("chat/pause_resumed.j2", member=member)
        else:
            _ask_until(turn, member)
        return
    if step == "who":
        _who(turn, data["school_id"])
    else:
        _until(turn)


def prompt(turn: Turn) -> None:
    data = turn.conversation.data
    if turn.conversation.step == "until":
        turn.say("chat/pause_ask_until.j2", member=turn.session.get(Staff, data["staff_id"]))
    else:
        turn.say("chat/pause_ask_who.j2", paused=[])


def cancel(turn: Turn) -> None:
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/pause_cancelled.j2")


def _who(turn: Turn, school_id: int) -> None:
    said = turn.msg.text or ""
    phone = normalize_phone(said)
    words = fold_words(said)
    found = [m for m in active_staff(turn.session, school_id)
             if (phone and m.phone_norm == phone)
             or (words and (fold_words(m.name) == words
                            or f" {words}" in f" {fold_words(m.name)}"))]
    exact = [m for m in found if fold_words(m.name) == words]
    found = exact or found
    if len(found) == 1:
        _ask_until(turn, found[0])
    elif found and len(found) <= MAX_CHOICES:
        turn.say("chat/pause_pick.j2", [[Button(m.name, PERSON.pack("pick", m.id))]
                                        for m in found])
    else:
        turn.say("chat/pause_not_found.j2", said=said, many=bool(found))


def _ask_until(turn: Turn, member: Staff) -> None:
    save_step(turn.conversation, FLOW, "until",
              {"school_id": member.school_id, "staff_id": member.id}, turn.clock)
    turn.say("chat/pause_ask_until.j2", member=member)


def _until(turn: Turn) -> None:
    data = turn.conversation.data
    member = turn.session.get(Staff, data["staff_id"])
    today = _today(turn, member.school_id)
    try:
        until = parse_day_from(turn.msg.text or "", today)
    except ValueError:
        until = None
    if until is None or until < today:
        turn.say("chat/pause_retry_until.j2")
        return
    _pause(turn, member, until)
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/pause_saved.j2", member=member)


def _pause(turn: Turn, member: Staff, until: date | None) -> None:
    """The board member writing is the one who pauses (or resumes) `member`."""
    set_pause(turn.session, member, until, turn.clock.now(), turn.msg.channel,
              turn.staff_in(member.school_id).id)


def _member(turn: Turn, staff_id: int) -> Staff | None:
    member = turn.session.get(Staff, staff_id)
    if member is None or member.school_id != turn.conversation.data.get("school_id"):
        return None
    return member


def _today(turn: Turn, school_id: int) -> date:
    school = turn.session.get(School, school_id)
    return turn.clock.now().astimezone(ZoneInfo(school.timezone)).date()


DIALOGUE = Dialogue(
    flow=FLOW,
    commands=("tamdung",),
    begin=begin,
    cancel=cancel,
    steps=(Step("who", prompt, answer, frozenset({TEXT, CHOICE}), (PERSON,)),
           Step("until", prompt, answer, frozenset({TEXT, CHOICE}), (PERSON,))),
)
