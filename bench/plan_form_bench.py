"""Time to write a 300-task plan in the ministry's form (`caitien plan export --format
docx`, the console's download): reading the stored plan with its review moments and the
answers that give their results, then the Word document — the 57/2026 Biểu 2 and the 2018
nine-column table — and reading that document back through the importer.

    python bench/plan_form_bench.py [--database-url URL] [--repeat 5] [--tasks 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from core.clock import FixedClock
from readers.frameworks import frameworks
from readers.plan_complete import complete_draft
from readers.plan_draft import CheckpointDraft, CriterionDraft, PlanDraft, TaskDraft
from readers.plan_files import read_plan
from reports.plan_form import plan_form_docx, stored_plan_form
from storage.db import make_engine, recreate, session_factory
from storage.models import School, Staff, Task, TaskUpdate
from storage.plans import save_plan
from storage.schools import pick_school
from templates.render import Renderer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRAMEWORKS = {"TT57/2026": "2026-2027", "TT18/2018": "2023-2024"}


def set_up(url: str, framework: str, tasks: int) -> None:
    """A plan of `tasks` tasks over the framework's criteria, its two review moments, and a
    month of answers for every task before the first of them."""
    engine = make_engine(url)
    recreate(engine)
    sessions = session_factory(engine)
    year = FRAMEWORKS[framework]
    first = int(year[:4])
    clock = FixedClock(datetime(first, 8, 20, 8, tzinfo=TZ))
    codes = list(frameworks()[framework]["criteria"])
    criteria = [CriterionDraft(code, target="Đạt Mức 2", tasks=[]) for code in codes]
    for n in range(tasks):
        criteria[n * len(codes) // tasks].tasks.append(TaskDraft(
            f"Nhiệm vụ cải tiến số {n + 1}: rà soát, bổ sung hồ sơ, tổ chức thực hiện và báo "
            "cáo kết quả theo kế hoạch của tổ", owners_text="PHT, TTCM",
            output="Biên bản, sản phẩm", timeline="Hàng tháng" if n % 3 else f"Tháng 12/{first}",
            support="Kinh phí chi thường xuyên"))
    draft = PlanDraft(school="Trường THCS Thử Tải", framework=framework, level="thcs",
                      school_year=year, criteria=criteria, checkpoints=[
                          CheckpointDraft("Cuối học kỳ I", "Tiến độ các nhiệm vụ",
                                          "Hội đồng tự đánh giá"),
                          CheckpointDraft("Cuối năm học", "Kết quả các nhiệm vụ",
                                          "Hội đồng tự đánh giá")])
    with sessions.begin() as session:
        school = pick_school(session, "bench", clock, create=True)
        save_plan(session, school, complete_draft(draft), clock)
        author = Staff(school_id=school.id, name="Hiệu trưởng", roles=["HT"])
        session.add(author)
        session.flush()
        at = datetime(first, 12, 1, 9, tzinfo=TZ)
        session.execute(insert(TaskUpdate), [
            {"school_id": school.id, "task_id": task.id, "author_id": author.id,
             "status": ("done", "in_progress", "late")[i % 3], "created_at": at}
            for i, task in enumerate(session.scalars(select(Task).order_by(Task.id)))])
    engine.dispose()


def timed(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=300)
    args = parser.parse_args()
    renderer = Renderer()
    for framework, year in FRAMEWORKS.items():
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{Path(tmp) / 'plan.sqlite3'}"
            set_up(url, framework, args.tasks)
            measure(url, Path(tmp) / "ke-hoach.docx", framework,
                    date(int(year[:4]) + 1, 2, 1), args, renderer)  # after the first review


def measure(url: str, path: Path, framework: str, today: date, args, renderer) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)

    def read():
        with sessions() as session:
            return stored_plan_form(session, session.scalar(select(School)), today)
    reading, form = timed(args.repeat, read)
    writing, data = timed(args.repeat, lambda: plan_form_docx(form, renderer))
    path.write_bytes(data)
    back, again = timed(args.repeat, lambda: read_plan(path))
    assert again.task_count == args.tasks
    print(f"{framework}, {args.tasks} tasks: read {reading * 1000:.0f} ms, "
          f"write .docx {writing * 1000:.0f} ms ({len(data) // 1024} KB), "
          f"export in all {(reading + writing) * 1000:.0f} ms; "
          f"read back by the importer {back * 1000:.0f} ms")
    engine.dispose()

if __name__ == "__main__":
    main()
