"""The end of a school year: the year's report written and kept (the file and its
checksum, where the school's files are), next year's draft plan as the plan workbook the
principal edits and confirms, and the kept report read back unchanged."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import InputError
from readers.isolated import read_plan_isolated
from readers.next_year import next_school_year
from readers.plan_draft import PlanDraft
from readers.timelines import school_year_start
from reports.evidence_box import write_box
from reports.evidence_files import evidence_list_docx, evidence_list_xlsx
from reports.evidence_list import evidence_list
from reports.plan_workbook import plan_workbook
from reports.report_data import Period, ReportData, report_data
from reports.report_files import report_docx
from storage.evidence_store import EvidenceStore
from storage.models import Plan, School, SchoolYear
from storage.school_years import (Carried, carried_history, next_year_draft, record_close,
                                  refuse_closed, year_to_close)
from storage.schools import school_calendar
from templates.render import Renderer

FOLDER = "nam-hoc"  # the kept files' folder beside the evidence's
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


@dataclass
class Closing:
    """What closing the year does, before anything is written (`year close --dry-run`)."""

    school_year: str
    next_year: str
    plan: Plan
    period: Period
    report: ReportData
    draft: PlanDraft
    carried: list[Carried]
    year_end: date  # the last day of the year on the school's calendar

    @property
    def left_out(self) -> int:
        """This year's open tasks not carried: the finished ones."""
        return sum(self.report.counts[k] for k in ("done", "ongoing", "not_started",
                                                   "no_update")) - len(self.carried)


def closing(session: Session, school: School, clock: Clock) -> Closing:
    """The year that would close now, its report and next year's draft; writes nothing.
    A year already closed is refused with the sentence saying when."""
    now = clock.now()
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    plan, year = year_to_close(session, school, today)
    refuse_closed(session, school, year)
    cal = school_calendar(school)
    first = school_year_start(year)
    period = Period("year", cal.start(first), min(cal.end(first), today))
    data = report_data(session, school, period, today, plan=plan, until=now)
    draft = next_year_draft(session, school, plan, year)
    return Closing(year, next_school_year(year), plan, period, data, draft,
                   carried_history(session, plan, draft), cal.end(first))


def close_year(session: Session, school: School, clock: Clock, store: EvidenceStore,
               renderer: Renderer, via: str, actor_id: int | None = None
               ) -> tuple[SchoolYear, Closing]:
    """Close the year: its files written and kept, next year's draft waiting for the
    principal. The year itself goes on until she confirms the draft."""
    c = closing(session, school, clock)  # what closes; refused if closed already
    now = clock.now()
    files = [_keep(store, school, "report", renderer.text(
        "reports/file_name.j2", school=school, period=c.period) + ".docx",
        report_docx(c.report, renderer), DOCX, clock)]
    files += _keep_evidence(session, school, c.plan, store, renderer, clock)
    name = renderer.text("chat/plan_excel_name.j2", school=school, draft=c.draft)
    try:
        row = record_close(session, school, c.plan, c.school_year, now,
                           (c.period.start, c.period.end), c.report.made_on, files,
                           name, plan_workbook(c.draft, renderer), via, actor_id)
    except Exception:  # not recorded: the files kept for it would be nobody's
        for entry in files:
            store.discard(entry["path"])
        raise
    return row, c


def _keep_evidence(session: Session, school: School, plan: Plan, store: EvidenceStore,
                   renderer: Renderer, clock: Clock) -> list[dict]:
    """The year's evidence list (.xlsx, .docx) and its evidence box (.zip), as the
    evaluators will ask for them: the box is written on disk, then moved in."""
    listed = evidence_list(session, school, clock.now().date(), renderer, plan)
    name = renderer.text("reports/evidence_list_file_name.j2", school_code=school.code,
                         school_year=listed.school_year)
    files = [_keep(store, school, "evidence_list_xlsx", name + ".xlsx",
                   evidence_list_xlsx(listed, renderer), XLSX, clock),
             _keep(store, school, "evidence_list_docx", name + ".docx",
                   evidence_list_docx(listed, renderer), DOCX, clock)]
    with tempfile.TemporaryDirectory(prefix="caitien-box-") as folder:
        box = Path(folder) / "box.zip"
        write_box(listed, store, renderer, box)
        stored = store.save_file(school.code, FOLDER, box, name + ".zip", ZIP, clock.now())
    files.append({"kind": "evidence_box", "name": name + ".zip", "path": stored.path,
                  "mime_type": ZIP, "size": stored.size, "sha256": stored.sha256})
    return files


def _keep(store: EvidenceStore, school: School, kind: str, name: str, content: bytes,
          mime_type: str, clock: Clock) -> dict:
    stored = store.save(school.code, FOLDER, "document", content, name, mime_type,
                        clock.now())
    return {"kind": kind, "name": name, "path": stored.path, "mime_type": mime_type,
            "size": stored.size, "sha256": stored.sha256}


KEPT_KINDS = ("report", "evidence_list_xlsx", "evidence_list_docx", "evidence_box")


def kept_file(store: EvidenceStore, row: SchoolYear, kind: str) -> tuple[dict, Path]:
    """A kept file of the closed year and where it is, as it was written: a file missing or
    changed since (its checksum differs) is refused, never handed out as the year's. The
    checksum is read in chunks: a box may weigh gigabytes."""
    entry = next((f for f in row.files if f["kind"] == kind), None)
    path = store.file_of(entry["path"]) if entry else None
    if path is None:
        raise InputError("year_file_missing", school_year=row.school_year)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != entry["sha256"]:
        raise InputError("year_file_changed", school_year=row.school_year)
    return entry, path


def rebuilt_report(session: Session, school: School, row: SchoolYear) -> ReportData:
    """The closed year's report built again from the database: the same figures as the
    file kept, whatever happened since."""
    return report_data(session, school, Period("year", row.period_start, row.period_end),
                       row.made_on, plan=session.get(Plan, row.plan_id),
                       until=row.report_until)


def read_draft(content: bytes, name: str, row: SchoolYear, school: School) -> PlanDraft:
    """Next year's draft read from its workbook (the one made at closing, or the
    principal's edited copy), in a process of its own as every uploaded plan; a file that
    names another school year is refused."""
    year = next_school_year(row.school_year)
    with tempfile.TemporaryDirectory(prefix="caitien-year-") as folder:
        path = Path(folder) / (Path(name).name or "plan.xlsx")
        path.write_bytes(content)
        draft = read_plan_isolated(path, year, school_calendar(school))
    # Last year's plan sent back by mistake would start the new year with last year's dates.
    if draft.school_year and draft.school_year != year:
        raise InputError("year_draft_other_year", file_year=draft.school_year, year=year)
    return draft
