"""The bundled example school as its principal sets it up with the CLI: the staff list, then
the plan. `caitien demo` and the training sandbox both start from it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from core.clock import Clock
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from storage.models import School
from storage.plans import PlanImportReport, save_plan
from storage.schools import pick_school
from storage.staff_repo import StaffImportReport, import_staff

DATA = Path(__file__).parent
CODE = "demo"


def set_up_school(session: Session, clock: Clock
                  ) -> tuple[School, StaffImportReport, PlanImportReport]:
    school = pick_school(session, CODE, clock, create=True)
    staff = import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
    plan = save_plan(session, school, read_plan(DATA / "plan.csv"), clock,
                     source_name="plan.csv")
    return school, staff, plan
