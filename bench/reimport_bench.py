"""How long re-importing a large plan takes when every task was edited.

Imports a plan of `--tasks` tasks spread over `--criteria` criteria into the bench school,
then re-imports it with every task's text reworded. Prints the time to match the new tasks
against the stored ones (as the upload preview does), and of the whole save. Usage:

    python bench/reimport_bench.py [--tasks 2000] [--criteria 28] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timezone

from sqlalchemy import func, select

from core.clock import FixedClock
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from storage.models import Task
from storage.plans import current_plan, match_tasks, open_plan_tasks, save_plan
from storage.schools import pick_school

# bench/ is the script's folder: its shared module imports as a top-level one.
from school import bench_school

VERBS = ["Tổ chức", "Xây dựng", "Rà soát", "Bồi dưỡng", "Kiểm tra", "Cập nhật", "Tập huấn",
         "Phối hợp", "Đánh giá", "Hoàn thiện"]
OBJECTS = ["buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "kế hoạch giáo dục nhà trường",
           "hồ sơ tự đánh giá chất lượng", "kho học liệu số dùng chung", "thiết bị dạy học",
           "chuyên đề đổi mới kiểm tra đánh giá", "hoạt động trải nghiệm hướng nghiệp",
           "câu lạc bộ năng khiếu", "sổ theo dõi chất lượng giáo dục", "góc thư viện lớp học"]
GROUPS = ["cho giáo viên tổ Toán", "cho giáo viên tổ Ngữ văn", "cho học sinh khối 6",
          "cho học sinh khối 9", "cùng Ban đại diện cha mẹ học sinh", "với tổ Văn phòng",
          "tại các lớp chủ nhiệm", "theo từng học kỳ"]


def task_text(rng: random.Random) -> str:
    return (f"{rng.choice(VERBS)} {rng.randint(1, 12)} {rng.choice(OBJECTS)} "
            f"{rng.choice(GROUPS)}; hoàn thành trước tháng {rng.randint(1, 12)}")


def reworded(text: str, n: int) -> str:
    """A small edit, as schools make mid-year: a figure changed and a clause added."""
    return text.replace("hoàn thành trước", f"báo cáo lần {n % 3 + 1} trước") + " (điều chỉnh)"


def plan(texts: list[list[str]]) -> PlanDraft:
    return PlanDraft(school_year="2026-2027", criteria=[
        CriterionDraft(f"{c // 6 + 1}.{c % 6 + 1}", tasks=[
            TaskDraft(text, owners=["GVBM"]) for text in tasks])
        for c, tasks in enumerate(texts)])


def run(url: str, tasks: int, criteria: int) -> None:
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    db, sessions = bench_school(url, 20, clock, "bench", lambda line: str(10_000 + line))
    rng = random.Random(7)
    texts = [[task_text(rng) for _ in range(tasks * (c + 1) // criteria - tasks * c // criteria)]
             for c in range(criteria)]
    with sessions.begin() as session:
        save_plan(session, pick_school(session, "bench", clock), plan(texts), clock)
    edited = plan([[reworded(text, n) for n, text in enumerate(ts)] for ts in texts])
    with sessions.begin() as session:
        school = pick_school(session, "bench", clock)
        stored = open_plan_tasks(session, current_plan(session, school.id).id)
        started = time.perf_counter()
        match = match_tasks(stored, edited)
        matching = time.perf_counter() - started
        started = time.perf_counter()
        report = save_plan(session, school, edited, clock)
        saving = time.perf_counter() - started
        still_open = session.scalar(select(func.count(Task.id)).where(Task.closed_at.is_(None)))
    print(f"{db.dialect.name:10} tasks={tasks} criteria={criteria} "
          f"match={matching * 1000:8.1f} ms save={saving * 1000:8.1f} ms "
          f"adjusted={match.count('adjusted')}/{report.adjusted} added={report.added} "
          f"closed={report.closed} open={still_open}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--criteria", type=int, default=28)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.tasks, args.criteria)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", args.tasks, args.criteria)


if __name__ == "__main__":
    main()
