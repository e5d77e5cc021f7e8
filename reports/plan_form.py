"""The stored plan in the ministry's form, a Word document the principal signs: the 57/2026
Biểu 2 (templates/reports/ke-hoach-57-2026.docx: sections I–VIII, the improvement table, the
monitoring table with the review moments' results) or, for a plan under the 2018 circulars,
the 9-column table schools used (ke-hoach-2018.docx). What the plan does not hold is left
marked for the principal to write. Its tables read back through readers/plan_files.py as
the same plan (tests/reports/test_plan_form.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from itertools import groupby
from zoneinfo import ZoneInfo

from docxtpl import DocxTemplate, Listing
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.text import clean_lines
from readers.frameworks import frameworks
from readers.plan_draft import PlanDraft
from reports.plan_workbook import stored_criteria, stored_plan
from reports.report_data import MonitoringLine, principal_name, short_name
from reports.report_files import heading_date
from storage.models import Checkpoint, Plan, School, Task, TaskUpdate
from storage.plans import current_plan
from templates.render import Renderer

FORM_2026 = "reports/ke-hoach-57-2026.docx"
FORM_2018 = "reports/ke-hoach-2018.docx"


@dataclass
class PlanForm:
    draft: PlanDraft  # the criteria and open tasks, as stored
    school_code: str
    principal: str | None
    made_on: date
    statuses: list[str | None]  # each task's status, in the draft's order; None: no answer
    checkpoints: list[MonitoringLine]


def stored_plan_form(session: Session, school: School, today: date) -> PlanForm | None:
    plan = current_plan(session, school.id)
    if plan is None:
        return None
    criteria = stored_criteria(session, plan)
    tasks = [task for _, kept in criteria for task in kept]
    return PlanForm(stored_plan(session, school), school.code,
                    principal_name(session, school.id), today,
                    [task.status for task in tasks],
                    _checkpoints(session, school, plan, tasks, today))


def document_plan_form(draft: PlanDraft, today: date) -> PlanForm:
    """The form of a plan as read from a document, before it is stored: nobody has answered
    yet and no review moment has come."""
    return PlanForm(draft, "", None, today, [None] * draft.task_count,
                    [MonitoringLine(c.when, c.content or "", c.reviewer or "", False, 0,
                                    draft.task_count, 0) for c in draft.checkpoints])


def plan_form_docx(form: PlanForm, renderer: Renderer) -> bytes:
    draft = form.draft
    words = renderer.pairs("reports/plan_form_words.j2")
    new_form = draft.framework == "TT57/2026" or draft.framework is None
    document = DocxTemplate(renderer.file(FORM_2026 if new_form else FORM_2018))
    rows = _task_rows(form, words, renderer)
    context = {
        "authority": words["authority"], "school": draft.school or form.school_code,
        "school_year": draft.school_year or "",
        "level": words.get(f"level_{draft.level}", ""),
        "basis": words.get(f"basis_{draft.framework}", ""),
        "number_code": short_name(draft.school, form.school_code),
        "principal": form.principal, **heading_date(form.made_on),
        "checkpoints": [_checkpoint_cells(line, renderer) for line in form.checkpoints],
    }
    if new_form:
        context |= {"rows": rows, "focus": _focus(draft, words)}
    else:
        context["standards"] = _standards(draft, rows)
    document.render(context, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _task_rows(form: PlanForm, words: dict[str, str], renderer: Renderer) -> list[dict]:
    """A row a task, numbered through the table, each naming its criterion (a row read
    alone, on its page, says what it serves; the reader would take a bare number for a
    focus issue's); the target with the criterion's first row only. A criterion without
    tasks still has its row, so that its target is in the plan."""
    rows, statuses = [], iter(form.statuses)
    for criterion in form.draft.criteria:
        content = (words["content_titled"].format(code=criterion.id, title=criterion.title)
                   if criterion.title else words["content"].format(code=criterion.id))
        for index, task in enumerate(criterion.tasks or [None]):
            status = next(statuses) if task else None
            rows.append({
                "tt": len(rows) + 1, "code": criterion.id,
                "criterion": _cell(content),
                "target": _cell(criterion.target if index == 0 else None),
                "task": _cell(task and task.text),
                "owners": _cell(task and (task.owners_text or ", ".join(task.owners))),
                "output": _cell(task and task.output),
                "timeline": _cell(task and task.timeline),
                "support": _cell(task and task.support), "note": _cell(task and task.note),
                "status": renderer.label(f"status.{status}") if status else ""})
    return rows


def _cell(text: str | None) -> Listing:
    """The text with its own line breaks (a task cell's «-» lines), unseen characters
    dropped: Word refuses a document with a control character in it."""
    return Listing(clean_lines(text))


def _standards(draft: PlanDraft, rows: list[dict]) -> list[dict]:
    titles = frameworks().get(draft.framework or "", {}).get("standards", {})
    standards = []
    for number, group in groupby(rows, key=lambda row: _standard(row["code"])):
        standards.append({"number": number, "title": titles.get(str(number), ""),
                          "rows": list(group)})
    return standards


def _focus(draft: PlanDraft, words: dict[str, str]) -> list[dict]:
    """Section IV: a line a standard the plan touches, with its criteria; the school writes
    what it found and why."""
    codes: dict[int, list[str]] = {}
    for criterion in draft.criteria:
        codes.setdefault(_standard(criterion.id), []).append(criterion.id)
    return [{"tt": index, "standard": words["standard"].format(number=number),
             "criteria": "; ".join(found)}
            for index, (number, found) in enumerate(sorted(codes.items()), start=1)]


def _standard(code: str) -> int:
    return int(code.partition(".")[0])


def _checkpoint_cells(line: MonitoringLine, renderer: Renderer) -> dict:
    """A review moment; its results only once it has come."""
    result = adjustment = ""
    if line.reached:
        result = renderer.text("reports/cell_monitoring_result.j2", line=line)
        adjustment = renderer.text("reports/cell_monitoring_adjustment.j2", line=line)
    return {"when": _cell(line.when), "content": _cell(line.content), "result": result,
            "adjustment": adjustment, "reviewer": _cell(line.reviewer)}


def _checkpoints(session: Session, school: School, plan: Plan, tasks: list[Task],
                 today: date) -> list[MonitoringLine]:
    """The plan's review moments; one that has come counts the tasks done and adjusted by
    the end of its day, as the answers then said."""
    tz = ZoneInfo(school.timezone)
    lines = []
    for checkpoint in session.scalars(select(Checkpoint).where(Checkpoint.plan_id == plan.id)
                                      .order_by(Checkpoint.position)):
        reached = checkpoint.due_on is not None and checkpoint.due_on <= today
        done = adjusted = 0
        if reached:
            until = datetime.combine(checkpoint.due_on + timedelta(days=1), time(0), tzinfo=tz)
            done = _done_by(session, school.id, tasks, until)
            adjusted = sum(1 for t in tasks if t.adjusted_at and t.adjusted_at < until)
        lines.append(MonitoringLine(checkpoint.when_text, checkpoint.content or "",
                                    checkpoint.reviewer or "", reached, done, len(tasks),
                                    adjusted))
    return lines


def _done_by(session: Session, school_id: int, tasks: list[Task], until: datetime) -> int:
    """How many of `tasks` had «done» as their last answer before `until` (a correction is
    a later answer, so it counts in place of the one it corrects)."""
    ids = {task.id for task in tasks}
    last: dict[int, str] = {}
    for task_id, status in session.execute(
            select(TaskUpdate.task_id, TaskUpdate.status)
            .where(TaskUpdate.school_id == school_id, TaskUpdate.created_at < until)
            .order_by(TaskUpdate.created_at, TaskUpdate.id)):
        last[task_id] = status
    return sum(1 for task_id, status in last.items() if task_id in ids and status == "done")
