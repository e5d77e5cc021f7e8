"""Every spreadsheet and CSV the product writes, from a school whose staff list, plan and
answers were written to be formulas: each cell is text (reports/cells.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
from sqlalchemy import select

from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.plan_complete import complete_draft
from readers.staff_sheet import StaffRow
from reports.audit_export import audit_csv, audit_xlsx
from reports.cells import FORMULA_STARTS
from reports.district_data import district_rows, district_xlsx
from reports.plan_workbook import plan_workbook, stored_plan
from reports.report_data import Period, report_data
from reports.report_files import report_xlsx
from reports.school_export import export_workbook, school_export
from storage.audit import trail
from storage.models import Staff, Task
from storage.plans import save_plan, set_calendar
from storage.schools import pick_school, school_calendar
from storage.staff_repo import import_staff, set_pause
from storage.updates import record_update

HOSTILE = ['=HYPERLINK("http://example.invalid","bấm")', "+84 912 000 001", "-SUM(A1:A9)",
           "@cmd|' /C calc'!A0", "\t=1+1", "=1+1"]


def hostile_school(session, clock):
    school = pick_school(session, "xau", clock, create=True)
    school.name = HOSTILE[0]
    import_staff(session, school, [
        StaffRow(line=n + 2, name=name, phone=f"0912{n:06d}", phone_norm=f"0912{n:06d}",
                 roles=["HT" if n == 0 else "GV"], group=HOSTILE[-1])
        for n, name in enumerate(HOSTILE)])
    draft = PlanDraft(school=HOSTILE[0], school_year="2026-2027", framework="TT57/2026",
                      criteria=[CriterionDraft("1.1", tasks=[
                          TaskDraft(text, owners=[HOSTILE[n % 3]], owners_text=HOSTILE[n % 3],
                                    output=HOSTILE[2], timeline="Tháng 10/2026",
                                    note=HOSTILE[3])
                          for n, text in enumerate(HOSTILE)])])
    save_plan(session, school, complete_draft(draft), clock)
    author = session.scalar(select(Staff).where(Staff.school_id == school.id).limit(1))
    for task in session.scalars(select(Task).where(Task.school_id == school.id)):
        record_update(session, task, author.id, "late", HOSTILE[0], HOSTILE[3], [], clock)
    set_pause(session, author, date(2026, 12, 1), clock.now(), "cli")
    set_calendar(session, school, school_calendar(school).with_holiday(
        date(2026, 12, 24), date(2026, 12, 24), HOSTILE[4]), clock.now(), "cli")
    return school


def xlsx_formulas(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in book
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def csv_formulas(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_no_file_the_product_writes_holds_a_formula(sessions, clock, renderer):
    with sessions.begin() as session:
        school = hostile_school(session, clock)
        today = clock.now().date()
        files = {
            "report.xlsx": report_xlsx(report_data(session, school, Period(
                "range", date(2026, 9, 1), date(2027, 6, 1)), today), renderer),
            "audit.xlsx": audit_xlsx(trail(session, school.id), school.timezone, renderer),
            "export.xlsx": export_workbook(school_export(session, school, clock.now()),
                                           renderer),
            "plan.xlsx": plan_workbook(stored_plan(session, school), renderer),
            "district.xlsx": district_xlsx(district_rows(session, [school.id], clock.now()),
                                           HOSTILE[0], renderer),
        }
        audit = audit_csv(trail(session, school.id), school.timezone, renderer)
    for name, data in files.items():
        book = openpyxl.load_workbook(io.BytesIO(data))
        texts = [c.value for s in book for r in s.iter_rows() for c in r
                 if isinstance(c.value, str)]
        assert any(t.startswith("=") for t in texts), name  # the hostile text is there…
        assert xlsx_formulas(data) == [], name  # …as text
    assert csv_formulas(audit) == []
    assert "'=HYPERLINK" in audit.decode("utf-8-sig")  # shown as typed, not evaluated
