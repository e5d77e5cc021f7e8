"""A district's schools side by side: how far each is with its plan, what is overdue, who
has gone silent, how many staff are linked, the last checkpoint held; and the same as a
spreadsheet, its words from templates/web/district_words.j2.

Every figure is read for all the schools at once, with a fixed number of grouped queries:
a district of a hundred schools costs the same seven queries as one school."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from core.text import fold_words
from reports.cells import append_text
from readers.timelines import DATED
from storage.outbox import silent_staff
from storage.models import (
    Account,
    Checkpoint,
    Plan,
    School,
    Staff,
    Task,
)
from templates.render import Renderer



@dataclass(frozen=True)
class Held:
    """The plan's last review moment whose day has come."""

    due_on: date
    when_text: str


@dataclass
class SchoolRow:
    school_id: int
    code: str
    name: str
    timezone: str
    plan_imported: datetime | None = None  # None: no plan yet
    tasks: int = 0  # the current plan's open tasks
    done: int = 0
    overdue: int = 0
    silent: int = 0
    staff: int = 0  # active staff
    linked: int = 0  # of them, those with a chat account
    checkpoint: Held | None = None

    @property
    def has_plan(self) -> bool:
        return self.plan_imported is not None

    @property
    def share(self) -> int:
        """Tasks done, in percent of the tasks planned (rounded as the dashboard does)."""
        return round(100 * self.done / self.tasks) if self.tasks else 0


def district_rows(session: Session, school_ids: Collection[int], now: datetime
                  ) -> list[SchoolRow]:
    """One row a school, by name. "Today" is each school's own, in its time zone."""
    if not school_ids:
        return []
    ids = list(school_ids)
    rows = {s.id: SchoolRow(s.id, s.code, s.name or s.code, s.timezone)
            for s in session.scalars(select(School).where(School.id.in_(ids)))}
    today = {i: now.astimezone(ZoneInfo(r.timezone)).date() for i, r in rows.items()}
    latest_day = max(today.values())
    current = (select(Plan.school_id, func.max(Plan.id).label("plan_id"))
               .where(Plan.school_id.in_(ids)).group_by(Plan.school_id).subquery())

    for school_id, imported_at in session.execute(
            select(Plan.school_id, Plan.imported_at).join(current, Plan.id == current.c.plan_id)):
        rows[school_id].plan_imported = imported_at

    for school_id, tasks, done in session.execute(
            select(Task.school_id, func.count(Task.id),
                   func.sum(case((Task.status == "done", 1), else_=0)))
            .join(current, Task.plan_id == current.c.plan_id)
            .where(Task.closed_at.is_(None)).group_by(Task.school_id)):
        rows[school_id].tasks, rows[school_id].done = tasks, int(done or 0)

    # Grouped by day too: each school's "today" is decided here, in its own time zone.
    for school_id, due_on, count in session.execute(
            select(Task.school_id, Task.due_on, func.count(Task.id))
            .join(current, Task.plan_id == current.c.plan_id)
            .where(Task.closed_at.is_(None), Task.schedule_kind.in_(DATED),
                   Task.due_on < latest_day,
                   or_(Task.status.is_(None), Task.status != "done"))
            .group_by(Task.school_id, Task.due_on)):
        if due_on < today[school_id]:
            rows[school_id].overdue += count

    linked = (select(Account.staff_id).where(Account.school_id.in_(ids)).distinct()
              .subquery())
    for school_id, staff, linked_staff in session.execute(
            select(Staff.school_id, func.count(Staff.id), func.count(linked.c.staff_id))
            .outerjoin(linked, linked.c.staff_id == Staff.id)
            .where(Staff.school_id.in_(ids), Staff.active).group_by(Staff.school_id)):
        rows[school_id].staff, rows[school_id].linked = staff, linked_staff

    school_of = dict(session.execute(select(Staff.id, Staff.school_id)
                                     .where(Staff.school_id.in_(ids))).all())
    for staff_id in silent_staff(session, ids, now + timedelta(microseconds=1)):
        rows[school_of[staff_id]].silent += 1

    for school_id, due_on, when_text in session.execute(
            select(Checkpoint.school_id, Checkpoint.due_on, Checkpoint.when_text)
            .join(current, Checkpoint.plan_id == current.c.plan_id)
            .where(Checkpoint.due_on <= latest_day)
            .order_by(Checkpoint.due_on, Checkpoint.position)):
        if due_on <= today[school_id]:
            rows[school_id].checkpoint = Held(due_on, when_text)

    return sort_rows(list(rows.values()), "name", descending=False)


# --- sorting -------------------------------------------------------------------------------

SORTS: dict[str, Callable[[SchoolRow], object]] = {
    "name": lambda r: fold_words(r.name),
    "plan": lambda r: (r.has_plan, r.plan_imported.timestamp() if r.plan_imported else 0),
    "share": lambda r: (r.tasks > 0, r.done / r.tasks if r.tasks else 0),
    "overdue": lambda r: r.overdue,
    "silent": lambda r: r.silent,
    "checkpoint": lambda r: (r.checkpoint is not None,
                             r.checkpoint.due_on if r.checkpoint else date.min),
}


def sort_rows(rows: list[SchoolRow], key: str, descending: bool) -> list[SchoolRow]:
    """By `key` (one of SORTS); schools that tie stay by name, whichever the direction. A
    school with no plan, no task or no checkpoint yet comes before every other one."""
    by_name = sorted(rows, key=lambda r: (fold_words(r.name), r.code))
    return sorted(by_name, key=SORTS[key], reverse=descending)


# --- the spreadsheet -----------------------------------------------------------------------

COLUMNS = ("code", "name", "plan", "plan_on", "tasks", "done", "share", "overdue", "silent",
           "staff", "linked", "checkpoint_on", "checkpoint")
WIDTHS = (12, 36, 11, 12, 11, 11, 11, 9, 12, 9, 11, 12, 36)
DAY = "DD/MM/YYYY"


def district_xlsx(rows: list[SchoolRow], district_name: str, renderer: Renderer) -> bytes:
    """A title line, a bold header, one line a school; the share as a percent cell and the
    days as date cells, so the sheet sorts and sums as figures."""
    words = renderer.pairs("web/district_words.j2")
    book = Workbook()
    sheet = book.active
    sheet.title = words["sheet"]
    append_text(sheet, [renderer.text("web/district_xlsx_title.j2", district=district_name)])
    sheet.append([words[f"column.{c}"] for c in COLUMNS])
    for cell in (*sheet[1], *sheet[2]):
        cell.font = Font(bold=True)
    for row in rows:
        append_text(sheet, _cells(row, words))  # a school named "=…" stays a name
        line = sheet[sheet.max_row]
        line[COLUMNS.index("share")].number_format = "0%"
        for column in ("plan_on", "checkpoint_on"):
            line[COLUMNS.index(column)].number_format = DAY
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "C3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(row: SchoolRow, words: dict[str, str]) -> list:
    plan_on = (row.plan_imported.astimezone(ZoneInfo(row.timezone)).date()
               if row.plan_imported else None)
    return [row.code, row.name, words["plan.yes" if row.has_plan else "plan.no"], plan_on,
            row.tasks, row.done, row.done / row.tasks if row.tasks else None, row.overdue,
            row.silent, row.staff, row.linked,
            row.checkpoint.due_on if row.checkpoint else None,
            row.checkpoint.when_text if row.checkpoint else None]
