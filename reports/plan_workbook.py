"""The plan as a spreadsheet in the plan template's columns, one row per task, under title
rows naming the school, the school year, the circular and the level: what `plan export`
writes and what the principal downloads from the chat preview to correct. It reads back
(readers/plan_sheet.py) as the same plan."""

from __future__ import annotations

from collections import defaultdict
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from reports.cells import append_text
from reports.plan_template import FIELDS, format_plan_sheet, plan_headers
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.text import clean
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from storage.models import Criterion, Plan, School, Task
from storage.plans import current_plan
from templates.render import Renderer

SCHOOL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="595959")


def plan_workbook(draft: PlanDraft, renderer: Renderer) -> bytes:
    words = renderer.pairs("reports/plan_workbook_words.j2")
    book = Workbook()
    sheet = book.active
    sheet.title = words["sheet"]
    if draft.school:
        _title_row(sheet, draft.school, SCHOOL_FONT)
    lines = renderer.text("reports/plan_workbook_title.j2", **_meta(draft)).splitlines()
    title, *meta = [line for line in lines if line.strip()]
    _title_row(sheet, title, TITLE_FONT)
    for line in meta:
        _title_row(sheet, line, Font())
    _title_row(sheet, words["note"], NOTE_FONT)
    sheet.append([])
    sheet.append(plan_headers(renderer))
    header_row = sheet.max_row
    for row in _rows(draft):
        append_text(sheet, row)
    format_plan_sheet(sheet, header_row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _title_row(sheet: Worksheet, text: str, font: Font) -> None:
    append_text(sheet, [clean(text)])
    sheet.cell(sheet.max_row, 1).font = font


def _rows(draft: PlanDraft) -> list[list[str | None]]:
    """One row per task, in the template's columns, each cell on one line: the reader takes
    lines starting with «-», «+» or a number in a task cell for separate tasks. A criterion
    without tasks still has its row, so that its target survives the trip."""
    rows = []
    for criterion in draft.criteria:
        for task in criterion.tasks or [TaskDraft(text="")]:
            values = {"criterion": criterion.id, "title": criterion.title,
                      "target": criterion.target, "task": task.text,
                      "owners": task.owners_text or ", ".join(task.owners),
                      "output": task.output, "timeline": task.timeline,
                      "support": task.support, "note": task.note}
            rows.append([clean(values[field]) or None for field in FIELDS])
    return rows


def stored_plan(session: Session, school: School) -> PlanDraft | None:
    """The school's current plan as a draft: its open tasks, under the criteria that have
    some or never had any (a target with nothing planned yet)."""
    plan = current_plan(session, school.id)
    if plan is None:
        return None
    draft = PlanDraft(school=school.name, framework=plan.framework, level=plan.level,
                      school_year=plan.school_year)
    for criterion, kept in stored_criteria(session, plan):
        draft.criteria.append(CriterionDraft(
            id=criterion.code, title=criterion.title, target=criterion.target,
            tasks=[_task_draft(t) for t in kept], assessed_level=criterion.assessed_level))
    return draft


def stored_criteria(session: Session, plan: Plan) -> list[tuple[Criterion, list[Task]]]:
    """The plan's criteria in order, each with its open tasks in order. A criterion whose
    tasks were all closed was left out of the plan when it was imported again."""
    tasks = defaultdict(list)
    for task in session.scalars(select(Task).where(Task.plan_id == plan.id)
                                .order_by(Task.position, Task.id)):
        tasks[task.criterion_id].append(task)
    found = []
    for criterion in session.scalars(select(Criterion).where(Criterion.plan_id == plan.id)
                                     .order_by(Criterion.position, Criterion.id)):
        kept = [t for t in tasks[criterion.id] if t.closed_at is None]
        if tasks[criterion.id] and not kept:
            continue
        found.append((criterion, kept))
    return found


def _task_draft(task: Task) -> TaskDraft:
    return TaskDraft(text=task.text, owners=list(task.owner_phrases or []),
                     owners_text=task.owners_text, output=task.output,
                     timeline=task.timeline, support=task.support, note=task.note)


def _meta(draft: PlanDraft) -> dict[str, str | None]:
    """What the title rows say; the circular by its number, «18/2018»."""
    return {"school_year": draft.school_year, "level": draft.level,
            "circular": (draft.framework or "").removeprefix("TT") or None}


