"""The district's table: every figure against a direct count over the rows themselves, on
schools in two time zones, one without a plan; the spreadsheet opened as a real file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.clock import FixedClock
from readers.plan_files import read_plan
from readers.staff_sheet import StaffRow
from readers.timelines import DATED
from reports.digest_data import digest_data
from reports.district_data import Held, SchoolRow, district_rows, district_xlsx, sort_rows
from storage.models import (
    Account,
    Checkpoint,
    OutboxMessage,
    Plan,
    School,
    Staff,
    Task,
    TaskUpdate,
)
from storage.plans import current_plan, save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.updates import record_update

DEMO = Path(__file__).parents[2] / "bot" / "demo"
WEST = "America/Los_Angeles"  # the test's now, 2026-11-02 02:00 UTC, is still 1 November there


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=timezone.utc)


def check_in(session, member: Staff, due: datetime, task_ids: list[int],
             kind: str = "monthly", status: str = "sent") -> None:
    session.add(OutboxMessage(
        school_id=member.school_id, key=f"{kind}:{member.id}:{due.isoformat()}", kind=kind,
        period="2026-10", staff_id=member.id, channel="test", chat_id=str(member.id),
        due_at=due, not_before=due, status=status, task_ids=task_ids,
        sent_at=due if status == "sent" else None, created_at=due))


def update(session, task: Task, author: Staff, status: str, when: datetime) -> None:
    record_update(session, task, author.id, status, None, None, [],
                  FixedClock(when))


def link(session, member: Staff, channel: str) -> None:
    session.add(Account(school_id=member.school_id, staff_id=member.id, channel=channel,
                        external_user_id=f"{channel}{member.id}", chat_id=str(member.id),
                        linked_at=at(1), linked_by="contact"))


@pytest.fixture
def schools(sessions, clock, school) -> list[int]:
    """The example school; the same plan in a school on Los Angeles time, with one more
    task due on 1 November (overdue in Hà Nội, not yet there) and two checkpoints; a school
    with staff and no plan; and a school of nobody's district, never asked about."""
    with sessions.begin() as session:
        demo = session.get(School, school.id)
        west = pick_school(session, "west", clock, create=True, timezone=WEST)
        west.name = "Trường THCS Bờ Tây"
        import_staff(session, west, [
            StaffRow(i, f"Giáo viên {i}", None, f"0977{i:06d}", ["HT"] if i == 0 else ["GVBM"])
            for i in range(5)])
        save_plan(session, west, read_plan(DEMO / "plan.csv"), clock)
        bare = pick_school(session, "bare", clock, create=True)
        bare.name = "Trường Tiểu học An Phú"
        import_staff(session, bare, [StaffRow(1, "Giáo viên lẻ", None, "0966000001")])

        for one in (demo, west):
            plan = current_plan(session, one.id)
            tasks = session.scalars(select(Task).where(Task.plan_id == plan.id)
                                    .order_by(Task.id)).all()
            staff = session.scalars(select(Staff).where(Staff.school_id == one.id)
                                    .order_by(Staff.id)).all()
            tasks[1].schedule_kind, tasks[1].due_on = "deadline", date(2026, 11, 1)
            update(session, tasks[0], staff[0], "in_progress", at(5))
            update(session, tasks[2], staff[1], "done", at(6))
            update(session, tasks[3], staff[1], "done", at(20))
            tasks[4].closed_at = at(21)  # dropped from the plan: counted nowhere
            # Silent: staff 2 (nothing since), staff 3 (answered the one before only).
            # Answered: staff 1 (after its due time). Not asked: the rest.
            asked = [t.id for t in tasks]
            check_in(session, staff[1], at(10), asked)
            check_in(session, staff[2], at(10), asked)
            check_in(session, staff[3], at(1), asked)
            update(session, tasks[5], staff[3], "in_progress", at(2))
            check_in(session, staff[3], at(25), asked)
            check_in(session, staff[4], at(25), asked, status="failed")  # not sent: not asked
            check_in(session, staff[4], at(25), asked, kind="deadline")  # not a check-in
            link(session, staff[0], "telegram")
            link(session, staff[0], "zalo")
            link(session, staff[2], "telegram")
        ids = session.scalars(select(Plan.id).where(Plan.school_id == west.id)).all()
        for position, day in enumerate((date(2026, 10, 15), date(2026, 11, 2),
                                        date(2026, 12, 20))):
            session.add(Checkpoint(plan_id=ids[0], school_id=west.id, position=position,
                                   when_text=f"Đợt {position + 1}", due_on=day))
        session.add(Checkpoint(plan_id=ids[0], school_id=west.id, position=9,
                               when_text="Không rõ ngày", due_on=None))
        gone = session.scalar(select(Staff).where(Staff.school_id == west.id,
                                                  Staff.name == "Giáo viên 2"))
        gone.active = False  # left the school: no longer silent, no longer counted
        stranger = pick_school(session, "elsewhere", clock, create=True)
        import_staff(session, stranger, [StaffRow(1, "Người ngoài", None, "0955000001")])
        return [demo.id, west.id, bare.id]


