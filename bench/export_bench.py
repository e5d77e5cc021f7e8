"""Time to export a whole school (`caitien export`): reading it into the dict, then the JSON
and the workbook, for a big school — 100 staff each linked, 100 tasks on 28 criteria, a
year of updates (four a task a month, one in ten a correction), a photo with every third,
and an audit trail.

    python bench/export_bench.py [--database-url URL] [--repeat 5] [--staff 100]
                                 [--tasks 100] [--per-month 4]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from core.clock import FixedClock
from readers.frameworks import frameworks
from readers.plan_complete import complete_draft
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.staff_sheet import StaffRow
from reports.school_export import export_json, export_workbook, school_export
from storage.db import make_engine, recreate, session_factory
from storage.models import (Account, AuditEvent, Evidence, School, Staff, Task, TaskOwner,
                            TaskUpdate)
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from templates.render import Renderer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STATUSES = ("in_progress", "late", "in_progress", "done")


def set_up(url: str, staff_count: int, task_count: int, per_month: int) -> None:
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    clock = FixedClock(datetime(2023, 8, 20, 8, tzinfo=TZ))
    codes = list(frameworks()["TT18/2018"]["criteria"])
    with sessions.begin() as session:
        school = pick_school(session, "bench", clock, create=True)
        school.name = "Trường THCS Thử Tải"
        school.calendar = {"holidays": [{"from": "2024-02-08", "to": "2024-02-14",
                                         "name": "Tết Giáp Thìn"}]}
        roles = ["HT"], ["PHT"], ["TTCM", "GVBM"], ["GVCN", "GVBM"], ["Tổ giám sát"]
        import_staff(session, school, [
            StaffRow(line=i, name=f"Giáo viên {i:03d}", phone=f"0913{i:06d}",
                     phone_norm=f"0913{i:06d}", roles=roles[min(i, 4)] if i < 6 else ["GVBM"],
                     group=f"Tổ {i % 6}") for i in range(staff_count)])
        criteria = [CriterionDraft(code, tasks=[]) for code in codes]
        for n in range(task_count):
            criteria[n % len(codes)].tasks.append(TaskDraft(
                f"Nhiệm vụ cải tiến số {n + 1}: triển khai, kiểm tra và báo cáo kết quả",
                timeline="Hàng tháng" if n % 3 else "Tháng 12/2023"))
        save_plan(session, school, complete_draft(PlanDraft(
            school=school.name, framework="TT18/2018", school_year="2023-2024",
            criteria=criteria)), clock)
        staff = session.scalars(select(Staff.id).order_by(Staff.id)).all()
        tasks = session.scalars(select(Task).order_by(Task.id)).all()
        session.execute(insert(Account), [
            {"school_id": school.id, "staff_id": s, "channel": "telegram",
             "external_user_id": str(7000 + s), "chat_id": str(7000 + s),
             "linked_at": clock.now(), "linked_by": "invite"} for s in staff])
        session.execute(insert(TaskOwner), [
            {"task_id": t.id, "staff_id": staff[(i * 7 + k) % len(staff)], "is_lead": k == 0,
             "phrase": "GVBM"} for i, t in enumerate(tasks) for k in range(2)])
        session.execute(insert(AuditEvent), [
            {"school_id": school.id, "at": clock.now() + timedelta(days=n), "kind": "pause",
             "actor_id": staff[0], "via": "web", "subject": f"Giáo viên {n:03d}",
             "details": {"until": "2024-01-15"}} for n in range(200)])
        rows, evidence = [], []
        for month in range(12):
            for week in range(per_month):
                at = datetime(2023, 9, 5, 9, tzinfo=TZ) + timedelta(days=30 * month + 7 * week)
                for i, task in enumerate(tasks):
                    author = staff[(i * 7) % len(staff)]
                    rows.append({"school_id": school.id, "task_id": task.id, "author_id": author,
                                 "status": STATUSES[(i + month) % 4],
                                 "done_text": f"Tháng {month + 1}, tuần {week + 1}: đã thực "
                                              "hiện phần việc theo kế hoạch, có biên bản.",
                                 "reason": "Chờ kinh phí." if (i + month) % 4 == 1 else None,
                                 "created_at": at})
                    if (i + month + week) % 3 == 0:
                        evidence.append((len(rows) - 1, {
                            "school_id": school.id, "task_id": task.id,
                            "criterion_code": task.criterion.code, "author_id": author,
                            "kind": "photo", "path": f"bench/{task.criterion.code}/{i}-{month}"
                            f"-{week}.jpg", "file_name": None, "mime_type": "image/jpeg",
                            "size": 50_000, "sha256": "0" * 64, "created_at": at}))
        ids = session.scalars(insert(TaskUpdate).returning(TaskUpdate.id,
                                                        sort_by_parameter_order=True),
                              rows).all()
        session.execute(insert(Evidence), [{**item, "update_id": ids[row]}
                                           for row, item in evidence])
        session.execute(insert(TaskUpdate), [
            {**rows[n], "corrects_id": ids[n], "done_text": "Sửa lại: " + rows[n]["done_text"],
             "created_at": rows[n]["created_at"] + timedelta(hours=2)}
            for n in range(0, len(rows), 10)])
    engine.dispose()


def timed(repeat: int, work) -> tuple[float, float]:
    """Median wall-clock and CPU seconds: the CPU figure holds when the machine is busy."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--staff", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--per-month", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'export.sqlite3'}"
        set_up(url, args.staff, args.tasks, args.per_month)
        engine = make_engine(url)
        sessions = session_factory(engine)
        renderer = Renderer()
        now = datetime(2024, 6, 1, 9, tzinfo=TZ)

        def read() -> dict:
            with sessions() as session:
                return school_export(session, session.scalar(select(School)), now)

        data = read()  # the first run loads templates and warms the caches
        workbook, json_file = export_workbook(data, renderer), export_json(data)
        with sessions() as session:
            counts = [session.scalar(select(func.count()).select_from(t))
                      for t in (Staff, Task, TaskUpdate, Evidence)]
        print(f"{engine.dialect.name}: {counts[0]} staff, {counts[1]} tasks, {counts[2]} "
              f"updates, {counts[3]} evidence files, {len(data['audit'])} audit events "
              f"— .xlsx {len(workbook) / 1e6:.1f} MB, .json {len(json_file) / 1e6:.1f} MB")
        figures = (("read (school_export)", read),
                   ("workbook from the dict", lambda: export_workbook(data, renderer)),
                   ("JSON from the dict", lambda: export_json(data)),
                   ("read + workbook", lambda: export_workbook(read(), renderer)),
                   ("read + JSON", lambda: export_json(read())))
        for name, work in figures:
            wall, cpu = timed(args.repeat, work)
            print(f"  {name:24} median {wall * 1000:7.1f} ms (CPU {cpu * 1000:7.1f} ms)")
        engine.dispose()


if __name__ == "__main__":
    main()
