"""The weekly digest of a lived school year: its numbers against a direct count, its chart
a real picture."""

from __future__ import annotations

import struct
from datetime import date

from sqlalchemy import select

from reports.charts import progress_chart
from reports.digest_data import digest_data
from storage.models import School, Task, TaskUpdate


def digest_on(sessions, school, day):
    with sessions() as session:
        return digest_data(session, session.get(School, school.id), day)


def test_the_numbers_are_a_direct_count(sessions, year_of_updates):
    digest = digest_on(sessions, year_of_updates, date(2024, 3, 4))
    with sessions() as session:
        tasks = session.scalars(select(Task).where(Task.closed_at.is_(None))).all()
        latest = {}
        for update in session.scalars(select(TaskUpdate).order_by(TaskUpdate.id)):
            latest[update.task_id] = update.status
    expected = {s: sum(1 for t in tasks if latest.get(t.id, "none") == s)
                for s in ("done", "in_progress", "late", "not_started", "none")}
    assert digest.overall.by_status == expected == {
        "done": 2, "in_progress": 1, "late": 1, "not_started": 1, "none": 1}
    assert digest.overall.done_share == 33
    assert [s.code for s in digest.standards] == ["1", "2", "3", "4"]
    assert [(c.code, c.who, c.status) for c in digest.changes] == [
        ("3.4", "Trần Thị Hoa", "done")]
    assert [(o.code, o.due) for o in digest.overdue] == []  # nothing dated has passed undone


def test_overdue_and_the_week_before(sessions, year_of_updates):
    digest = digest_on(sessions, year_of_updates, date(2024, 6, 3))
    assert [(o.code, o.due, o.days) for o in digest.overdue] == [
        ("1.3", date(2024, 5, 31), 3)]
    assert "Nguyễn Văn Tốt" in digest.overdue[0].owners
    earlier = digest_on(sessions, year_of_updates, date(2023, 10, 9))
    assert [(c.code, c.status) for c in earlier.changes] == [("1.2", "in_progress")]
    assert earlier.overall.by_status["done"] == 1  # 3.3, done in July


def test_the_chart_is_a_png_a_phone_shows(sessions, renderer, year_of_updates):
    png = progress_chart(digest_on(sessions, year_of_updates, date(2024, 3, 4)), renderer)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (768, 432) and 10_000 < len(png) < 200_000


def test_the_digest_from_the_command_line(cli, year_of_updates, tmp_path):
    code, out, _ = cli("digest", "--as-of", "2024-06-03", "--chart", str(tmp_path / "c.png"))
    assert code == 0
    assert "Hoàn thành 2/6 nhiệm vụ cải tiến (33%)" in out
    assert "⏰ Quá hạn: 1 nhiệm vụ" in out and "[1.3]" in out
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