@dataclass
class Direct:
    tasks: int
    done: int
    overdue: int
    silent: int
    staff: int
    linked: int
    checkpoint: Held | None


def direct(session, school: School, now: datetime) -> Direct:
    """The figures counted one row at a time, in Python."""
    today = now.astimezone(ZoneInfo(school.timezone)).date()
    plan = current_plan(session, school.id)
    tasks = [t for t in session.scalars(select(Task).where(Task.school_id == school.id))
             if plan and t.plan_id == plan.id and t.closed_at is None]
    staff = [m for m in session.scalars(select(Staff).where(Staff.school_id == school.id))
             if m.active]
    linked = {a.staff_id for a in session.scalars(select(Account))}
    silent = 0
    for member in staff:
        asked = [m for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.staff_id == member.id)) if m.status == "sent"
            and m.kind in ("monthly", "term_review")]
        if asked:
            last = max(asked, key=lambda m: (m.due_at, m.id))
            silent += not any(u.author_id == member.id and u.created_at >= last.due_at
                              for u in session.scalars(select(TaskUpdate)))
    held = [c for c in session.scalars(select(Checkpoint))
            if plan and c.plan_id == plan.id and c.due_on and c.due_on <= today]
    last = max(held, key=lambda c: (c.due_on, c.position)) if held else None
    return Direct(
        tasks=len(tasks), done=sum(t.status == "done" for t in tasks),
        overdue=sum(t.schedule_kind in DATED and t.due_on is not None and t.due_on < today
                    and t.status != "done" for t in tasks),
        silent=silent, staff=len(staff), linked=sum(m.id in linked for m in staff),
        checkpoint=Held(last.due_on, last.when_text) if last else None)


def test_every_figure_is_the_direct_count(sessions, clock, schools):
    now = clock.now()
    with sessions() as session:
        rows = district_rows(session, frozenset(schools), now)
        expected = {s: direct(session, session.get(School, s), now) for s in schools}
    # By name, diacritics aside: THCS Bờ Tây, THCS Hoà Bình, Tiểu học An Phú.
    assert [r.code for r in rows] == ["west", "demo", "bare"]
    for row in rows:
        figures = Direct(row.tasks, row.done, row.overdue, row.silent, row.staff, row.linked,
                         row.checkpoint)
        assert figures == expected[row.school_id], row.code
    demo, west, bare = (next(r for r in rows if r.code == c) for c in ("demo", "west", "bare"))
    assert (demo.tasks, demo.done, demo.share) == (9, 2, 22)
    assert (demo.overdue, west.overdue) == (2, 1)  # 1 November has passed only in Hà Nội
    assert (demo.silent, west.silent) == (2, 1)  # Giáo viên 2 of the west school has left
    assert (demo.linked, west.linked, west.staff) == (2, 1, 4)
    assert west.checkpoint == Held(date(2026, 10, 15), "Đợt 1")  # 2 November is tomorrow there
    assert demo.checkpoint is None and demo.has_plan and west.plan_imported == clock.now()
    assert (bare.has_plan, bare.tasks, bare.share, bare.staff, bare.linked) == (
        False, 0, 0, 1, 0)


