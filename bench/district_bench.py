"""Time to show a district's page: 100 schools × 50 staff × 60 tasks with a school year of
updates and monthly check-ins, every figure of the table read (the district's schools,
then district_rows) and the page rendered, as /web/district does. Prints p50/p99.

    python bench/district_bench.py [--database-url URL] [--repeat 200]
    python bench/district_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database is emptied first (storage.db.recreate). Target: under a second.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from bot.web.console import Viewer
from bot.web.district_pages import Order
from reports.district_data import district_rows, sort_rows
from storage.access import district_scope
from storage.db import make_engine, recreate, session_factory
from storage.models import (
    Account,
    Checkpoint,
    Criterion,
    District,
    DistrictMember,
    OutboxMessage,
    Plan,
    School,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
)
from templates.render import Renderer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCHOOLS, STAFF, TASKS, CRITERIA = 100, 50, 60, 20
START = datetime(2023, 9, 5, 9, tzinfo=TZ)  # the first month of updates and check-ins
NOW = datetime(2024, 5, 20, 10, tzinfo=TZ)  # nine months in
MONTHS = 9
STATUSES = ("in_progress", "late", "in_progress", "done")


def _ids(session, statement, rows: list[dict]) -> list[int]:
    """Inserts the rows at once; their ids, in the rows' order."""
    return list(session.scalars(statement.returning(
        statement.table.c.id, sort_by_parameter_order=True), rows))


def set_up(url: str) -> None:
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    made = START - timedelta(days=20)
    with sessions.begin() as session:
        district = District(code="q1", name="Phòng GD&ĐT Quận 1", created_at=made)
        session.add(district)
        session.flush()
        session.add(DistrictMember(district_id=district.id, name="Chuyên viên", active=True,
                                   phone="0912345678", phone_norm="0912345678",
                                   created_at=made))
        schools = _ids(session, insert(School), [
            {"code": f"s{n:03d}", "name": f"Trường THCS số {n + 1}", "district_id": district.id,
             "timezone": "Asia/Ho_Chi_Minh", "created_at": made} for n in range(SCHOOLS)])
        # Every tenth school has not imported its plan yet.
        planned = [s for n, s in enumerate(schools) if n % 10]
        plans = _ids(session, insert(Plan), [
            {"school_id": s, "school_year": "2023-2024", "imported_at": made,
             "updated_at": made} for s in planned])
        staff = _ids(session, insert(Staff), [
            {"school_id": s, "name": f"Giáo viên {k}", "phone_norm": f"09{n:04d}{k:04d}",
             "roles": ["GVBM"], "active": k != STAFF - 1} for n, s in enumerate(schools)
            for k in range(STAFF)])
        session.execute(insert(Account), [
            {"school_id": schools[i // STAFF], "staff_id": m, "channel": "telegram",
             "external_user_id": str(m), "chat_id": str(m), "linked_at": made,
             "linked_by": "invite"} for i, m in enumerate(staff) if i % 5])
        criteria = _ids(session, insert(Criterion), [
            {"plan_id": p, "school_id": s, "code": f"{1 + c // 5}.{1 + c % 5}",
             "standard": 1 + c // 5, "position": c}
            for p, s in zip(plans, planned) for c in range(CRITERIA)])
        tasks, owners = [], []
        for n, (plan, school) in enumerate(zip(plans, planned)):
            for t in range(TASKS):
                dated = t % 3 == 0
                tasks.append({
                    "school_id": school, "plan_id": plan,
                    "criterion_id": criteria[n * CRITERIA + t % CRITERIA], "position": t,
                    "text": f"Nhiệm vụ cải tiến số {t + 1}: triển khai và báo cáo kết quả",
                    "owner_phrases": ["GVBM"], "timeline": "Tháng 12/2023" if dated
                    else "Hàng tháng", "schedule_kind": "deadline" if dated else "month",
                    "due_on": date(2023, 10, 1) + timedelta(days=(t * 17 + n) % 300)
                    if dated else None,
                    "status": STATUSES[(t + n) % 4]})
        task_ids = _ids(session, insert(Task), tasks)
        staff_of = {school: staff[n * STAFF:(n + 1) * STAFF] for n, school in enumerate(schools)}
        owner_of = {}
        for task_id, task in zip(task_ids, tasks):
            people = staff_of[task["school_id"]]
            owner_of[task_id] = people[task["position"] % STAFF]
            owners += [{"task_id": task_id, "staff_id": people[(task["position"] + k) % STAFF],
                        "is_lead": k == 0, "phrase": "GVBM"} for k in range(2)]
        session.execute(insert(TaskOwner), owners)
        updates, check_ins = [], []
        for month in range(MONTHS):
            at = START + timedelta(days=30 * month)
            for i, (task_id, task) in enumerate(zip(task_ids, tasks)):
                if (i + month) % 5:  # a fifth of the tasks skip a month
                    updates.append({"school_id": task["school_id"], "task_id": task_id,
                                    "author_id": owner_of[task_id],
                                    "status": STATUSES[(i + month) % 4],
                                    "done_text": "Đã thực hiện theo kế hoạch.",
                                    "created_at": at + timedelta(days=22)})
            due = at + timedelta(days=20)
            for school in planned:
                for k, member in enumerate(staff_of[school]):
                    check_ins.append({
                        "school_id": school, "key": f"monthly:{month}:{member}",
                        "kind": "monthly", "period": f"{month}", "staff_id": member,
                        "channel": "telegram", "chat_id": str(member), "due_at": due,
                        "not_before": due, "status": "sent", "sent_at": due,
                        "task_ids": [], "body": {}, "attempts": 1, "created_at": due})
        session.execute(insert(TaskUpdate), updates)
        session.execute(insert(OutboxMessage), check_ins)
        session.execute(insert(Checkpoint), [
            {"plan_id": p, "school_id": s, "position": k, "when_text": f"Kiểm tra đợt {k + 1}",
             "due_on": date(2023, 11, 15) + timedelta(days=60 * k)}
            for p, s in zip(plans, planned) for k in range(4)])
    engine.dispose()


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'district.sqlite3'}"
        started = time.perf_counter()
        set_up(url)
        built = time.perf_counter() - started
        engine = make_engine(url)
        sessions = session_factory(engine)
        renderer = Renderer()
        order = Order("name", False)

        def page() -> str:
            with sessions() as session:
                member = session.scalar(select(DistrictMember))
                scope = district_scope(session, member)
                district = session.get(District, member.district_id)
                rows = district_rows(session, scope.school_ids, NOW)
            viewer = Viewer(member.name, scope, "token", "csrf", member_id=member.id)
            return renderer.html("web/district.j2", viewer=viewer, district=district,
                                 rows=sort_rows(rows, order.key, order.descending),
                                 order=order, today=NOW.date())

        with sessions() as session:
            counts = [session.scalar(select(func.count()).select_from(model))
                      for model in (School, Staff, Task, TaskUpdate, OutboxMessage)]
        print(f"{engine.dialect.name}: {counts[0]} schools, {counts[1]} staff, {counts[2]} "
              f"tasks, {counts[3]} updates, {counts[4]} check-ins (built in {built:.0f} s)")
        html = page()  # the first run loads the templates
        assert html.count('<tr data-school="') == SCHOOLS
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            page()
            times.append(time.perf_counter() - started)
        print(f"  district page ×{args.repeat}: p50 {percentile(times, 0.5) * 1000:6.1f} ms"
              f"  p99 {percentile(times, 0.99) * 1000:6.1f} ms"
              f"  mean {statistics.fmean(times) * 1000:6.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
