"""`caitien year` as the IT person runs it for the principal in June: look first, close
the year, fetch next year's draft, send back her edited copy, open the new year."""

from __future__ import annotations

import docx
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot import year_cli
from readers.plan_files import read_plan
from reports.plan_workbook import stored_plan
from storage.db import session_factory
from storage.models import Plan, School, SchoolYear, Task
from tests.conftest import DEMO
from tests.reports.test_plan_form import plan_of
from tests.writes import writes_open

JUNE = "2027-06-15T09:00:00+07:00"


def count(db, model) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar()


def test_close_draft_edit_and_open_the_next_year(cli, db, tmp_path, monkeypatch):
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    code, _, err = cli("year", "close")
    assert code == 2 and "chưa có năm học nào để kết thúc" in err
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    assert cli("plan", "export", "nam-nay.xlsx")[0] == 0  # this year's plan, for later
    monkeypatch.setenv("CAITIEN_CLOCK_START", JUNE)

    code, out, _ = cli("year", "close", "--dry-run")
    assert code == 0 and out.startswith("Xem trước (chưa ghi gì): kết thúc năm học 2026-2027")
    assert "Dự thảo kế hoạch năm học 2027-2028" in out
    assert "«NV Thiết bị»: 1 người" in out  # the draft's owners, as an import shows them
    assert count(db, SchoolYear) == 0 and not (tmp_path / "evidence").exists()

    code, out, _ = cli("year", "close")
    assert code == 0 and out.startswith("Đã kết thúc năm học 2026-2027.")
    assert "mã kiểm tra" in out and count(db, SchoolYear) == 1
    code, _, err = cli("year", "close")
    assert code == 2 and "đã kết thúc lúc 09:00 15/06/2027" in err
    assert count(db, SchoolYear) == 1

    code, out, _ = cli("year", "draft", "--out", "nam-sau.xlsx")
    assert code == 0 and "caitien year open --file nam-sau.xlsx" in out
    book = load_workbook(tmp_path / "nam-sau.xlsx")
    sheet = book.active
    header = next(r for r in sheet.iter_rows() if r[0].value == "Tiêu chí")
    column = [c.value for c in header].index("Thời gian thực hiện")
    stocktake = next(r for r in sheet.iter_rows() if r[3].value and
                     r[3].value.startswith("Kiểm kê"))
    assert stocktake[column].value == "Tháng 11/2027"
    stocktake[column].value = "Tháng 10/2027"  # the principal moves it a month earlier
    book.save(tmp_path / "nam-sau.xlsx")

    (tmp_path / "hong.xlsx").write_bytes(b"not a workbook at all")
    code, _, err = cli("year", "draft", "--from", "hong.xlsx")
    assert code == 2 and err.strip()
    code, _, err = cli("year", "draft", "--from", "nam-nay.xlsx")
    assert code == 2 and "là kế hoạch năm học 2026-2027, không phải dự thảo" in err
    assert cli("year", "draft", "--from", "nam-sau.xlsx")[0] == 0
    code, _, err = cli("year", "draft")
    assert code == 2 and "--out" in err

    code, out, _ = cli("year", "open")
    assert code == 0 and out.startswith("Đã bắt đầu năm học 2027-2028")
    with db.connect() as conn:
        plans = conn.execute(select(Plan.id, Plan.school_year).order_by(Plan.id)).all()
        assert [y for _, y in plans] == ["2026-2027", "2027-2028"]
        moved = conn.execute(select(Task.timeline, Task.carried_from_id).where(
            Task.plan_id == plans[1][0], Task.text.like("Kiểm kê%"))).one()
    assert moved.timeline == "Tháng 10/2027" and moved.carried_from_id is not None
    code, _, err = cli("year", "open")
    assert code == 2 and "Chưa có dự thảo" in err


def test_the_draft_is_read_while_nothing_is_written(cli, db, tmp_path, monkeypatch):
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    monkeypatch.setenv("CAITIEN_CLOCK_START", JUNE)
    assert cli("year", "close")[0] == 0
    assert cli("year", "draft", "--out", "nam-sau.xlsx")[0] == 0
    seen = []
    real = year_cli.read_draft

    def watched(*args):
        seen.append(writes_open(db))
        return real(*args)

    monkeypatch.setattr(year_cli, "read_draft", watched)
    assert cli("year", "draft", "--from", "nam-sau.xlsx")[0] == 0
    assert cli("year", "open")[0] == 0
    assert seen == [0, 0] and count(db, Plan) == 2


def test_a_draft_replaced_while_it_was_read_is_not_opened(cli, db, tmp_path, monkeypatch):
    """The principal sends an edited draft on the web while `year open` reads the old one:
    the year opens with neither until it is asked for again."""
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    monkeypatch.setenv("CAITIEN_CLOCK_START", JUNE)
    assert cli("year", "close")[0] == 0
    real = year_cli.read_draft

    def replaced_meanwhile(*args):
        draft = real(*args)
        with session_factory(db)() as session:
            row = session.scalar(select(SchoolYear))
            row.draft, row.draft_name = row.draft + b" ", "ke-hoach-sua.xlsx"
            session.commit()
        return draft

    monkeypatch.setattr(year_cli, "read_draft", replaced_meanwhile)
    code, _, err = cli("year", "open")
    assert code == 2 and "vừa được thay bằng một bản khác" in err and count(db, Plan) == 1


def test_closing_before_the_years_end_says_so_first(cli, db, tmp_path, monkeypatch):
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    monkeypatch.setenv("CAITIEN_CLOCK_START", "2026-11-02T09:00:00+07:00")
    code, out, _ = cli("year", "close", "--dry-run")
    assert code == 0 and "năm học đến 31/05/2027 mới kết thúc" in out
    assert "Báo cáo cả năm (05/09/2026–02/11/2026)" in out


def test_the_new_years_plan_in_the_ministrys_form_reads_back_as_the_same_plan(
        cli, db, tmp_path, monkeypatch):
    """After `year open`, `plan export --format docx` writes next year's plan — titled with
    the new school year — and the importer reads that Word file back as the stored plan."""
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    monkeypatch.setenv("CAITIEN_CLOCK_START", JUNE)
    assert cli("year", "close")[0] == 0
    assert cli("year", "open")[0] == 0

    code, _, err = cli("plan", "export", "--format", "docx", "ke-hoach-2027.docx")
    assert code == 0, err
    text = "\n".join(p.text for p in docx.Document(tmp_path / "ke-hoach-2027.docx").paragraphs)
    assert "NĂM HỌC 2027-2028" in text and "2026-2027" not in text
    again = read_plan(tmp_path / "ke-hoach-2027.docx")
    with session_factory(db)() as session:
        school = session.scalar(select(School))
        kept = stored_plan(session, school)
        dues = dict(session.execute(select(Task.text, Task.due_on).where(
            Task.plan_id == session.scalar(select(func.max(Plan.id))))).all())
    assert again.school_year == kept.school_year == "2027-2028"
    # The stored plan as the workbook writes it has no schedules: those are read from the
    # timelines, here against the new year — the same days the new year's tasks are due.
    for task in (t for c in kept.criteria for t in c.tasks):
        task.schedule = None
    read_dues = {t.text: t.schedule.due for c in again.criteria for t in c.tasks}
    for task in (t for c in again.criteria for t in c.tasks):
        task.schedule = None
    assert plan_of(again)[1:] == plan_of(kept)[1:]
    assert again.task_count == kept.task_count == len(dues) > 0
    assert read_dues == dues
