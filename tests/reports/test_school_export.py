"""`caitien export`: everything a school has, as JSON and as a workbook that say the same,
and nothing of another school."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import event, select

from core.clock import FixedClock
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from reports.report_data import period_of, report_data
from reports.school_export import export_json, export_workbook, school_export, write_export
from storage.districts import add_district, attach_school
from storage.models import Evidence, School, Staff, Task, TaskUpdate
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from storage.updates import record_update
from tests.conftest import DEMO
from tests.phuhuu import local

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = local(2024, 6, 1, 9)
CORRECTION = "Đã tập huấn 3 buổi cho hội đồng trường (sửa: 3, không phải 2)."
SHEETS = ["Trường", "Lịch", "Ngày nghỉ", "Cán bộ", "Kế hoạch", "Tiêu chí", "Nhiệm vụ",
          "Cập nhật", "Minh chứng", "Năm học đã kết thúc", "Nhật ký"]


@pytest.fixture
def lived(sessions, year_of_updates, year_clock, evidence):
    """Phú Hữu's year, with one answer corrected in June (and a photo with it), and in the
    same database a second school with its own staff, plan, updates and evidence."""
    with sessions.begin() as session:
        wrong = session.scalar(select(TaskUpdate).where(
            TaskUpdate.done_text.startswith("Đã tập huấn 2 buổi")))
        stored = evidence.save("phuhuu", "1.2", "photo", b"\x89PNG-fixed", "buoi-3.jpg",
                               "image/jpeg", local(2024, 5, 30, 8))
        record_update(session, session.get(Task, wrong.task_id), wrong.author_id,
                      "in_progress", CORRECTION, None, [stored.to_dict()],
                      FixedClock(local(2024, 5, 30, 8)), corrects_id=wrong.id)
        other = pick_school(session, "khac", year_clock, create=True)
        import_staff(session, other, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(session, other, read_plan(DEMO / "plan.csv"), year_clock)
        task = session.scalar(select(Task).where(Task.school_id == other.id).order_by(Task.id))
        author = session.scalar(select(Staff).where(Staff.school_id == other.id))
        photo = evidence.save("khac", task.criterion.code, "photo", b"other", None,
                              "image/jpeg", year_clock.now())
        record_update(session, task, author.id, "late", "Trường khác: chưa xong.",
                      "Trường khác: thiếu kinh phí.", [photo.to_dict()], year_clock)
    return year_of_updates


def export(sessions, school) -> dict:
    with sessions() as session:
        return school_export(session, session.get(School, school.id), NOW)


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_every_update_with_its_author_and_time_oldest_first(sessions, lived):
    data = export(sessions, lived)
    with sessions() as session:
        stored = session.execute(
            select(TaskUpdate, Staff.name).join(Staff, Staff.id == TaskUpdate.author_id)
            .where(TaskUpdate.school_id == lived.id).order_by(TaskUpdate.created_at)).all()
    assert [(u["id"], u["author"], u["status"], u["done_text"], u["reason"], u["created_at"])
            for u in data["updates"]] == [
        (u.id, name, u.status, u.done_text, u.reason,
         u.created_at.astimezone(TZ).isoformat(timespec="seconds")) for u, name in stored]
    assert len(data["updates"]) == 6
    assert data["updates"][0]["created_at"] == "2023-07-20T09:00:00+07:00"
    assert data["updates"][0]["author"] == "Võ Thị Kim"
    assert data["updates"][0]["criterion"] == "3.3"
    assert data["exported_at"] == "2024-06-01T09:00:00+07:00"


def test_a_correction_points_at_what_it_corrects(sessions, lived):
    updates = {u["id"]: u for u in export(sessions, lived)["updates"]}
    (fixed,) = [u for u in updates.values() if u["corrects"] is not None]
    assert fixed["done_text"] == CORRECTION
    corrected = updates[fixed["corrects"]]
    assert corrected["done_text"] == "Đã tập huấn 2 buổi cho hội đồng trường."
    assert (corrected["task_id"], corrected["author"]) == (fixed["task_id"], fixed["author"])
    assert [u["corrects"] for u in updates.values()].count(None) == 5


def test_evidence_codes_are_the_reports(sessions, lived):
    data = export(sessions, lived)
    with sessions() as session:
        school = session.get(School, lived.id)
        report = report_data(session, school, period_of(session, school, "year"),
                             date(2024, 6, 1))
        paths = dict(session.execute(select(Evidence.sha256, Evidence.path)
                                     .where(Evidence.school_id == lived.id)).all())
    assert sorted((e["code"], e["criterion"], e["file_name"], e["kind"], e["author"])
                  for e in data["evidence"]) == sorted(
        (e.code, e.criterion, e.file_name, e.kind, e.author) for e in report.evidence)
    assert [e["code"] for e in data["evidence"]] == [
        "[H3-3.3-01]", "[H1-1.2-01]", "[H3-3.4-01]", "[H3-3.4-02]", "[H1-1.2-02]"]
    fixed = data["evidence"][-1]
    assert fixed["file_name"] == "buoi-3.jpg" and fixed["path"] == paths[fixed["sha256"]]
    assert fixed["path"].startswith("phuhuu/1.2/") and fixed["size"] == len(b"\x89PNG-fixed")
    updates = {u["id"]: u for u in data["updates"]}
    assert updates[fixed["update_id"]]["evidence"] == ["[H1-1.2-02]"]
    assert all(updates[e["update_id"]]["task_id"] == e["task_id"] for e in data["evidence"])


def test_the_plan_its_adjusted_task_and_the_removed_one(sessions, lived):
    data = export(sessions, lived)
    assert data["plan"]["school_year"] == "2023-2024"
    assert data["plan"]["framework"] == "TT18/2018"
    assert data["plan"]["imported_at"] == "2023-07-01T02:00:00+07:00"
    assert [c["code"] for c in data["criteria"]] == ["1.2", "1.3", "2.4", "3.3", "3.4", "4.2",
                                                     "5.2"]
    (adjusted,) = [t for t in data["tasks"] if t["original_text"]]
    assert adjusted["text"] == "Xây dựng quy chế phối hợp với Ban đại diện CMHS, họp mỗi học kỳ"
    assert adjusted["original_text"].startswith("Xây dựng kế hoạch phối hợp và quy chế")
    assert adjusted["adjusted_at"] == "2024-01-20T09:00:00+07:00"
    (removed,) = [t for t in data["tasks"] if t["closed_at"]]
    assert removed["criterion"] == "5.2"
    done = next(t for t in data["tasks"] if t["timeline"] == "Tháng 7 năm 2023")
    assert done["status"] == "done" and done["status_at"] == "2023-07-20T09:00:00+07:00"
    assert done["schedule"]["kind"] == "deadline" and done["schedule"]["due_on"] == "2023-07-31"
    owner = done["owners"][0]
    assert set(owner) == {"staff_id", "name", "lead", "phrase"} and owner["phrase"]


def test_staff_calendar_and_the_audit_trail(sessions, lived):
    data = export(sessions, lived)
    kim = next(m for m in data["staff"] if m["name"] == "Võ Thị Kim")
    assert kim["phone"] == "0912 000 005" and kim["active"] and kim["roles"]
    assert kim["channels"] == [{"channel": "test", "linked_at": "2023-07-01T02:00:00+07:00",
                                "linked_by": "contact"}]
    text = export_json(data).decode()
    assert '"9005"' not in text  # Kim's chat id: meaningless outside this deployment
    assert data["calendar"]["holidays"] == [
        {"from": "2024-01-01", "to": "2024-01-01", "name": "Tết Dương lịch"},
        {"from": "2024-02-08", "to": "2024-02-14", "name": "Tết Giáp Thìn"}]
    assert data["calendar"]["checkin_day"] == 25
    assert [e["kind"] for e in data["audit"]] == ["plan_import", "plan_adjust", "plan_import"]
    assert data["audit"][1]["details"]["before"].startswith("Xây dựng kế hoạch phối hợp")
    assert data["school"] == {"code": "phuhuu", "name": lived.name,
                              "timezone": "Asia/Ho_Chi_Minh", "district": None}


def test_the_json_round_trips(sessions, lived):
    data = export(sessions, lived)
    content = export_json(data)
    assert json.loads(content) == data
    assert "Võ Thị Kim" in content.decode("utf-8")  # diacritics as themselves, not \u escapes


def test_the_workbook_says_what_the_json_says(sessions, renderer, lived):
    data = export(sessions, lived)
    book = openpyxl.load_workbook(BytesIO(export_workbook(data, renderer)))
    assert book.sheetnames == SHEETS
    counts = {"Ngày nghỉ": data["calendar"]["holidays"], "Cán bộ": data["staff"],
              "Tiêu chí": data["criteria"], "Nhiệm vụ": data["tasks"],
              "Cập nhật": data["updates"], "Minh chứng": data["evidence"],
              "Nhật ký": data["audit"]}
    for name, items in counts.items():
        assert len(rows(book[name])) == len(items), name
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    updates = book["Cập nhật"]
    header = [c.value for c in updates[1]]
    assert header[:6] == ["Mã cập nhật", "Mã nhiệm vụ", "Tiêu chí", "Mã cán bộ",
                          "Người cập nhật", "Tình trạng"]
    first = dict(zip(header, rows(updates)[0]))
    assert first["Người cập nhật"] == "Võ Thị Kim" and first["Tình trạng"] == "Hoàn thành"
    assert first["Thời điểm"] == datetime(2023, 7, 20, 9, 0)  # a date cell, school time
    assert first["Minh chứng"] == "[H3-3.3-01]"
    fixed = dict(zip(header, rows(updates)[-1]))
    assert fixed["Sửa lại cập nhật số"] == data["updates"][-1]["corrects"]
    tasks = book["Nhiệm vụ"]
    header = [c.value for c in tasks[1]]
    adjusted = next(dict(zip(header, r)) for r in rows(tasks)
                    if r[header.index("Nội dung ban đầu (trước khi điều chỉnh)")])
    assert adjusted["Nội dung nhiệm vụ"].startswith("Xây dựng quy chế phối hợp")
    assert adjusted["Điều chỉnh lúc"] == datetime(2024, 1, 20, 9, 0)
    assert "(chủ trì)" in adjusted["Người phụ trách"]
    assert [r[0] for r in rows(book["Minh chứng"])] == [e["code"] for e in data["evidence"]]
    school = dict(rows(book["Trường"]))
    assert school["Mã trường"] == "phuhuu"
    assert school["Thời điểm xuất dữ liệu"] == datetime(2024, 6, 1, 9, 0)
    calendar = dict(rows(book["Lịch"]))
    assert calendar["Ngày khai giảng"] == "05/09"
    assert calendar["Ngày nghỉ trong tuần (không nhắc việc)"] == "Chủ nhật"
    assert rows(book["Ngày nghỉ"])[1] == (datetime(2024, 2, 8), datetime(2024, 2, 14),
                                         "Tết Giáp Thìn")
    staff = {r[1]: r for r in rows(book["Cán bộ"])}
    assert staff["Võ Thị Kim"][-1] == "test (bằng số điện thoại, 01/07/2023 02:00)"
    assert [r[1] for r in rows(book["Nhật ký"])] == ["Nhập kế hoạch", "Điều chỉnh nhiệm vụ",
                                                     "Nhập kế hoạch"]


def test_another_schools_rows_never_appear(sessions, renderer, lived):
    data = export(sessions, lived)
    with sessions() as session:
        other = session.scalar(select(School).where(School.code == "khac"))
        theirs = {
            "staff": set(session.scalars(select(Staff.id).where(Staff.school_id == other.id))),
            "tasks": set(session.scalars(select(Task.id).where(Task.school_id == other.id))),
            "updates": set(session.scalars(select(TaskUpdate.id)
                                           .where(TaskUpdate.school_id == other.id))),
        }
        their_names = set(session.scalars(select(Staff.name).where(Staff.school_id == other.id)))
    assert all(theirs.values())
    assert not {m["id"] for m in data["staff"]} & theirs["staff"]
    assert not {t["id"] for t in data["tasks"]} & theirs["tasks"]
    assert not {u["id"] for u in data["updates"]} & theirs["updates"]
    assert not {o["staff_id"] for t in data["tasks"] for o in t["owners"]} & theirs["staff"]
    assert len(data["audit"]) == 3
    text = export_json(data).decode()
    workbook = export_workbook(data, renderer)
    book = openpyxl.load_workbook(BytesIO(workbook))
    cells = " ".join(str(v) for s in book for r in s.iter_rows(values_only=True) for v in r)
    for mark in ("Trường khác", "khac/", *their_names):
        assert mark not in text and mark not in cells
    assert export(sessions, other)["updates"][0]["done_text"] == "Trường khác: chưa xong."


def test_a_few_queries_however_many_rows(sessions, db, lived, year_clock):
    def count() -> int:
        statements = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db, "before_cursor_execute", listener)
        try:
            export(sessions, lived)
        finally:
            event.remove(db, "before_cursor_execute", listener)
        return len(statements)

    before = count()
    with sessions.begin() as session:
        tasks = session.scalars(select(Task).where(Task.school_id == lived.id)).all()
        author = session.scalar(select(Staff.id).where(Staff.school_id == lived.id))
        for n in range(40):
            record_update(session, tasks[n % len(tasks)], author, "in_progress", f"Lần {n}",
                          None, [], year_clock)
    assert count() == before <= 15


def test_a_written_text_stays_text_and_a_bare_school_exports(sessions, renderer, clock,
                                                            tmp_path):
    with sessions.begin() as session:
        school = pick_school(session, "moi", clock, create=True)
        attach_school(session, school, add_district(session, "q9", "Phòng GD&ĐT Quận 9",
                                                    clock.now()))
        import_staff(session, school, parse_staff_sheet(DEMO / "staff.csv"))
        session.flush()
        school_id = school.id
    with sessions() as session:
        data = school_export(session, session.get(School, school_id), clock.now())
    assert data["plan"] is None and data["tasks"] == [] and data["updates"] == []
    assert data["school"]["district"] == {"code": "q9", "name": "Phòng GD&ĐT Quận 9"}
    data["staff"][0]["name"] = "=HYPERLINK(\"http://x\")\x07"
    book = openpyxl.load_workbook(BytesIO(export_workbook(data, renderer)))
    cell = book["Cán bộ"]["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\")", "s")
    assert rows(book["Kế hoạch"]) == [("Trường chưa nhập kế hoạch.", None)]
    assert dict(rows(book["Trường"]))["Phòng GD&ĐT"] == "Phòng GD&ĐT Quận 9"


def test_write_export_writes_either_format(sessions, renderer, lived, tmp_path):
    with sessions() as session:
        school = session.get(School, lived.id)
        data = write_export(session, school, renderer, NOW, tmp_path / "a.json", "json")
        write_export(session, school, renderer, NOW, tmp_path / "a.xlsx", "xlsx")
        with pytest.raises(ValueError):
            write_export(session, school, renderer, NOW, tmp_path / "a.csv", "csv")
    assert json.loads((tmp_path / "a.json").read_bytes()) == data
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames == SHEETS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "a.xlsx", "evidence"]
    said = renderer.text("export/written.j2", file=tmp_path / "a.json", data=data)
    assert "6 lần cập nhật, 5 minh chứng" in said
