"""Schools: every other row hangs off one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar import SchoolCalendar
from core.clock import Clock
from core.errors import InputError
from storage.models import School

DEFAULT_CODE = "truong"


def pick_school(session: Session, code: str | None, clock: Clock, create: bool = False,
                timezone: str = "Asia/Ho_Chi_Minh") -> School:
    """The school named by `code`; without a code, the only school there is.

    With `create`, a school that does not exist yet is created.
    """
    if code is None:
        schools = session.scalars(select(School).order_by(School.id)).all()
        if len(schools) == 1:
            return schools[0]
        if len(schools) > 1:
            raise InputError("school_ambiguous", codes=[s.code for s in schools])
        code = DEFAULT_CODE
    school = session.scalar(select(School).where(School.code == code))
    if school is None:
        if not create:
            raise InputError("school_unknown", code=code)
        school = School(code=code, timezone=timezone, created_at=clock.now())
        session.add(school)
        session.flush()
    return school


def school_calendar(school: School) -> SchoolCalendar:
    """The school's calendar: its own settings over the defaults."""
    return SchoolCalendar.from_json(school.calendar)


def school_tz(school: School) -> ZoneInfo:
    return ZoneInfo(school.timezone)
