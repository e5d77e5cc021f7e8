"""The evidence list (Danh mục minh chứng) in the columns of the ministry's guidance: TT,
code, name, number/date of issue or moment, issuer or doer, note; grouped by standard and
criterion, one row per item under each criterion it serves.

Codes are the report's (`evidence_with_codes`): numbered per criterion in the order items
came in, so an item keeps its code from one list to the next. Nothing deletes an item: the
board withdraws it, and it stays listed under its code with a note saying so. A code cited
in the self-assessment report therefore never moves to another file, and the numbering has
no gaps. An item attached to another criterion is listed there too, under its first code,
after that criterion's own items, as the 57/2026 guidance reuses evidence."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from readers.frameworks import criterion_sort_key, criterion_title, frameworks
from reports.report_data import evidence_with_codes, own_name, short_name
from storage.models import (Criterion, Evidence, EvidenceCriterion, Plan, School, Staff,
                            Task)
from storage.plans import current_plan
from storage.staff_repo import active_staff, is_board
from templates.render import Renderer


@dataclass(frozen=True)
class ListItem:
    evidence_id: int
    code: str
    name: str
    issued: str  # «Số 12/QĐ-THCS, 05/09/2025», or the day alone
    issuer: str
    note: str
    path: str  # in the evidence store
    suffix: str  # the file's extension, «.pdf»
    withdrawn: bool


@dataclass
class CriterionGroup:
    code: str
    title: str
    items: list[ListItem] = field(default_factory=list)


@dataclass
class StandardGroup:
    number: int
    title: str
    criteria: list[CriterionGroup] = field(default_factory=list)


@dataclass
class EvidenceList:
    school: str
    school_code: str
    school_year: str
    framework: str | None
    made_on: date
    principal: str | None
    number_code: str
    standards: list[StandardGroup]

    def rows(self) -> list[tuple[int, CriterionGroup, ListItem]]:
        """Every row with its TT, numbered 1… without gaps across the list."""
        found = []
        for standard in self.standards:
            for criterion in standard.criteria:
                for item in criterion.items:
                    found.append((len(found) + 1, criterion, item))
        return found


def evidence_list(session: Session, school: School, today: date, renderer: Renderer,
                  plan: Plan | None = None) -> EvidenceList:
    """The list of `plan` (the school's current plan by default); LookupError without one."""
    plan = plan or current_plan(session, school.id)
    if plan is None:
        raise LookupError("no plan")
    tz = ZoneInfo(school.timezone)
    tasks = {t.id: t for t in session.scalars(select(Task).where(Task.plan_id == plan.id))}
    names = {s.id: s.name for s in session.scalars(
        select(Staff).where(Staff.school_id == school.id))}
    others: dict[int, list[str]] = {}
    for link in session.scalars(select(EvidenceCriterion).where(
            EvidenceCriterion.school_id == school.id).order_by(EvidenceCriterion.added_at)):
        others.setdefault(link.evidence_id, []).append(link.criterion_code)
    own: dict[str, list[ListItem]] = {}
    shared: dict[str, list[ListItem]] = {}
    # In the list's order: by criterion, then in the order items came in.
    found = sorted(((item, code) for item, code in evidence_with_codes(
        session, school.id, plan.framework, plan.id) if item.task_id in tasks),
        key=lambda pair: (criterion_sort_key(pair[0].criterion_code), pair[0].id))
    lines = _told_apart([_line(item, code, tasks[item.task_id], names, tz, renderer)
                         for item, code in found], renderer)
    for (item, _), line in zip(found, lines):
        own.setdefault(item.criterion_code, []).append(line)
        for other in others.get(item.id, []):
            if other != item.criterion_code:
                shared.setdefault(other, []).append(line)
    titles = {c.code: c.title for c in session.scalars(
        select(Criterion).where(Criterion.plan_id == plan.id))}
    standard_titles = frameworks().get(plan.framework or "", {}).get("standards", {})
    standards: dict[int, StandardGroup] = {}
    for code in sorted(own.keys() | shared.keys(), key=criterion_sort_key):
        number = int(code.split(".")[0])
        group = standards.setdefault(number, StandardGroup(
            number, standard_titles.get(str(number), "")))
        group.criteria.append(CriterionGroup(
            code, titles.get(code) or criterion_title(plan.framework, code) or "",
            own.get(code, []) + shared.get(code, [])))
    board = [m for m in active_staff(session, school.id) if is_board(m)]
    principal = next((m.name for m in board if "HT" in " ".join(m.roles or []).split()),
                     board[0].name if board else None)
    return EvidenceList(school.name or school.code, school.code, plan.school_year or "",
                        plan.framework, today, principal,
                        short_name(school.name, school.code),
                        [standards[n] for n in sorted(standards)])


def _told_apart(lines: list[ListItem], renderer: Renderer) -> list[ListItem]:
    """Items that would read alike (the photos of one answer, one name typed for several
    files) get «(1/3)», «(2/3)»… after their name, in the list's order."""
    alike: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        alike.setdefault(line.name, []).append(index)
    told = list(lines)
    for group in alike.values():
        if len(group) > 1:
            for nth, index in enumerate(group, 1):
                told[index] = replace(lines[index], name=renderer.text(
                    "reports/evidence_list_nth.j2", name=lines[index].name, nth=nth,
                    of=len(group)))
    return told


def _line(item: Evidence, code: str, task: Task, names: dict[int, str], tz: ZoneInfo,
          renderer: Renderer) -> ListItem:
    handed_in = item.created_at.astimezone(tz).date()
    context = {"item": item, "task": task.text, "on": item.issued_on or handed_in,
               "own_name": (own_name(item.file_name) or "").rsplit(".", 1)[0],
               "author": names.get(item.author_id, ""),
               "withdrawn_on": item.withdrawn_at.astimezone(tz).date()
               if item.withdrawn_at else None}
    suffix = "." + item.path.rsplit(".", 1)[-1].lower() if "." in item.path else ""
    return ListItem(item.id, code, renderer.text("reports/evidence_list_name.j2", **context),
                    renderer.text("reports/evidence_list_issued.j2", **context),
                    renderer.text("reports/evidence_list_issuer.j2", **context),
                    renderer.text("reports/evidence_list_note.j2", **context),
                    item.path, suffix[:10], item.withdrawn_at is not None)