def test_the_example_school_agrees_with_its_weekly_digest(sessions, clock, schools):
    with sessions() as session:
        school = session.get(School, schools[0])
        (row,) = district_rows(session, {school.id}, clock.now())
        digest = digest_data(session, school, date(2026, 11, 2))
    assert row.overdue == len(digest.overdue)
    assert row.silent == len(digest.silent)
    assert (row.done, row.tasks) == (digest.overall.by_status["done"], digest.overall.total)


def test_a_checkpoint_is_held_on_its_day(sessions, clock, schools):
    later = clock.now() + timedelta(hours=12)  # 2 November has come in Los Angeles too
    with sessions() as session:
        (west,) = district_rows(session, {schools[1]}, later)
    assert west.checkpoint == Held(date(2026, 11, 2), "Đợt 2") and west.overdue == 2
    with sessions() as session:
        assert district_rows(session, frozenset(), later) == []


def test_sorting_keeps_ties_by_name_either_way():
    def row(code, name, **figures):
        return SchoolRow(len(code), code, name, "Asia/Ho_Chi_Minh", **figures)
    rows = [row("c", "Trường C", tasks=10, done=5, overdue=1),
            row("a", "Trường Ánh Dương", tasks=4, done=2, overdue=3,
                plan_imported=at(1), checkpoint=Held(date(2026, 10, 1), "x")),
            row("b", "Trường Bình Minh", overdue=1),
            row("d", "trường Đông", tasks=3, done=3, overdue=1, plan_imported=at(2))]
    codes = lambda key, descending: [r.code for r in sort_rows(rows, key, descending)]
    assert codes("name", False) == ["a", "b", "c", "d"]
    assert codes("name", True) == ["d", "c", "b", "a"]
    assert codes("share", False) == ["b", "a", "c", "d"]  # no task at all comes first
    assert codes("overdue", True) == ["a", "b", "c", "d"]
    assert codes("overdue", False) == ["b", "c", "d", "a"]
    assert codes("plan", False) == ["b", "c", "a", "d"]
    assert codes("checkpoint", True) == ["a", "b", "c", "d"]


def test_the_spreadsheet_holds_the_same_figures(sessions, clock, renderer, schools):
    with sessions() as session:
        rows = district_rows(session, frozenset(schools), clock.now())
    rows[0].name = "=HYPERLINK(\"http://x\")"  # a name is text, never a formula
    sheet = load_workbook(BytesIO(district_xlsx(rows, "Phòng GD&ĐT Quận 1", renderer))).active
    assert sheet.title == "Tổng hợp"
    assert sheet["A1"].value.startswith("Phòng GD&ĐT Quận 1 · ") and sheet["A1"].font.b
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["Mã trường", "Tên trường", "Kế hoạch"] and sheet["G2"].font.b
    assert sheet.column_dimensions["B"].width == 36
    lines = {line[0]: line for line in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(lines) == {"west", "bare", "demo"}
    for row in rows:
        line = lines[row.code]
        assert line[1] == row.name and line[4:6] == (row.tasks, row.done)
        assert line[7:11] == (row.overdue, row.silent, row.staff, row.linked)
        assert line[6] == (pytest.approx(row.done / row.tasks) if row.tasks else None)
    assert sheet["B3"].data_type == "s" and sheet["B3"].value.startswith("=HYPERLINK")
    west = lines["west"]
    assert west[2] == "Đã nhập" and west[3].date() == date(2026, 11, 1)
    assert west[11].date() == date(2026, 10, 15) and west[12] == "Đợt 1"
    assert lines["bare"][2:4] == ("Chưa nhập", None)
    share = next(c for c in sheet["G"][2:] if c.value is not None)
    assert share.number_format == "0%"
