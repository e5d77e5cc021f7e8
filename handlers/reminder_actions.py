"""The buttons on a reminder: "update now" walks through the tasks it lists, one after
another; "remind me later" moves its follow-up to a later day."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers import update_flow
from handlers.dialogue import Callback
from handlers.turn import Turn
from storage.models import OutboxMessage, ReminderSnooze, School
from storage.outbox import pending_tasks
from storage.schools import school_calendar

SNOOZE_DAYS = (1, 3, 7)
START = Callback("r", "message_id:int")
SNOOZE = Callback("z", "message_id:int", "days:int")


def start(turn: Turn) -> None:
    if turn.conversation.flow == update_flow.FLOW:
        turn.say("chat/already_updating.j2")
        return
    message = _mine(turn, START.unpack(turn.msg.choice)["message_id"])
    if message is None:
        return
    tasks = pending_tasks(turn.session, message, turn.staff_ids)
    if not tasks:
        turn.say("chat/reminder_all_done.j2")
        return
    context = {"reminder": message.id}
    review = next((i.get("period", "") for i in message.items or []
                   if i.get("kind") == "term_review"), None)
    if review is None and message.kind == "term_review":  # a row from before schema 0013
        review = message.period
    if review:
        context["review"] = review.rpartition(":")[2]
    update_flow.begin_task(turn, tasks[0].id, context)


def snooze(turn: Turn) -> None:
    chosen = SNOOZE.unpack(turn.msg.choice)
    message = _mine(turn, chosen["message_id"])
    if message is None:
        return
    if chosen["days"] not in SNOOZE_DAYS:
        turn.say("chat/stale_button.j2")
        return
    school = turn.session.get(School, message.school_id)
    cal, tz = school_calendar(school), ZoneInfo(school.timezone)
    today = turn.clock.now().astimezone(tz).date()
    until = cal.next_allowed(datetime.combine(today + timedelta(days=chosen["days"]),
                                              cal.send_time, tzinfo=tz))
    turn.session.add(ReminderSnooze(school_id=school.id, staff_id=message.staff_id,
                                    source_key=message.source_key or message.key,
                                    until=until, created_at=turn.clock.now()))
    turn.say("chat/snoozed.j2", until=until)


def _mine(turn: Turn, message_id: int) -> OutboxMessage | None:
    message = turn.session.get(OutboxMessage, message_id)
    if message is None or message.staff_id not in turn.staff_ids:
        turn.say("chat/stale_button.j2")
        return None
    return message


BUTTONS = ((START, start), (SNOOZE, snooze))
