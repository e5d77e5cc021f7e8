"""`caitien reminders preview`: every scheduled message the school's people will receive —
check-ins, countdowns, reviews, follow-ups, overdue alerts with their rungs, digests,
silence alerts — when and to whom, by the same planner the scheduler uses, lived day by day
under one of two stated assumptions: everyone answers the day a message arrives
(`answers`), or nobody answers (`silent`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from readers.frameworks import criterion_sort_key
from reminders.planner import GROUP, Answer, Mailer, Message
from reminders.state import addresses, load_history, load_state, quiet_until
from storage.models import School, Staff

ASSUMPTIONS = ("answers", "silent")
ANSWER_AFTER = timedelta(hours=1)  # an answering person answers within the hour


@dataclass
class Preview:
    assume: str
    budget: int = 0
    lines: list[dict] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)  # people who would get some, unlinked
    # person → month ("2026-11") → messages
    counts: dict[str, Counter] = field(default_factory=dict)

    @property
    def months(self) -> list[str]:
        return sorted({m for c in self.counts.values() for m in c})


def preview(session: Session, school: School, start: datetime, end: datetime,
            assume: str = "silent") -> Preview:
    """Owners who have not linked an account are in it too, marked: a principal sees the
    year's rhythm before inviting anyone (the scheduler itself waits for them)."""
    if assume not in ASSUMPTIONS:
        raise ValueError(assume)
    state = load_state(session, school, start)
    result = Preview(assume)
    if state is None:
        return result
    result.budget = state.calendar.budget
    # A window before the plan's import is previewed as if the plan had been there then.
    state.since = min(state.since, start) if state.since else None
    history = load_history(session, school.id, start, state.tz)
    reach = addresses(session, school.id)
    names = dict(session.execute(select(Staff.id, Staff.name)
                                 .where(Staff.school_id == school.id)).all())
    mailer = Mailer(state, history)
    codes = {t.id: t.code for t in state.tasks}
    day, last = start.astimezone(state.tz).date(), end.astimezone(state.tz).date()
    while day < last:
        for message in mailer.day(day):
            if message.at < start:
                continue
            history.record(message)
            result.lines.append(_line(message, codes, names, reach))
            if assume == "answers" and message.staff_id is not GROUP:
                _answer(state, message)
        day += timedelta(days=1)
    for line in result.lines:
        if line["to"] is not None:
            result.counts.setdefault(line["to"], Counter())[line["at"][:7]] += 1
    result.unlinked = sorted({line["to"] for line in result.lines if not line["linked"]})
    return result


def _line(message: Message, codes: dict[int, str], names: dict[int, str], reach) -> dict:
    return {
        "at": message.at.isoformat(),
        "to": names.get(message.staff_id, "") if message.staff_id is not GROUP else None,
        "kinds": sorted({i.kind for i in message.items},
                        key=lambda k: [i.kind for i in message.items].index(k)),
        "rungs": sorted({i.rung for i in message.items if i.rung is not None}),
        "criteria": sorted({codes[t] for i in message.items for t in i.task_ids
                            if t in codes}, key=criterion_sort_key),
        "linked": message.staff_id is GROUP or message.staff_id in reach,
    }


def _answer(state, message: Message) -> None:
    """The person answers every task the message asks about, the same day: a late task
    «Chậm tiến độ» with a reason, which quiets its alerts."""
    at = message.at + ANSWER_AFTER
    for task_id in message.task_ids:
        state.answer(message.staff_id, task_id, at)
        task = state.by_id.get(task_id)
        due = task.schedule.due if task else None
        if due is not None and due < at.date():
            state.owner_answers[task_id] = Answer(at, quiet_until(at.date(), "",
                                                                   state.calendar))
