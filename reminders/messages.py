"""A due reminder as the message a person reads (templates/reminders/) and its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from templates.render import Renderer
from reminders.planner import Due, SchoolState
from storage.models import Staff, Task

SNOOZE_DAYS = (1, 3, 7)


@dataclass(frozen=True)
class Item:
    """One task as a reminder lists it."""

    criterion: object
    text: str
    status: str | None
    due: date | None
    days_left: int | None


def compose(renderer: Renderer, session: Session, state: SchoolState, due: Due,
            message_id: int) -> dict:
    """{"text": …, "buttons": [[[label, data], …], …]} for the outbox row `message_id`."""
    staff = session.get(Staff, due.staff_id)
    at_day = due.at.astimezone(state.tz).date()
    items = _items(session, state, due.task_ids, at_day)
    context = {"given_name": staff.name.split()[-1], "tasks": items}
    kind, period = due.kind, due.period
    if kind == "nudge":
        kind_of_source, _, rest = period.partition(":")
        context.update(source_kind=kind_of_source, month=_month(rest.split("@")[0]))
    elif kind == "monthly":
        context.update(month=_month(period))
    elif kind == "term_review":
        review = next(r for r in state.reviews if period.endswith(f":{r.label}"))
        context.update(ends_on=review.ends_on, review=renderer.text(
            "reminders/review_names.j2", label=review.label))
    text = renderer.text(f"reminders/{kind}.j2", **context)
    start = "button.review_now" if kind == "term_review" else "button.update_now"
    buttons = [[[renderer.label(start), f"r:{message_id}"]]]
    if kind != "deadline":
        buttons.append([[renderer.label(f"button.snooze_{days}"), f"z:{message_id}:{days}"]
                        for days in SNOOZE_DAYS])
    return {"text": text, "buttons": buttons}


def _items(session: Session, state: SchoolState, task_ids: tuple[int, ...],
           today: date) -> list[Item]:
    due_of = {t.id: t.schedule.due for t in state.tasks}
    tasks = {t.id: t for t in session.scalars(
        select(Task).where(Task.id.in_(task_ids)).options(selectinload(Task.criterion)))}
    items = []
    for task_id in task_ids:
        task = tasks[task_id]
        due = due_of.get(task_id)
        items.append(Item(task.criterion, task.text, task.status, due,
                          (due - today).days if due else None))
    return items


def _month(period: str) -> str:
    """'2023-10' → '10/2023'."""
    year, _, month = period.partition("-")
    return f"{int(month)}/{year}" if month.isdigit() else period
