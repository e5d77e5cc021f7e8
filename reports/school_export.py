"""Everything a school has, in readable form, for its own archive or for another tool:
`caitien export --school CODE --format xlsx|json`.

`school_export` reads the school once into a plain dict (times in the school's time zone,
with their offset); the JSON file is that dict, and the workbook is built from it, so both
formats say the same. Chat ids, bot tokens and webhook secrets stay out: they mean
nothing outside this deployment, and the tokens are secrets."""

from __future__ import annotations

import json
from copy import copy
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.cells import text_cell
from reports.report_data import evidence_with_codes
from storage.audit import ANSWER, CORRECTION, KINDS, trail
from storage.models import (Account, Checkpoint, Criterion, District, EvidenceCriterion,
                            Plan, School, SchoolYear, Staff, Task, TaskOwner, TaskUpdate)
from storage.plans import current_plan
from storage.schools import school_calendar
from templates.render import Renderer

FORMAT, VERSION = "caitien-export", 1
WORDS = "export/words.j2"
# Answers and corrections are the trail's task_updates half, exported in full under
# "updates"; the audit section holds the rest, so each event is written once.
AUDIT_KINDS = set(KINDS) - {ANSWER, CORRECTION}


# --- the data ------------------------------------------------------------------------------

def school_export(session: Session, school: School, now: datetime) -> dict:
    """The school as one JSON-serialisable dict. One query per table, whatever the size."""
    tz = ZoneInfo(school.timezone)

    def at(moment: datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat(timespec="seconds") if moment else None

    district = session.get(District, school.district_id) if school.district_id else None
    plan = current_plan(session, school.id)
    names = {}
    staff = []
    for member in session.scalars(select(Staff).where(Staff.school_id == school.id)
                                  .order_by(Staff.id)):
        names[member.id] = member.name
        staff.append({"id": member.id, "name": member.name, "phone": member.phone,
                      "roles": list(member.roles or []), "group": member.group,
                      "telegram": member.telegram_username, "active": member.active,
                      "paused_until": _day(member.paused_until), "channels": []})
    by_id = {member["id"]: member for member in staff}
    for account in session.scalars(select(Account).where(Account.school_id == school.id)
                                   .order_by(Account.staff_id, Account.channel)):
        by_id[account.staff_id]["channels"].append({
            "channel": account.channel, "linked_at": at(account.linked_at),
            "linked_by": account.linked_by})

    criteria = session.scalars(select(Criterion).where(Criterion.school_id == school.id)
                               .order_by(Criterion.plan_id, Criterion.position)).all()
    codes = {c.id: c.code for c in criteria}
    owners: dict[int, list[dict]] = {}
    for owner in session.scalars(select(TaskOwner).join(Task, Task.id == TaskOwner.task_id)
                                 .where(Task.school_id == school.id)
                                 .order_by(TaskOwner.task_id, TaskOwner.id)):
        owners.setdefault(owner.task_id, []).append({
            "staff_id": owner.staff_id, "name": names.get(owner.staff_id),
            "lead": owner.is_lead, "phrase": owner.phrase})
    order = {c.id: n for n, c in enumerate(criteria)}
    tasks = sorted(session.scalars(select(Task).where(Task.school_id == school.id)),
                   key=lambda t: (order.get(t.criterion_id, len(order)), t.position, t.id))
    criterion_of = {t.id: codes.get(t.criterion_id) for t in tasks}
    task_plan = {t.id: t.plan_id for t in tasks}

    plans = session.scalars(select(Plan).where(Plan.school_id == school.id)
                            .order_by(Plan.id)).all()
    year_of = {p.id: p.school_year for p in plans}
    also: dict[int, list[str]] = {}
    for link in session.scalars(select(EvidenceCriterion)
                                .where(EvidenceCriterion.school_id == school.id)
                                .order_by(EvidenceCriterion.added_at)):
        also.setdefault(link.evidence_id, []).append(link.criterion_code)
    evidence = []
    update_codes: dict[int, list[str]] = {}
    # Codes are numbered per plan, so each year's item is coded within its own plan (and
    # framework), with its school year beside the code: «MC.1.1.01» recurs every year.
    for item, code in ((i, c) for p in plans
                       for i, c in evidence_with_codes(session, school.id, p.framework, p.id)):
        if item.update_id is not None:
            update_codes.setdefault(item.update_id, []).append(code)
        evidence.append({
            "code": code, "school_year": year_of[task_plan[item.task_id]],
            "task_id": item.task_id, "update_id": item.update_id,
            "criterion": item.criterion_code, "also_criteria": also.get(item.id, []),
            "author_id": item.author_id,
            "author": names.get(item.author_id), "kind": item.kind,
            "file_name": item.file_name, "path": item.path, "mime_type": item.mime_type,
            "size": item.size, "sha256": item.sha256, "created_at": at(item.created_at),
            "title": item.title, "issued_ref": item.issued_ref,
            "issued_on": _day(item.issued_on), "issuer": item.issuer, "note": item.note,
            "withdrawn_at": at(item.withdrawn_at)})

    # Columns, not entities: a school's updates run to thousands of rows.
    updates = [{"id": u.id, "task_id": u.task_id, "criterion": criterion_of.get(u.task_id),
                "author_id": u.author_id, "author": names.get(u.author_id),
                "status": u.status, "done_text": u.done_text, "reason": u.reason,
                "corrects": u.corrects_id, "evidence": update_codes.get(u.id, []),
                "created_at": at(u.created_at)}
               for u in session.execute(
                   select(TaskUpdate.id, TaskUpdate.task_id, TaskUpdate.author_id,
                          TaskUpdate.status, TaskUpdate.done_text, TaskUpdate.reason,
                          TaskUpdate.corrects_id, TaskUpdate.created_at)
                   .where(TaskUpdate.school_id == school.id)
                   .order_by(TaskUpdate.created_at, TaskUpdate.id))]

    return {
        "format": FORMAT, "version": VERSION, "exported_at": at(now),
        "school": {"code": school.code, "name": school.name, "timezone": school.timezone,
                   "district": {"code": district.code, "name": district.name}
                   if district else None},
        "calendar": school_calendar(school).to_json(),
        "staff": staff,
        "plan": {"school_year": plan.school_year, "framework": plan.framework,
                 "level": plan.level, "source_name": plan.source_name,
                 "imported_at": at(plan.imported_at), "updated_at": at(plan.updated_at),
                 "checkpoints": [
                     {"position": c.position, "when": c.when_text, "content": c.content,
                      "reviewer": c.reviewer, "due_on": _day(c.due_on)}
                     for c in session.scalars(select(Checkpoint)
                                              .where(Checkpoint.plan_id == plan.id)
                                              .order_by(Checkpoint.position))]}
        if plan else None,
        "criteria": [{"code": c.code, "standard": c.standard, "title": c.title,
                      "target": c.target, "assessed_level": c.assessed_level}
                     for c in criteria],
        "tasks": [{"id": t.id, "criterion": criterion_of[t.id], "position": t.position,
                   "text": t.text, "original_text": t.original_text,
                   "adjusted_at": at(t.adjusted_at), "owners_text": t.owners_text,
                   "owners": owners.get(t.id, []), "output": t.output,
                   "timeline": t.timeline, "support": t.support, "note": t.note,
                   "schedule": {"kind": t.schedule_kind, "every": t.schedule_every,
                                "starts_on": _day(t.starts_on), "due_on": _day(t.due_on)},
                   "status": t.status, "status_at": at(t.status_at),
                   "closed_at": at(t.closed_at), "school_year": year_of.get(t.plan_id),
                   "carried_from": t.carried_from_id}
                  for t in tasks],
        "updates": updates,
        "evidence": evidence,
        "school_years": [
            {"school_year": y.school_year, "closed_at": at(y.closed_at),
             "period_start": _day(y.period_start), "period_end": _day(y.period_end),
             "opened_at": at(y.opened_at),
             "next_school_year": year_of.get(y.next_plan_id) if y.next_plan_id else None,
             "files": [{k: f.get(k) for k in ("kind", "name", "size", "sha256")}
                       for f in y.files]}
            for y in session.scalars(select(SchoolYear)
                                     .where(SchoolYear.school_id == school.id)
                                     .order_by(SchoolYear.school_year))],
        "audit": [{"at": at(e.at), "kind": e.kind, "actor": e.actor, "via": e.via,
                   "subject": e.subject, "details": e.details}
                  for e in reversed(trail(session, school.id, kinds=AUDIT_KINDS))],
    }


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- the files -----------------------------------------------------------------------------

def export_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def write_export(session: Session, school: School, renderer: Renderer, now: datetime,
                 path: Path, fmt: str) -> dict:
    """Write the school's export as `fmt` ("xlsx" or "json") to `path`, whole or not at
    all (an archive cut short by a full disk must not pass for one); returns the data, for
    the sentence saying what was written (export/written.j2)."""
    if fmt not in ("xlsx", "json"):
        raise ValueError(fmt)
    data = school_export(session, school, now)
    content = export_workbook(data, renderer) if fmt == "xlsx" else export_json(data)
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(content)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return data


# A sheet's columns: (key, width, wraps). The header is the words' "<sheet>.<key>".
PAIRS = (("item", 34, False), ("value", 60, True))
COLUMNS = {
    "holidays": (("from", 12, False), ("to", 12, False), ("name", 40, True)),
    "staff": (("id", 10, False), ("name", 28, True), ("phone", 14, False),
              ("roles", 20, True), ("group", 20, True), ("telegram", 16, False),
              ("active", 10, False), ("paused_until", 16, False), ("channels", 44, True)),
    "checkpoints": (("position", 6, False), ("when", 24, True), ("content", 50, True),
                    ("reviewer", 24, True), ("due_on", 12, False)),
    "criteria": (("standard", 10, False), ("code", 9, False), ("title", 44, True),
                 ("target", 60, True), ("assessed_level", 12, False)),
    "tasks": (("id", 10, False), ("criterion", 9, False), ("position", 8, False),
              ("text", 60, True), ("original_text", 50, True), ("adjusted_at", 17, False),
              ("owners_text", 28, True), ("owners", 40, True), ("output", 30, True),
              ("timeline", 22, True), ("support", 24, True), ("note", 24, True),
              ("schedule", 18, True), ("starts_on", 12, False), ("due_on", 12, False),
              ("status", 16, False), ("status_at", 17, False), ("closed_at", 17, False),
              ("school_year", 11, False), ("carried_from", 12, False)),
    "updates": (("id", 10, False), ("task_id", 10, False), ("criterion", 9, False),
                ("author_id", 10, False), ("author", 26, True), ("status", 16, False),
                ("done_text", 60, True), ("reason", 40, True), ("corrects", 12, False),
                ("evidence", 18, True), ("created_at", 17, False)),
    "evidence": (("code", 16, False), ("school_year", 11, False), ("criterion", 9, False),
                 ("also_criteria", 14, True), ("task_id", 10, False),
                 ("update_id", 10, False), ("author", 26, True), ("kind", 10, False),
                 ("file_name", 28, True), ("path", 44, True), ("mime_type", 18, False),
                 ("size", 12, False), ("sha256", 20, False), ("created_at", 17, False),
                 ("title", 40, True), ("issued_ref", 20, True), ("issued_on", 12, False),
                 ("issuer", 26, True), ("note", 30, True), ("withdrawn_at", 17, False)),
    "school_years": (("school_year", 11, False), ("closed_at", 17, False),
                     ("opened_at", 17, False), ("next_school_year", 11, False),
                     ("file", 44, True), ("size", 12, False), ("sha256", 20, False)),
    "audit": (("at", 17, False), ("kind", 22, True), ("actor", 26, True), ("via", 12, False),
              ("subject", 50, True), ("details", 50, True)),
}
HEADER_FONT = Font(bold=True)
TOP = Alignment(vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)
DAY_FORMAT, TIME_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM"


def export_workbook(data: dict, renderer: Renderer) -> bytes:
    """One sheet a section, each with a bold header row that stays in view; times as Excel
    dates in the school's time zone (Excel has none), long text wrapped."""
    words = renderer.pairs(WORDS)
    audit_words = renderer.pairs("web/audit_words.j2")
    fields = renderer.pairs("web/calendar_fields.j2")
    yes_no = {True: words["yes"], False: words["no"]}
    book = Workbook(write_only=True)
    sheets: list[tuple[str, tuple, list[list]]] = [
        ("school", PAIRS, _school_pairs(data)),
        ("calendar", PAIRS, _calendar_pairs(data["calendar"], words)),
        ("holidays", COLUMNS["holidays"],
         [[_local(h["from"]), _local(h["to"]), h["name"]] for h in data["calendar"]["holidays"]]),
        ("staff", COLUMNS["staff"], [
            [m["id"], m["name"], m["phone"], ", ".join(m["roles"]), m["group"], m["telegram"],
             yes_no[m["active"]], _local(m["paused_until"]),
             renderer.text("export/channels.j2", channels=[
                 {**c, "linked_at": _local(c["linked_at"])} for c in m["channels"]])]
            for m in data["staff"]]),
        ("plan", PAIRS, _plan_pairs(data["plan"])),
    ]
    if data["plan"] and data["plan"]["checkpoints"]:
        sheets.append(("checkpoints", COLUMNS["checkpoints"], [
            [c["position"] + 1, c["when"], c["content"], c["reviewer"], _local(c["due_on"])]
            for c in data["plan"]["checkpoints"]]))
    sheets += [
        ("criteria", COLUMNS["criteria"], [
            [c["standard"], c["code"], c["title"], c["target"], c["assessed_level"]]
            for c in data["criteria"]]),
        ("tasks", COLUMNS["tasks"], [
            [t["id"], t["criterion"], t["position"] + 1, t["text"], t["original_text"],
             _local(t["adjusted_at"]), t["owners_text"],
             renderer.text("export/owners.j2", owners=t["owners"]), t["output"],
             t["timeline"], t["support"], t["note"], _schedule(t["schedule"], words),
             _local(t["schedule"]["starts_on"]), _local(t["schedule"]["due_on"]),
             renderer.label(f"status.{t['status'] or 'none'}"), _local(t["status_at"]),
             _local(t["closed_at"]), t["school_year"], t["carried_from"]]
            for t in data["tasks"]]),
        ("updates", COLUMNS["updates"], [
            [u["id"], u["task_id"], u["criterion"], u["author_id"], u["author"],
             renderer.label(f"status.{u['status']}"), u["done_text"], u["reason"],
             u["corrects"], ", ".join(u["evidence"]), _local(u["created_at"])]
            for u in data["updates"]]),
        ("evidence", COLUMNS["evidence"], [
            [e["code"], e["school_year"], e["criterion"], ", ".join(e["also_criteria"]),
             e["task_id"], e["update_id"], e["author"],
             words.get(f"kind.{e['kind']}", e["kind"]), e["file_name"], e["path"],
             e["mime_type"], e["size"], e["sha256"], _local(e["created_at"]), e["title"],
             e["issued_ref"], _local(e["issued_on"]), e["issuer"], e["note"],
             _local(e["withdrawn_at"])]
            for e in data["evidence"]]),
        ("school_years", COLUMNS["school_years"], [
            [y["school_year"], _local(y["closed_at"]), _local(y["opened_at"]),
             y["next_school_year"], f and f["name"], f and f["size"], f and f["sha256"]]
            for y in data["school_years"] for f in (y["files"] or [None])]),
        ("audit", COLUMNS["audit"], [
            [_local(e["at"]), audit_words[f"kind.{e['kind']}"],
             e["actor"] or audit_words["actor.none"],
             audit_words.get(f"via.{e['via']}", e["via"]), e["subject"],
             renderer.text("web/audit_details.j2", entry=e, words=audit_words, fields=fields)]
            for e in data["audit"]]),
    ]
    for name, columns, rows in sheets:
        if columns is PAIRS:  # the first column holds word keys: the reader sees their words
            rows = [[words[f"{name}.{key}"], value] for key, value in rows]
        _sheet(book, words[f"sheet.{name}"], [words[f"{name}.{key}"] for key, _, _ in columns],
               columns, rows)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _school_pairs(data: dict) -> list[list]:
    school = data["school"]
    district = school["district"] or {}
    return [["code", school["code"]], ["name", school["name"]],
            ["district_code", district.get("code")], ["district_name", district.get("name")],
            ["timezone", school["timezone"]], ["exported_at", _local(data["exported_at"])],
            ["format", f"{data['format']} {data['version']}"]]


def _plan_pairs(plan: dict | None) -> list[list]:
    if plan is None:
        return [["none", None]]
    return [["school_year", plan["school_year"]], ["framework", plan["framework"]],
            ["level", plan["level"]], ["source_name", plan["source_name"]],
            ["imported_at", _local(plan["imported_at"])],
            ["updated_at", _local(plan["updated_at"])]]


def _calendar_pairs(calendar: dict, words: dict[str, str]) -> list[list]:
    """Each setting but the holidays (their own sheet), as a reader writes it: days day
    first, weekdays by name."""
    rows = []
    for key, value in calendar.items():
        if key == "holidays":
            continue
        if key in ("year_start", "semester1_end", "year_end"):
            value = "/".join(reversed(value.split("-")))
        elif key == "rest_days":
            value = ", ".join(words[f"day.{d}"] for d in value)
        elif key == "digest_day":
            value = words[f"day.{value}"]
        elif key == "deadline_days":
            value = ", ".join(str(d) for d in value)
        elif key == "quiet_hours":
            value = value.replace("-", " – ")
        rows.append([key, value])
    return rows


def _schedule(schedule: dict, words: dict[str, str]) -> str | None:
    kind = schedule["kind"]
    if kind is None:
        return None
    if kind == "recurring" and schedule["every"]:
        return words[f"schedule.recurring.{schedule['every']}"]
    return words[f"schedule.{kind}"]


def _local(text: str | None) -> datetime | date | None:
    """An ISO date or time of the dict as an Excel cell value: a time keeps the wall clock
    of the school (its offset dropped, as Excel has no time zones)."""
    if text is None:
        return None
    if "T" in text:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    return date.fromisoformat(text)


def _sheet(book: Workbook, title: str, header: list[str], columns: tuple,
           rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    for index, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    looks = _Looks(sheet)
    sheet.append([_cell(sheet, text, looks, WRAP, HEADER_FONT) for text in header])
    aligns = [WRAP if wraps else TOP for _, _, wraps in columns]
    for row in rows:
        sheet.append([_cell(sheet, value, looks, align) for value, align in zip(row, aligns)])


def _cell(sheet, value: object, looks: _Looks, align: Alignment,
          font: Font | None = None) -> WriteOnlyCell | None:
    """Text is text: openpyxl would take a string beginning with "=" for a formula (a done
    text typed as «=HYPERLINK(…)» must not become a live link), and characters XML cannot
    hold are dropped rather than failing the whole export. Nothing is written for nothing."""
    if value is None:
        return None
    cell = text_cell(sheet, value)
    if isinstance(value, datetime):
        number_format = TIME_FORMAT
    elif isinstance(value, date):
        number_format = DAY_FORMAT
    else:
        number_format = "General"
    cell._style = looks.of(number_format, align, font)
    return cell


class _Looks:
    """Each combination of format, alignment and font registered once and copied onto the
    cells that share it (openpyxl's own idiom for copying a look): setting the style
    objects cell by cell took most of the time of a big school's workbook."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.found: dict[tuple, StyleArray] = {}

    def of(self, number_format: str, align: Alignment, font: Font | None) -> StyleArray:
        key = (number_format, id(align), id(font))  # hashing a style object costs more
        if key not in self.found:
            cell = WriteOnlyCell(self.sheet)
            cell.number_format, cell.alignment = number_format, align
            if font is not None:
                cell.font = font
            self.found[key] = cell._style
        return copy(self.found[key])
