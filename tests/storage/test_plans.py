import csv

from sqlalchemy import func, select

from storage.models import Checkpoint, Criterion, Task, TaskOwner, TaskUpdate
from readers.plan_complete import complete_draft
from readers.plan_draft import CheckpointDraft
from readers.plan_sheet import parse_plan_sheet
from storage.plans import plan_changes, save_plan, tasks_of
from storage.schools import pick_school
from storage.staff_repo import import_staff
from readers.staff_sheet import parse_staff_sheet
from storage.updates import record_update
from tests.conftest import DEMO


def write_plan(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Tiêu chí", "Công việc", "Chủ trì, phối hợp"], *rows])
    return parse_plan_sheet(path)


def test_owners_are_linked_with_the_first_phrase_leading(sessions, school):
    with sessions.begin() as s:
        task = s.scalar(select(Task).where(Task.text.like("Kiểm kê%")))
        owners = {o.staff.name: (o.is_lead, o.phrase) for o in task.owners}
    assert owners == {"Huỳnh Thị Mai": (True, "NV Thiết bị"),
                      "Trần Văn Phúc": (False, "PHT")}


def test_reimport_keeps_unchanged_tasks_and_their_history_and_closes_removed(
        sessions, clock, tmp_path):
    with sessions.begin() as s:
        school = pick_school(s, "a", clock, create=True)
        import_staff(s, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(s, school, write_plan(tmp_path / "1.csv", [["1.1", "Keep", "HT"],
                                                             ["1.2", "Drop", "HT"]]), clock)
        keep = s.scalar(select(Task).where(Task.text == "Keep"))
        record_update(s, keep, keep.owners[0].staff_id, "done", "ok", None, [], clock)
    with sessions.begin() as s:
        report = save_plan(s, school, write_plan(tmp_path / "2.csv", [["1.1", "Keep", "HT"],
                                                                      ["1.1", "New", "PHT"]]),
                           clock)
        assert (report.added, report.kept, report.closed) == (1, 1, 1)
        keep = s.scalar(select(Task).where(Task.text == "Keep"))
        assert keep.status == "done"
        assert s.scalar(select(func.count(TaskUpdate.id))) == 1
        dropped = s.scalar(select(Task).where(Task.text == "Drop"))
        assert dropped.closed_at is not None


def test_schools_do_not_see_each_others_tasks(sessions, clock, tmp_path):
    with sessions.begin() as s:
        ids = {}
        for code in ("a", "b"):
            school = pick_school(s, code, clock, create=True)
            import_staff(s, school, parse_staff_sheet(DEMO / "staff.csv"))
            save_plan(s, school, write_plan(tmp_path / f"{code}.csv",
                                            [["1.1", f"task of {code}", "HT"]]), clock)
            ids[code] = [o.staff_id for o in s.scalars(
                select(TaskOwner).join(Task).where(Task.school_id == school.id))]
        assert [t.text for t in tasks_of(s, ids["a"])] == ["task of a"]
        assert [t.text for t in tasks_of(s, ids["b"])] == ["task of b"]
        assert s.scalar(select(func.count(Criterion.id))) == 2


def test_tasks_keep_their_schedule(sessions, school):
    with sessions() as s:
        stocktake = s.scalar(select(Task).where(Task.text.like("Kiểm kê%")))
        monthly = s.scalar(select(Task).where(Task.text.like("Cập nhật đầy đủ%")))
    assert (stocktake.schedule_kind, str(stocktake.due_on)) == ("deadline", "2026-11-30")
    assert (monthly.schedule_kind, monthly.schedule_every, str(monthly.starts_on)) == (
        "recurring", "month", "2026-09-05")


def test_an_edited_task_is_adjusted_keeping_its_first_text_and_history(sessions, clock,
                                                                       tmp_path):
    with sessions.begin() as s:
        school = pick_school(s, "a", clock, create=True)
        import_staff(s, school, parse_staff_sheet(DEMO / "staff.csv"))
        save_plan(s, school, write_plan(tmp_path / "1.csv", [
            ["2.2", "Tổ chức 4 buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "TTCM"],
            ["2.2", "Dự giờ đồng nghiệp", "GVBM"]]), clock)
        task = s.scalar(select(Task).where(Task.text.like("Tổ chức 4%")))
        record_update(s, task, task.owners[0].staff_id, "in_progress", "2 buổi", None, [],
                      clock)
    draft = write_plan(tmp_path / "2.csv", [
        ["2.2", "Tổ chức 6 buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "TTCM"],
        ["2.2", "Bồi dưỡng chuyển đổi số cho giáo viên", "PHT"]])
    with sessions.begin() as s:
        changes = plan_changes(s, school.id, draft)
        assert (changes.added, changes.kept, changes.adjusted, changes.closed) == (1, 0, 1, 1)
        report = save_plan(s, school, draft, clock)
        assert (report.added, report.kept, report.adjusted, report.closed) == (1, 0, 1, 1)
        task = s.get(Task, task.id)
        assert task.text.startswith("Tổ chức 6 buổi")
        assert task.original_text.startswith("Tổ chức 4 buổi")
        assert task.adjusted_at is not None and task.status == "in_progress"


def test_checkpoints_are_stored_and_replaced_on_reimport(sessions, school, clock):
    draft = parse_plan_sheet(DEMO / "plan.csv")
    draft.checkpoints = [CheckpointDraft("Cuối học kỳ I", "Tiến độ", "Hội đồng tự đánh giá")]
    complete_draft(draft)
    with sessions.begin() as s:
        for _ in range(2):
            save_plan(s, s.merge(school), draft, clock)
        rows = s.scalars(select(Checkpoint)).all()
        assert [(r.when_text, str(r.due_on)) for r in rows] == [("Cuối học kỳ I", "2027-01-15")]
        draft.checkpoints = []  # the corrected spreadsheet carries no monitoring table
        save_plan(s, s.merge(school), draft, clock)
        assert len(s.scalars(select(Checkpoint)).all()) == 1


def open_ids(session) -> list[int]:
    return sorted(session.scalars(select(Task.id).where(Task.closed_at.is_(None))))


def new_school(sessions, clock):
    with sessions.begin() as s:
        school = pick_school(s, "a", clock, create=True)
        import_staff(s, school, parse_staff_sheet(DEMO / "staff.csv"))
    return school


def test_reimporting_a_plan_with_duplicate_tasks_changes_nothing(sessions, clock, tmp_path):
    school = new_school(sessions, clock)
    draft = write_plan(tmp_path / "plan.csv", [["1.1", "Dự giờ đồng nghiệp", "HT"],
                                               ["1.1", "Dự giờ đồng nghiệp", "PHT"],
                                               ["1.2", "Dự giờ đồng nghiệp", "HT"]])
    with sessions.begin() as s:
        save_plan(s, s.merge(school), draft, clock)
        first = open_ids(s)
    for _ in range(3):
        with sessions.begin() as s:
            changes = plan_changes(s, school.id, draft)
            report = save_plan(s, s.merge(school), draft, clock)
            assert (changes.added, changes.kept, changes.adjusted, changes.closed) == (
                report.added, report.kept, report.adjusted, report.closed) == (0, 3, 0, 0)
            assert open_ids(s) == first


def test_removing_one_of_two_identical_tasks_closes_the_later_one(sessions, clock, tmp_path):
    school = new_school(sessions, clock)
    with sessions.begin() as s:
        save_plan(s, s.merge(school), write_plan(tmp_path / "1.csv", [
            ["1.1", "Dự giờ đồng nghiệp", "HT"], ["1.1", "Dự giờ đồng nghiệp", "HT"],
            ["1.1", "Kiểm kê thiết bị", "HT"]]), clock)
        earlier, later, _ = s.scalars(select(Task).order_by(Task.position)).all()
        record_update(s, earlier, earlier.owners[0].staff_id, "in_progress", "1 tiết", None,
                      [], clock)
    draft = write_plan(tmp_path / "2.csv", [["1.1", "Dự giờ đồng nghiệp", "HT"],
                                            ["1.1", "Kiểm kê thiết bị", "HT"]])
    with sessions.begin() as s:
        changes = plan_changes(s, school.id, draft)
        report = save_plan(s, s.merge(school), draft, clock)
        assert (changes.kept, changes.closed) == (report.kept, report.closed) == (2, 1)
        assert s.get(Task, later.id).closed_at is not None
        kept = s.get(Task, earlier.id)
        assert kept.closed_at is None and kept.status == "in_progress"


def test_identical_tasks_reworded_alike_continue_in_order(sessions, clock, tmp_path):
    school = new_school(sessions, clock)
    with sessions.begin() as s:
        save_plan(s, s.merge(school), write_plan(tmp_path / "1.csv", [
            ["2.2", "Tổ chức 4 buổi sinh hoạt chuyên môn", "HT"],
            ["2.2", "Tổ chức 4 buổi sinh hoạt chuyên môn", "PHT"]]), clock)
        ids = [t.id for t in s.scalars(select(Task).order_by(Task.position))]
    draft = write_plan(tmp_path / "2.csv", [
        ["2.2", "Tổ chức 6 buổi sinh hoạt chuyên môn", "HT"],
        ["2.2", "Tổ chức 6 buổi sinh hoạt chuyên môn", "PHT"],
        ["2.2", "Bồi dưỡng chuyển đổi số cho giáo viên", "PHT"]])
    with sessions.begin() as s:
        changes = plan_changes(s, school.id, draft)
        report = save_plan(s, s.merge(school), draft, clock)
        assert (changes.added, changes.kept, changes.adjusted, changes.closed) == (
            report.added, report.kept, report.adjusted, report.closed) == (1, 0, 2, 0)
        assert [t.id for t in s.scalars(select(Task).where(Task.original_text.is_not(None))
                                        .order_by(Task.position))] == ids


def test_the_preview_of_changes_is_what_saving_does(sessions, clock, tmp_path):
    school = new_school(sessions, clock)
    plans = [
        [["1.1", "Dự giờ đồng nghiệp", "HT"], ["1.1", "Dự giờ đồng nghiệp", "HT"],
         ["1.2", "Tổ chức 4 buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "PHT"],
         ["1.2", "Kiểm kê thiết bị dạy học", "HT"]],
        [["1.1", "Dự giờ đồng nghiệp", "HT"], ["1.1", "Dự giờ đồng nghiệp môn Toán", "HT"],
         ["1.1", "Dự giờ đồng nghiệp", "HT"],
         ["1.2", "Tổ chức 6 buổi sinh hoạt chuyên môn theo nghiên cứu bài học", "PHT"]],
        [["1.2", "Dự giờ đồng nghiệp", "HT"], ["1.1", "Dự giờ đồng nghiệp", "HT"]],
    ]
    for number, rows in enumerate(plans):
        draft = write_plan(tmp_path / f"{number}.csv", rows)
        with sessions.begin() as s:
            changes = plan_changes(s, school.id, draft)
            report = save_plan(s, s.merge(school), draft, clock)
            assert (changes.added, changes.kept, changes.adjusted, changes.closed) == (
                report.added, report.kept, report.adjusted, report.closed)
            assert len(open_ids(s)) == len(rows)


def test_owner_cells_are_split_by_the_staff_directorys_own_group_names(sessions, clock,
                                                                       tmp_path):
    staff = tmp_path / "staff.csv"
    with staff.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["Họ và tên", "Số điện thoại", "Chức vụ", "Tổ"],
            ["Nguyễn Thị Minh Hạnh", "0901234501", "HT", "Ban giám hiệu"],
            ["Huỳnh Thị Mai", "0901234502", "Văn thư", "Tổ Văn phòng - Y tế"],
            ["Bùi Thanh Tùng", "0901234503", "Y tế học đường", "Tổ Văn phòng - Y tế"]])
    draft = write_plan(tmp_path / "plan.csv", [["1.1", "Cập nhật hồ sơ sức khỏe",
                                                "Tổ Văn phòng - Y tế, HT"]])
    assert draft.criteria[0].tasks[0].owners == ["Tổ Văn phòng", "Y tế", "HT"]
    with sessions.begin() as s:
        school = pick_school(s, "a", clock, create=True)
        import_staff(s, school, parse_staff_sheet(staff))
        report = save_plan(s, school, draft, clock)
        task = s.scalar(select(Task))
        owners = {o.staff.name: (o.is_lead, o.phrase) for o in task.owners}
    assert report.unresolved == []
    assert task.owner_phrases == ["Tổ Văn phòng - Y tế", "HT"]
    assert owners == {"Huỳnh Thị Mai": (True, "Tổ Văn phòng - Y tế"),
                      "Bùi Thanh Tùng": (True, "Tổ Văn phòng - Y tế"),
                      "Nguyễn Thị Minh Hạnh": (False, "HT")}
