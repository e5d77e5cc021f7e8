"""Closing the example school's 2026-2027 and opening 2027-2028: unfinished tasks carried
with their history and their timelines moved a year on, recurring ones kept, finished ones
left out; the year's report kept unchanged; next year's reminders from next year's plan;
next year's evidence numbered from 01 again, last year's kept list as it was, and the
school's export holding both years and the closed one."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import docx
import openpyxl
import pytest
from sqlalchemy import select

from core.clock import FixedClock, ShiftedClock
from core.errors import InputError
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from reminders.preview import preview
from reminders.state import load_state
from reports.report_data import evidence_with_codes, report_data
from reports.school_export import export_workbook, school_export
from reports.year_end import close_year, closing, kept_file, read_draft, rebuilt_report
from storage.archive import restore_archive, write_archive
from storage.db import make_engine, recreate, session_factory
from storage.evidence_items import ListEntry, attach, edit_entry
from storage.evidence_store import EvidenceStore
from storage.models import (
    Criterion,
    Evidence,
    OutboxMessage,
    Plan,
    School,
    SchoolYear,
    Staff,
    Task,
)
from storage.plans import current_plan, save_plan
from storage.school_years import open_next_year
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.updates import record_update
from tests.conftest import DEMO, TEST_START

STRATEGY = "Rà soát chiến lược phát triển nhà trường giai đoạn 2026-2030"
DATA = "Cập nhật đầy đủ dữ liệu ngành và hồ sơ điện tử"
STOCKTAKE = "Kiểm kê và bổ sung thiết bị dạy học tối thiểu"
PDF = b"%PDF-1.4 bien ban kiem ke"
# After the year's end (31/5/2027): the summer the board closes the year in.
CLOSING = datetime(2027, 6, 15, 2, 0, tzinfo=UTC)


def task(session, text: str, plan_id: int | None = None) -> Task:
    query = select(Task).where(Task.text == text)
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    return session.scalars(query.order_by(Task.id)).first()


@pytest.fixture
def lived_year(sessions, school, clock):
    """The strategy done, the monthly data task answered done, the stocktake late with a
    reason; the rest never answered."""
    with sessions.begin() as s:
        for text, status, reason in ((STRATEGY, "done", None), (DATA, "done", None),
                                     (STOCKTAKE, "late", "Chờ kinh phí mua sắm")):
            t = task(s, text)
            record_update(s, t, t.owners[0].staff_id, status, None, reason, [], clock)
    clock.advance(seconds=(CLOSING - TEST_START).total_seconds())
    return school


def close(sessions, school, clock, evidence, renderer):
    with sessions.begin() as s:
        row, summary = close_year(s, s.get(School, school.id), clock, evidence, renderer,
                                  "cli")
        return row.id, summary


def test_closing_carries_unfinished_and_recurring_tasks_and_leaves_finished_ones(
        sessions, lived_year, clock, evidence, renderer):
    row_id, summary = close(sessions, lived_year, clock, evidence, renderer)
    assert (summary.school_year, summary.next_year) == ("2026-2027", "2027-2028")
    with sessions() as s:
        row = s.get(SchoolYear, row_id)
        draft = read_draft(row.draft, row.draft_name, row, s.get(School, lived_year.id))
        tasks = {t.text: t for c in draft.criteria for t in c.tasks}
        assert STRATEGY not in tasks
        assert tasks[DATA].timeline == "Hàng tháng"
        assert (tasks[DATA].schedule.kind, tasks[DATA].schedule.start) == (
            "recurring", date(2027, 9, 5))
        assert tasks[STOCKTAKE].timeline == "Tháng 11/2027"
        assert tasks[STOCKTAKE].schedule.due == date(2027, 11, 30)
        assert tasks["Đề nghị UBND phường cải tạo nhà vệ sinh học sinh"].timeline == \
            "Năm học 2027-2028"
        assert draft.school_year == "2027-2028"
        # Every criterion stays, with its target: the one whose only task is done too.
        assert [c.id for c in draft.criteria] == [c.code for c in s.scalars(
            select(Criterion).where(Criterion.plan_id == row.plan_id)
            .order_by(Criterion.position))]
        assert next(c for c in draft.criteria if c.id == "1.1").target == "Duy trì Mức 2"
    history = {c.text: (c.status, c.reason) for c in summary.carried}
    assert history[STOCKTAKE] == ("late", "Chờ kinh phí mua sắm")
    assert history[DATA] == ("done", None)
    assert STRATEGY not in history
    assert summary.left_out == 1


def test_until_confirmed_the_year_goes_on_and_a_second_close_is_refused(
        sessions, lived_year, clock, evidence, renderer):
    close(sessions, lived_year, clock, evidence, renderer)
    with sessions() as s:
        assert current_plan(s, lived_year.id).school_year == "2026-2027"
        assert task(s, STOCKTAKE).closed_at is None
    with pytest.raises(InputError) as refused:
        close(sessions, lived_year, clock, evidence, renderer)
    assert refused.value.key == "year_closed_already"
    assert renderer.text("errors/year_closed_already.j2", **refused.value.params) == (
        "Năm học 2026-2027 đã kết thúc lúc 09:00 15/06/2027; báo cáo năm ấy được giữ "
        "nguyên, không kết thúc lại được.")
    with sessions() as s, pytest.raises(InputError):
        closing(s, s.get(School, lived_year.id), clock)


def test_confirming_opens_the_new_year_and_leaves_the_old_report_as_it_was(
        sessions, lived_year, clock, evidence, renderer):
    row_id, summary = close(sessions, lived_year, clock, evidence, renderer)
    with sessions() as s:
        row = s.get(SchoolYear, row_id)
        entry, path = kept_file(evidence, row, "report")
        kept = path.read_bytes()
        docx.Document(BytesIO(kept))  # a Word file that opens
        # The year's evidence list and box are kept beside it, the box's list at its root.
        assert {f["kind"] for f in row.files} == {
            "report", "evidence_list_xlsx", "evidence_list_docx", "evidence_box"}
        docx.Document(kept_file(evidence, row, "evidence_list_docx")[1])
        with zipfile.ZipFile(kept_file(evidence, row, "evidence_box")[1]) as box:
            assert any(name.endswith(".xlsx") for name in box.namelist())
    # Answers after the close, still on last year's plan: not in its kept report.
    clock.advance(days=1)
    with sessions.begin() as s:
        late = task(s, STOCKTAKE)
        record_update(s, late, late.owners[0].staff_id, "done", "Đã kiểm kê", None, [], clock)
        row = s.get(SchoolYear, row_id)
        school = s.get(School, lived_year.id)
        staff_before = [m.id for m in s.scalars(select(Staff).where(Staff.school_id == school.id))]
        calendar_before = school.calendar
        report = open_next_year(s, school, row, read_draft(row.draft, row.draft_name, row,
                                                           school), clock, "cli")
        old_plan = row.plan_id
    assert report.tasks == summary.draft.task_count
    with sessions() as s:
        school = s.get(School, lived_year.id)
        plan = current_plan(s, school.id)
        assert plan.school_year == "2027-2028" and plan.id != old_plan
        carried = task(s, STOCKTAKE, plan.id)
        assert carried.carried_from_id == task(s, STOCKTAKE, old_plan).id
        assert carried.due_on == date(2027, 11, 30)
        assert task(s, STRATEGY, plan.id) is None
        assert all(t.closed_at is not None for t in s.scalars(
            select(Task).where(Task.plan_id == old_plan)))
        assert [m.id for m in s.scalars(select(Staff).where(Staff.school_id == school.id))] \
            == staff_before and school.calendar == calendar_before
        row = s.get(SchoolYear, row_id)
        assert kept_file(evidence, row, "report")[1].read_bytes() == kept
        again = rebuilt_report(s, school, row)
        assert again.counts == summary.report.counts
        assert [r.__dict__ for r in again.rows] == [r.__dict__ for r in summary.report.rows]
        # The console's ordinary report is next year's now.
        assert report_data(s, school, summary.period, date(2027, 6, 16)).school_year == \
            "2027-2028"


def test_next_years_reminders_come_from_next_years_plan_and_calendar(
        sessions, lived_year, clock, evidence, renderer):
    row_id, _ = close(sessions, lived_year, clock, evidence, renderer)
    with sessions.begin() as s:
        # Queued before the confirmation, about last year's stocktake: it goes no more.
        old = task(s, STOCKTAKE)
        now = clock.now()
        s.add(OutboxMessage(school_id=lived_year.id, key="deadline:stocktake", kind="deadline",
                            period="p", staff_id=old.owners[0].staff_id, channel="test",
                            chat_id="1", due_at=now, not_before=now, status="pending",
                            task_ids=[old.id], criteria=["4.1"], body={"text": "hạn"},
                            attempts=0, created_at=now))
        row = s.get(SchoolYear, row_id)
        school = s.get(School, lived_year.id)
        open_next_year(s, school, row, read_draft(row.draft, row.draft_name, row, school),
                       clock, "cli")
    with sessions() as s:
        assert s.scalar(select(OutboxMessage.status)) == "dropped"
    # The process runs "as of" the first day of the new year, its minutes passing.
    start = ShiftedClock(TEST_START.replace(year=2027, month=9, day=1)).now()
    with sessions() as s:
        school = s.get(School, lived_year.id)
        new_plan = current_plan(s, school.id).id
        new_tasks = set(s.scalars(select(Task.id).where(Task.plan_id == new_plan)))
        state = load_state(s, school, start)
        assert {t.id for t in state.tasks} <= new_tasks
        coming = preview(s, school, start, start + timedelta(days=120), "silent")
        codes_of_plan = {c for c in s.scalars(select(Criterion.code)
                                              .where(Criterion.plan_id == new_plan))}
    assert coming.lines, "next year's plan has reminders"
    assert min(line["at"] for line in coming.lines) >= "2027-09-05"
    assert {c for line in coming.lines for c in line["criteria"]} <= codes_of_plan
    # The finished strategy task (criterion 1.1 had nothing else) is never reminded.
    assert "1.1" not in {c for line in coming.lines for c in line["criteria"]}


def test_confirming_twice_is_refused(sessions, lived_year, clock, evidence, renderer):
    row_id, _ = close(sessions, lived_year, clock, evidence, renderer)
    for attempt in range(2):
        with sessions.begin() as s:
            row = s.get(SchoolYear, row_id)
            school = s.get(School, lived_year.id)
            draft = read_draft(row.draft, row.draft_name, row, school)
            if attempt:
                with pytest.raises(InputError) as refused:
                    open_next_year(s, school, row, draft, clock, "cli")
                assert refused.value.key == "year_opened_already"
            else:
                open_next_year(s, school, row, draft, clock, "cli")
    with sessions() as s:
        assert s.query(Plan).filter_by(school_id=lived_year.id).count() == 2


def test_a_plan_of_several_years_keeps_its_later_years_targets_and_tasks(
        sessions, clock, evidence, renderer, tmp_path):
    """A 2021-2026 plan closed in June 2022: this year's late task moves a year on; the
    task planned for 2024 and the targets of each year stay as written."""
    target = "2021-2022: Mức 1; 2022-2023: Mức 2; 2025-2026: Mức 3"
    (tmp_path / "plan.csv").write_text(
        "Tiêu chí,Kết quả cần đạt,Công việc/giải pháp,Chủ trì,Thời gian thực hiện\n"
        f'1.1,"{target}",Xây dựng quy chế,HT,Tháng 11/2021\n'
        "1.1,,Công nhận đạt chuẩn Mức 3,HT,Năm 2024\n", encoding="utf-8")
    plan_clock = FixedClock(datetime(2021, 9, 10, 2, 0, tzinfo=UTC))
    with sessions.begin() as s:
        school = pick_school(s, "giaidoan", plan_clock, create=True)
        import_staff(s, school, parse_staff_sheet(DEMO / "staff.csv"))
        draft = read_plan(tmp_path / "plan.csv", "2021-2026")
        draft.school_year = "2021-2026"
        save_plan(s, school, draft, plan_clock)
        school_id = school.id
    june = FixedClock(datetime(2022, 6, 15, 2, 0, tzinfo=UTC))
    with sessions.begin() as s:
        row, summary = close_year(s, s.get(School, school_id), june, evidence, renderer, "cli")
        assert (summary.school_year, summary.next_year) == ("2021-2022", "2022-2023")
        (criterion,) = summary.draft.criteria
        assert criterion.target == target
        assert [(t.text, t.timeline) for t in criterion.tasks] == [
            ("Xây dựng quy chế", "Tháng 11/2022"), ("Công nhận đạt chuẩn Mức 3", "Năm 2024")]
        open_next_year(s, s.get(School, school_id), row,
                       read_draft(row.draft, row.draft_name, row, s.get(School, school_id)),
                       june, "cli")
    with sessions() as s:
        plan = current_plan(s, school_id)
        assert plan.school_year == "2022-2023"
        assert s.scalar(select(Criterion.target).where(Criterion.plan_id == plan.id)) == target


def test_a_closed_year_moves_with_its_school(db, sessions, lived_year, clock, evidence,
                                             renderer, tmp_path):
    """The school's archive carries the kept files; restored elsewhere it reads back
    with the same checksum, and a carried task still leads to last year's."""
    row_id, _ = close(sessions, lived_year, clock, evidence, renderer)
    with sessions.begin() as s:
        row = s.get(SchoolYear, row_id)
        school = s.get(School, lived_year.id)
        open_next_year(s, school, row, read_draft(row.draft, row.draft_name, row, school),
                       clock, "cli")
        kept = kept_file(evidence, row, "report")[1].read_bytes()
    summary = write_archive(db, evidence.root, tmp_path / "demo.zip", "demo")
    assert summary.files == len(row.files) == 4 and not summary.missing
    target = make_engine(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    recreate(target)
    elsewhere = EvidenceStore(tmp_path / "elsewhere")
    restore_archive(target, elsewhere.root, tmp_path / "demo.zip", tmp_path / "templates")
    with session_factory(target)() as s:
        row = s.scalar(select(SchoolYear))
        assert kept_file(elsewhere, row, "report")[1].read_bytes() == kept
        carried = s.scalar(select(Task).where(Task.plan_id == row.next_plan_id,
                                              Task.text == STOCKTAKE))
        assert s.get(Task, carried.carried_from_id).plan_id == row.plan_id
    target.dispose()




def hand_in(session, evidence, clock, item: Task, content: bytes, name: str) -> Evidence:
    stored = evidence.save("demo", item.criterion.code, "document", content, name,
                           "application/pdf", clock.now())
    update = record_update(session, item, item.owners[0].staff_id, "in_progress",
                           "Đang kiểm kê", None, [stored.to_dict()], clock)
    return update.evidence[0]


def listed_codes(kept: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(BytesIO(kept)).active
    return [r[:3] for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]


def test_next_years_evidence_starts_at_01_and_last_years_list_stays(
        sessions, lived_year, clock, evidence, renderer):
    with sessions.begin() as s:
        first = hand_in(s, evidence, clock, task(s, STOCKTAKE), PDF, "bien-ban.pdf")
        edit_entry(s, first, ListEntry("Biên bản kiểm kê", "Số 3/BB", None, "Tổ thiết bị",
                                       None, False), clock)
        first_id = first.id
    row_id, _ = close(sessions, lived_year, clock, evidence, renderer)
    with sessions.begin() as s:
        row = s.get(SchoolYear, row_id)
        school = s.get(School, lived_year.id)
        kept_before = kept_file(evidence, row, "evidence_list_xlsx")[1].read_bytes()
        open_next_year(s, school, row, read_draft(row.draft, row.draft_name, row, school),
                       clock, "cli")
    assert listed_codes(kept_before) == [(1, "MC.4.1.01", "Biên bản kiểm kê")]

    clock.advance(days=90)
    with sessions.begin() as s:
        plan = current_plan(s, lived_year.id)
        carried = task(s, STOCKTAKE, plan.id)
        second_id = hand_in(s, evidence, clock, carried, b"%PDF-1.4 nam sau", "moi.pdf").id
    with sessions() as s:
        new_codes = evidence_with_codes(s, lived_year.id, plan.framework, plan.id)
        assert [(e.id, c) for e, c in new_codes] == [(second_id, "MC.4.1.01")]
        old_plan = s.get(SchoolYear, row_id).plan_id
        old = s.get(Plan, old_plan)
        assert [(e.id, c) for e, c in evidence_with_codes(
            s, lived_year.id, old.framework, old_plan)] == [(first_id, "MC.4.1.01")]
        row = s.get(SchoolYear, row_id)
        assert kept_file(evidence, row, "evidence_list_xlsx")[1].read_bytes() == kept_before


def test_the_export_holds_both_years_evidence_and_the_closed_year(
        sessions, lived_year, clock, evidence, renderer):
    with sessions.begin() as s:
        first = hand_in(s, evidence, clock, task(s, STOCKTAKE), PDF, "bien-ban.pdf")
        edit_entry(s, first, ListEntry("Biên bản kiểm kê", "Số 3/BB", clock.now().date(),
                                       "Tổ thiết bị", "Bản chụp", True), clock)
        attach(s, first, "1.1", None, clock)
    row_id, _ = close(sessions, lived_year, clock, evidence, renderer)
    with sessions.begin() as s:
        row = s.get(SchoolYear, row_id)
        school = s.get(School, lived_year.id)
        open_next_year(s, school, row, read_draft(row.draft, row.draft_name, row, school),
                       clock, "cli")
        carried = task(s, STOCKTAKE, current_plan(s, school.id).id)
        hand_in(s, evidence, clock, carried, b"%PDF-1.4 nam sau", "moi.pdf")
        old_task = task(s, STOCKTAKE, row.plan_id).id
        kept = list(row.files)
    with sessions() as s:
        data = school_export(s, s.get(School, lived_year.id), clock.now())

    old, new = data["evidence"]
    assert (old["code"], old["school_year"], new["code"], new["school_year"]) == (
        "MC.4.1.01", "2026-2027", "MC.4.1.01", "2027-2028")
    assert (old["title"], old["issued_ref"], old["issuer"], old["note"]) == (
        "Biên bản kiểm kê", "Số 3/BB", "Tổ thiết bị", "Bản chụp")
    assert old["issued_on"] == "2027-06-15" and old["withdrawn_at"].startswith("2027-06-15T")
    assert old["also_criteria"] == ["1.1"] and new["also_criteria"] == []
    assert (new["title"], new["withdrawn_at"]) == (None, None)
    carried_row = next(t for t in data["tasks"]
                       if t["text"] == STOCKTAKE and t["school_year"] == "2027-2028")
    assert carried_row["carried_from"] == old_task
    (year,) = data["school_years"]
    assert (year["school_year"], year["next_school_year"]) == ("2026-2027", "2027-2028")
    assert year["closed_at"].startswith("2027-06-15T09:00")
    assert [(f["kind"], f["name"], f["sha256"]) for f in year["files"]] == [
        (f["kind"], f["name"], f["sha256"]) for f in kept]
    for entry in year["files"]:
        path = evidence.file_of(next(f["path"] for f in kept if f["name"] == entry["name"]))
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]

    book = openpyxl.load_workbook(BytesIO(export_workbook(data, renderer)))
    years = list(book["Năm học đã kết thúc"].iter_rows(min_row=2, values_only=True))
    assert [(y[0], y[3], y[4], y[6]) for y in years] == [
        ("2026-2027", "2027-2028", f["name"], f["sha256"]) for f in kept]
    header = [c.value for c in book["Minh chứng"][1]]
    shown = dict(zip(header, next(book["Minh chứng"].iter_rows(min_row=2, values_only=True))))
    assert (shown["Tên minh chứng"], shown["Dùng cho cả tiêu chí"], shown["Năm học"]) == (
        "Biên bản kiểm kê", "1.1", "2026-2027")


HOSTILE = ("../../etc/passwd «Biên bản» / họp ..\\.. 📸🎉 " + "rất dài " * 60)[:300]


def test_a_close_with_a_file_gone_and_a_hostile_name_still_keeps_the_year(
        sessions, lived_year, clock, evidence, renderer):
    """One item's file was deleted from the server; another's name has separators, «..»,
    emoji and 300 characters. The close goes through; the box names the missing one in its
    ĐỌC TRƯỚC and keeps every other file inside its criterion's folder."""
    with sessions.begin() as s:
        stocktake = task(s, STOCKTAKE)
        named = hand_in(s, evidence, clock, stocktake, PDF, "bien-ban.pdf")
        edit_entry(s, named, ListEntry(HOSTILE, None, None, None, None, False), clock)
        gone = hand_in(s, evidence, clock, stocktake, b"%PDF-1.4 gone", "mat.pdf")
        evidence.file_of(gone.path).unlink()
    row_id, _ = close(sessions, lived_year, clock, evidence, renderer)

    with sessions() as s:
        row = s.get(SchoolYear, row_id)
        listed = listed_codes(kept_file(evidence, row, "evidence_list_xlsx")[1].read_bytes())
        box_path = kept_file(evidence, row, "evidence_box")[1]
    assert listed[0] == (1, "MC.4.1.01", HOSTILE) and listed[1][1] == "MC.4.1.02"
    with zipfile.ZipFile(box_path) as box:
        names = box.namelist()
        readme = box.read("ĐỌC TRƯỚC.txt").decode("utf-8")
        (hostile,) = [n for n in names if "MC.4.1.01" in n]
        assert box.read(hostile) == PDF
    assert hostile.startswith("Tiêu chuẩn 4/Tiêu chí 4.1/MC.4.1.01 ")
    leaf = hostile.rsplit("/", 1)[1]
    assert hostile.count("/") == 2 and "\\" not in leaf and leaf.endswith(".pdf")
    assert "📸🎉" in leaf and len(leaf) <= 130
    assert all(part.strip(". ") == part and part for n in names for part in n.split("/"))
    assert not any("MC.4.1.02" in n for n in names)
    assert "Không tìm thấy tệp của 1 minh chứng trên máy chủ" in readme
    assert "- MC.4.1.02 " in readme
