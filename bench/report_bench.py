"""Time to build the upward reports from a year of data: the full-year implementation
report as .docx and as .xlsx for 28 criteria × 12 months of updates, and the weekly digest
with its chart for a school of 80 staff and 60 tasks.

    python bench/report_bench.py [--database-url URL] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from templates.render import Renderer
from core.clock import FixedClock
from reports.charts import progress_chart
from storage.db import make_engine, recreate, session_factory
from reports.digest_data import digest_data
from readers.frameworks import frameworks
from storage.models import Evidence, School, Staff, Task, TaskOwner, TaskUpdate
from readers.plan_complete import complete_draft
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from storage.plans import save_plan
from reports.report_data import period_of, report_data
from reports.report_files import report_docx, report_xlsx
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import StaffRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAFF, TASKS, MONTHS = 80, 60, 12
STATUSES = ("in_progress", "late", "in_progress", "done")


def set_up(url: str) -> None:
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    clock = FixedClock(datetime(2023, 8, 20, 8, tzinfo=TZ))
    codes = list(frameworks()["TT18/2018"]["criteria"])  # 28 criteria
    with sessions.begin() as session:
        school = pick_school(session, "bench", clock, create=True)
        roles = ["HT"], ["PHT"], ["TTCM", "GVBM"], ["GVCN", "GVBM"], ["Tổ giám sát"]
        import_staff(session, school, [
            StaffRow(line=i, name=f"Giáo viên {i:03d}", phone=f"0913{i:06d}",
                     phone_norm=f"0913{i:06d}", roles=roles[min(i, 4)] if i < 6 else ["GVBM"],
                     group=f"Tổ {i % 6}") for i in range(STAFF)])
        criteria = [CriterionDraft(code, tasks=[]) for code in codes]
        for n in range(TASKS):
            criteria[n % len(codes)].tasks.append(TaskDraft(
                f"Nhiệm vụ cải tiến số {n + 1}: triển khai, kiểm tra và báo cáo kết quả",
                timeline="Hàng tháng" if n % 3 else "Tháng 12/2023"))
        draft = PlanDraft(school="Trường THCS Thử Tải", framework="TT18/2018",
                          school_year="2023-2024", criteria=criteria)
        save_plan(session, school, complete_draft(draft), clock)
        staff = session.scalars(select(Staff.id).order_by(Staff.id)).all()
        tasks = session.scalars(select(Task).order_by(Task.id)).all()
        session.execute(insert(TaskOwner), [
            {"task_id": t.id, "staff_id": staff[(i * 7 + k) % STAFF], "is_lead": k == 0,
             "phrase": "bench"} for i, t in enumerate(tasks) for k in range(2)])
        updates, evidence = [], []
        for month in range(MONTHS):
            at = datetime(2023, 9, 5, 9, tzinfo=TZ) + timedelta(days=30 * month)
            for i, task in enumerate(tasks):
                author = staff[(i * 7) % STAFF]
                updates.append({"school_id": school.id, "task_id": task.id,
                                "author_id": author, "status": STATUSES[(i + month) % 4],
                                "done_text": f"Tháng {month + 1}: đã thực hiện phần việc "
                                             "theo kế hoạch, có biên bản kèm theo.",
                                "reason": "Chờ kinh phí." if (i + month) % 4 == 1 else None,
                                "created_at": at})
                if (i + month) % 3 == 0:
                    evidence.append({"school_id": school.id, "task_id": task.id,
                                     "criterion_code": task.criterion.code,
                                     "author_id": author, "kind": "photo",
                                     "path": f"x/{i}-{month}.jpg", "size": 50_000,
                                     "sha256": "0" * 64, "created_at": at})
        session.execute(insert(TaskUpdate), updates)
        session.execute(insert(Evidence), evidence)
    engine.dispose()


def timed(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'reports.sqlite3'}"
        set_up(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        renderer = Renderer()

        def report(write):
            def work():
                with sessions() as session:
                    school = session.scalar(select(School))
                    data = report_data(session, school, period_of(session, school, "year"),
                                       date(2024, 6, 1))
                write(data, renderer)
            return work

        def digest():
            with sessions() as session:
                found = digest_data(session, session.scalar(select(School)), date(2024, 3, 4))
            renderer.text("reports/digest.j2", digest=found)
            progress_chart(found, renderer)

        with sessions() as session:
            counts = (session.scalar(select(Task.id).order_by(Task.id.desc()).limit(1)),
                      len(session.scalars(select(TaskUpdate.id)).all()),
                      len(session.scalars(select(Evidence.id)).all()))
        print(f"{engine.dialect.name}: 28 criteria, {counts[0]} tasks, {counts[1]} updates, "
              f"{counts[2]} evidence files, {STAFF} staff")
        for name, work in (("year report .docx", report(report_docx)),
                           ("year report .xlsx", report(report_xlsx)),
                           ("weekly digest + chart", digest)):
            work()  # the first run loads templates and fonts
            print(f"  {name:24} median {timed(args.repeat, work) * 1000:7.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
