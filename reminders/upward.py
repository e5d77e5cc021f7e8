"""Messages upward, computed each tick like the reminders and written to the same outbox:
the weekly digest (text and chart) to the board and its group chat, and the overdue
ladder — the owner, then their group leader, the monitoring team, the principal, each
step once and again weekly while the task stays late."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from templates.render import Renderer
from core.calendar import SchoolCalendar
from reports.charts import progress_chart
from reports.digest_data import digest_data
from storage.models import OutboxMessage, OverdueAlert, School, Staff, Task, TaskUpdate
from storage.outbox import PENDING, add_message
from readers.owners import BOARD, MONITOR, staff_roles
from storage.plans import current_plan
from reminders.state import Address
from storage.staff_repo import active_staff
from core.text import fold_words
from readers.timelines import DATED, school_year_start

STEPS = ("owner", "leader", "monitor", "principal")


@dataclass(frozen=True)
class Alert:
    task: Task
    step: int
    week: int
    days: int


def enqueue_upward(session: Session, school: School, renderer: Renderer, now: datetime,
                   since: datetime, reach: dict[int, Address], cal: SchoolCalendar) -> int:
    """How many messages were queued."""
    tz = ZoneInfo(school.timezone)
    return (_digest(session, school, renderer, now, since, reach, cal, tz)
            + _overdue(session, school, renderer, now, since, reach, cal, tz)
            + _silent(session, school, renderer, now, since, reach, cal, tz))


# --- the weekly digest -------------------------------------------------------------------

def _digest(session: Session, school: School, renderer: Renderer, now: datetime,
            since: datetime, reach: dict[int, Address], cal: SchoolCalendar,
            tz: ZoneInfo) -> int:
    plan = current_plan(session, school.id)
    first = school_year_start(plan.school_year) if plan else None
    local_now = now.astimezone(tz)
    day = local_now.date() - timedelta(days=local_now.weekday() - cal.digest_day)
    at = cal.next_allowed(datetime.combine(day, cal.digest_time, tzinfo=tz))
    if (first is None or not cal.start(first) <= day <= cal.end(first) + timedelta(days=7)
            or at > local_now or at < since
            or local_now - at > timedelta(hours=cal.grace_hours)):
        return 0
    week = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
    to = [(m.id, reach[m.id]) for m in active_staff(session, school.id)
          if staff_roles(m) & BOARD and m.id in reach]
    if school.board_chat_id:
        to.append((None, Address(school.board_channel, school.board_chat_id,
                                         school.board_bot)))
    known = set(session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.school_id == school.id, OutboxMessage.period == week)))
    # Keys are unique across the deployment: the board group's carries the school.
    recipient = {staff_id: staff_id or f"group{school.id}" for staff_id, _ in to}
    to = [(staff_id, address) for staff_id, address in to
          if f"digest:{week}:{recipient[staff_id]}" not in known]
    if not to:
        return 0
    digest = digest_data(session, school, local_now.date())
    bodies = {"digest": {"text": renderer.text("reports/digest.j2", digest=digest)},
              "chart": {"text": renderer.text("reports/digest_chart_caption.j2"),
                        "photo": base64.b64encode(progress_chart(digest, renderer)).decode()}}
    queued = 0
    for staff_id, address in to:
        for kind, body in bodies.items():
            queued += add_message(session, _row(school, f"{kind}:{week}:{recipient[staff_id]}",
                                                kind, week, staff_id, address,
                                                at.astimezone(timezone.utc), now, body))
    return queued


# --- the overdue ladder ------------------------------------------------------------------

def _overdue(session: Session, school: School, renderer: Renderer, now: datetime,
             since: datetime, reach: dict[int, Address], cal: SchoolCalendar,
             tz: ZoneInfo) -> int:
    at = _daily_look(now, since, cal, tz)
    if at is None:
        return 0
    today = at.date()
    staff = active_staff(session, school.id)
    by_person: dict[int, list[Alert]] = {}
    for alert, staff_ids in _ladder(session, school.id, today, cal, staff):
        for staff_id in staff_ids:
            by_person.setdefault(staff_id, []).append(alert)
    said = set(session.execute(select(
        OverdueAlert.task_id, OverdueAlert.step, OverdueAlert.week, OverdueAlert.staff_id)
        .where(OverdueAlert.school_id == school.id)).all())
    queued = 0
    for staff_id, alerts in by_person.items():
        fresh = [a for a in alerts if (a.task.id, a.step, a.week, staff_id) not in said]
        if not fresh or staff_id not in reach:
            continue
        mine = [a.task.id for a in fresh if a.step == 0]
        row = _row(school, f"overdue:{today.isoformat()}:{staff_id}", "overdue",
                   today.isoformat(), staff_id, reach[staff_id], at.astimezone(timezone.utc),
                   now, {}, task_ids=sorted(set(mine)))
        if not add_message(session, row):
            continue
        row.body = _overdue_body(renderer, row.id, fresh, mine)
        for alert in fresh:
            session.add(OverdueAlert(school_id=school.id, task_id=alert.task.id,
                                     step=alert.step, week=alert.week, staff_id=staff_id,
                                     outbox_id=row.id, created_at=now))
        queued += 1
    return queued


def _silent(session: Session, school: School, renderer: Renderer, now: datetime,
            since: datetime, reach: dict[int, Address], cal: SchoolCalendar,
            tz: ZoneInfo) -> int:
    """Once a week, the monitoring team hears who let their last N check-ins go unanswered."""
    at = _daily_look(now, since, cal, tz)
    if at is None or not cal.silent_after:
        return 0
    today = at.date()
    checkins: dict[int, list[OutboxMessage]] = {}
    for message in session.scalars(select(OutboxMessage).where(
            OutboxMessage.school_id == school.id, OutboxMessage.status == "sent",
            OutboxMessage.kind.in_(("monthly", "term_review")))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)):
        checkins.setdefault(message.staff_id, []).append(message)
    answered = {(a, t): when for a, t, when in session.execute(
        select(TaskUpdate.author_id, TaskUpdate.task_id, func.max(TaskUpdate.created_at))
        .where(TaskUpdate.school_id == school.id)
        .group_by(TaskUpdate.author_id, TaskUpdate.task_id))}
    staff = active_staff(session, school.id)
    names = {m.id: m.name for m in staff}
    silent = sorted(names[staff_id] for staff_id, sent in checkins.items()
                    if staff_id in names and len(sent) >= cal.silent_after
                    and not any(answered.get((staff_id, t), _NEVER) >= m.due_at
                                for m in sent[-cal.silent_after:] for t in m.task_ids))
    if not silent:
        return 0
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    text = renderer.text("reminders/silent.j2", names=silent, count=cal.silent_after)
    queued = 0
    for staff_id in sorted(_step_people(2, [], staff)):
        if staff_id in reach:
            queued += add_message(session, _row(
                school, f"silent:{week}:{staff_id}", "silent", week, staff_id,
                reach[staff_id], at.astimezone(timezone.utc), now, {"text": text}))
    return queued


_NEVER = datetime.min.replace(tzinfo=timezone.utc)


def _daily_look(now: datetime, since: datetime, cal: SchoolCalendar,
                tz: ZoneInfo) -> datetime | None:
    """Today's moment for the daily look at what is late, once it has come; None on rest
    days and holidays, and before the plan was there."""
    local_now = now.astimezone(tz)
    at = datetime.combine(local_now.date(), cal.alert_time, tzinfo=tz)
    if local_now < at or at < since or not cal.allowed_day(local_now.date()):
        return None
    return at


def _ladder(session: Session, school_id: int, today: date, cal: SchoolCalendar,
            staff: list[Staff]):
    """(alert, who hears it) for each step each late task has reached."""
    late = session.scalars(select(Task).where(
        Task.school_id == school_id, Task.closed_at.is_(None), Task.due_on < today,
        Task.schedule_kind.in_(DATED), (Task.status.is_(None)) | (Task.status != "done"))
        .options(selectinload(Task.owners), selectinload(Task.criterion)))
    for task in late:
        days = (today - task.due_on).days
        owners = [o.staff for o in task.owners if o.staff.active]
        for step in range(len(STEPS)):
            start = 1 + step * cal.escalate_days
            if days < start:
                break
            who = _step_people(step, owners, staff)
            if who:
                yield Alert(task, step, (days - start) // 7, days), sorted(who)


def _step_people(step: int, owners: list[Staff], staff: list[Staff]) -> set[int]:
    owner_ids = {o.id for o in owners}
    if step == 0:
        return owner_ids
    if step == 1:
        groups = {fold_words(o.group) for o in owners if o.group}
        return {m.id for m in staff if "TTCM" in staff_roles(m)
                and fold_words(m.group or "") in groups} - owner_ids
    board = {m.id for m in staff if staff_roles(m) & BOARD}
    if step == 2:
        return {m.id for m in staff if MONITOR in staff_roles(m)} or board
    return {m.id for m in staff if "HT" in staff_roles(m)} or board


def _overdue_body(renderer: Renderer, message_id: int, alerts: list[Alert],
                  mine: list[int]) -> dict:
    items = [{"code": a.task.criterion.code, "text": a.task.text, "due": a.task.due_on,
              "days": a.days, "mine": a.step == 0,
              "owners": [o.staff.name for o in a.task.owners]} for a in alerts]
    text = renderer.text("reminders/overdue.j2", items=items)
    buttons = [[[renderer.label("button.update_now"), f"r:{message_id}"]]] if mine else []
    return {"text": text, "buttons": buttons}


def _row(school: School, key: str, kind: str, period: str, staff_id: int | None,
         address: Address, at: datetime, now: datetime, body: dict,
         task_ids: list[int] | None = None) -> OutboxMessage:
    return OutboxMessage(school_id=school.id, key=key, kind=kind, period=period,
                         staff_id=staff_id, channel=address.channel, chat_id=address.chat_id,
                         bot=address.bot,
                         due_at=at, not_before=max(at, now), status=PENDING,
                         task_ids=task_ids or [], criteria=[], body=body, attempts=0,
                         created_at=now)
