"""A message as a person reads it (templates/reminders/message.j2): everything due to them
that day in one text — their late tasks, the ones close to their deadline, the review's,
the month's, the follow-up's (each task once), the tasks they should chase, who stays
silent, and for the board the weekly digest with its chart — and one set of buttons."""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.messages import Button, Reply, reply_to_body
from reminders.planner import CHECKINS, Item, Message, SchoolState
from reports.charts import progress_chart
from reports.digest_data import digest_data
from storage.models import School, Staff, Task
from templates.render import Renderer

SNOOZE_DAYS = (1, 3, 7)
# The sections of a message, in the order they are read; a task is listed in the first
# that has it.
SECTIONS = ("overdue", "deadline", "term_review", "monthly", "nudge")


@dataclass(frozen=True)
class Line:
    """One task as a message lists it."""

    code: str
    text: str
    status: str | None
    due: date | None
    days: int | None  # left before the deadline, or past it
    owners: tuple[str, ...] = ()


def compose(renderer: Renderer, session: Session, state: SchoolState, school: School,
            message: Message, row_id: int, digests: dict | None = None) -> dict:
    """{"text", "buttons"[, "photo", "caption"]} for the outbox row `row_id`. `digests` keeps
    the day's digest, text and chart, for the next recipient of it."""
    today = message.at.date()
    tasks = _tasks(session, [t for i in message.items for t in i.task_ids])
    sections, listed = [], set()
    for kind in SECTIONS:
        for item in (i for i in message.items if i.kind == kind):
            lines = [_line(tasks[t], state, today) for t in item.task_ids
                     if t in tasks and t not in listed]
            listed.update(item.task_ids)
            if lines:
                sections.append({"kind": kind, "lines": lines, **_about(renderer, state,
                                                                          item)})
    chase = [_line(tasks[i.task_ids[0]], state, today, owners=True)
             for i in message.items if i.kind == "chase" and i.task_ids[0] in tasks]
    names = {s.id: s.name for s in session.scalars(select(Staff).where(
        Staff.id.in_({n for i in message.items for n in i.names})))}
    silent = sorted(names[n] for i in message.items if i.kind == "silent" for n in i.names
                    if n in names)
    digest = None
    if any(i.kind == "digest" for i in message.items):
        digests = {} if digests is None else digests
        if today not in digests:
            digests[today] = _digest(renderer, session, school, today)
        digest = digests[today]
    recipient = session.get(Staff, message.staff_id) if message.staff_id else None
    text = renderer.text(
        "reminders/message.j2", kind=message.kind, sections=sections, chase=chase,
        silent=silent, silent_after=state.calendar.silent_after,
        digest=_digest_text(renderer, digest["data"], recipient) if digest else None,
        given_name=recipient.name.split()[-1] if recipient else None)
    body = reply_to_body(Reply(text.strip(), _buttons(renderer, message, sections, row_id)))
    if digest and digest["photo"]:
        body.update(photo=digest["photo"], caption=digest["caption"])
    return body


def _digest(renderer: Renderer, session: Session, school: School, today: date) -> dict | None:
    digest = digest_data(session, school, today)
    if digest is None:
        return None
    return {"data": digest,
            "photo": base64.b64encode(progress_chart(digest, renderer)).decode(),
            "caption": renderer.text("reports/digest_chart_caption.j2")}


def _digest_text(renderer: Renderer, digest, recipient: Staff | None) -> str:
    """The digest as its reader reads it: the silence list does not name the reader."""
    if recipient is not None:
        digest = replace(digest, silent=[n for n in digest.silent if n != recipient.name])
    return renderer.text("reports/digest.j2", digest=digest)


def _buttons(renderer: Renderer, message: Message, sections: list[dict],
             row_id: int) -> list[list[Button]]:
    if not sections:
        return []
    start = "button.review_now" if message.kind == "term_review" else "button.update_now"
    buttons = [[Button(renderer.label(start), f"r:{row_id}")]]
    if any(s["kind"] in (*CHECKINS, "nudge") for s in sections):
        buttons.append([Button(renderer.label(f"button.snooze_{days}"), f"z:{row_id}:{days}")
                        for days in SNOOZE_DAYS])
    return buttons


def _about(renderer: Renderer, state: SchoolState, item: Item) -> dict:
    """What a section's heading says: the month, the review and its end."""
    if item.kind == "monthly":
        return {"month": _month(item.period)}
    if item.kind == "term_review":
        review = next(r for r in state.reviews if item.period.endswith(f":{r.label}"))
        return {"ends_on": review.ends_on,
                "review": renderer.text("reminders/review_names.j2", label=review.label)}
    if item.kind == "nudge":
        source = item.key.removeprefix("nudge:").split(":")[0]
        return {"source": source, "month": _month(item.period)}
    return {}


def _line(task: Task, state: SchoolState, today: date, owners: bool = False) -> Line:
    info = state.by_id.get(task.id)
    due = info.schedule.due if info else task.due_on
    return Line(task.criterion.code, task.text, task.status, due,
                (due - today).days if due else None,
                tuple(o.staff.name for o in task.owners) if owners else ())


def _tasks(session: Session, task_ids: list[int]) -> dict[int, Task]:
    return {t.id: t for t in session.scalars(
        select(Task).where(Task.id.in_(set(task_ids)))
        .options(selectinload(Task.criterion), selectinload(Task.owners)))}


def _month(period: str) -> str:
    """'2023-10' → '10/2023'."""
    year, _, month = period.partition("-")
    return f"{int(month)}/{year}" if month.isdigit() else period
