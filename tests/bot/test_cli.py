"""The `caitien` command as the principal and the IT person use it."""

import csv
import json
import logging
import subprocess
import sys

import docx

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot import plan_cli
from bot.telegram.polling import running_bot
from storage.audit import CALENDAR
from storage.models import AuditEvent, Invite, Plan, Staff, Task
from readers.plan_files import read_plan
from tests.conftest import DEMO
from tests.writes import writes_open


def count(db, model):
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar()


def test_template_then_import_then_invites(cli, db, tmp_path, monkeypatch):
    code, out, _ = cli("plan", "template", "plan.xlsx")
    assert code == 0 and (tmp_path / "plan.xlsx").exists()
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    code, out, _ = cli("plan", "import", "plan.xlsx")
    assert code == 0 and "1 tiêu chí, 1 nhiệm vụ" in out
    assert "«HT» → Nguyễn Thị Minh Hạnh" in out
    assert count(db, Task) == 1

    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "truong_hoa_binh_bot")
    code, out, _ = cli("invite", "--json")
    rows = json.loads(out)
    assert len(rows) == 8 and set(rows[0]) == {"name", "phone", "code", "link"}
    assert rows[0]["link"] == f"https://t.me/truong_hoa_binh_bot?start={rows[0]['code']}"
    code, out, _ = cli("invite", "--staff", "0901 234 503", "--json")
    assert [r["name"] for r in json.loads(out)] == ["Lê Thị Thu Trang"]
    assert count(db, Invite) == 9

    assert cli("calendar", "set", "--checkin-day", "20")[0] == 0
    with db.connect() as conn:
        assert conn.execute(select(AuditEvent.via, AuditEvent.actor_id, AuditEvent.details)
                            .where(AuditEvent.kind == CALENDAR)).all() == [
            ("cli", None, {"checkin_day": [25, 20]})]


def test_dry_run_json_prints_the_contract_and_writes_nothing(cli, db):
    code, out, _ = cli("plan", "import", str(DEMO / "plan.csv"), "--dry-run", "--json")
    assert code == 0
    plan = json.loads(out)
    assert set(plan) == {"school", "framework", "level", "school_year", "criteria", "warnings"}
    assert plan["school_year"] == "2026-2027"
    assert plan["school"] == "Trường THCS Hoà Bình (trường giả định)"
    first = plan["criteria"][0]
    assert set(first) == {"id", "title", "target", "tasks"}
    assert set(first["tasks"][0]) == {"text", "owners", "output", "timeline", "support",
                                      "schedule"}
    assert first["tasks"][0]["owners"] == ["HT", "PHT"]
    assert first["tasks"][0]["schedule"] == {"kind": "deadline", "every": None, "start": None,
                                             "due": "2026-10-31"}
    monthly = plan["criteria"][1]["tasks"][0]
    assert monthly["schedule"] == {"kind": "recurring", "every": "month",
                                   "start": "2026-09-05", "due": "2027-05-31"}
    assert [c["id"] for c in plan["criteria"]] == ["1.1", "1.3", "1.4", "2.2", "3.2", "3.3",
                                                   "4.1", "4.3"]
    assert count(db, Plan) == 0 and count(db, Staff) == 0


def sheet_values(path) -> list[list]:
    return [[c.value for c in row] for row in load_workbook(path).active.rows]


def test_a_plan_file_is_read_once_by_the_schools_calendar_while_nothing_is_written(
        cli, db, monkeypatch):
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("calendar", "set", "--checkin-day", "20")[0] == 0
    readings = []
    real = plan_cli.read_plan_isolated

    def counted(path, school_year, cal):
        readings.append((cal.checkin_day, writes_open(db)))
        return real(path, school_year, cal)

    monkeypatch.setattr(plan_cli, "read_plan_isolated", counted)
    assert cli("plan", "import", str(DEMO / "plan.csv"), "--dry-run")[0] == 0
    assert readings == [(20, 0)]
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    assert readings == [(20, 0), (20, 0)] and count(db, Task) > 0


def test_plan_export_writes_the_stored_plan_which_imports_again_unchanged(cli, db, tmp_path):
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    tasks = count(db, Task)
    code, out, _ = cli("plan", "export", "ke-hoach.xlsx")
    assert code == 0 and f"8 tiêu chí, {tasks} nhiệm vụ" in out
    assert "caitien plan import ke-hoach.xlsx" in out
    code, out, _ = cli("plan", "import", "ke-hoach.xlsx")
    assert code == 0 and f"0 mới, {tasks} giữ nguyên, 0 điều chỉnh, 0 đóng lại" in out
    code, _, _ = cli("plan", "export", "tu-tep.xlsx", "--from", str(DEMO / "plan.csv"))
    assert code == 0
    assert sheet_values(tmp_path / "tu-tep.xlsx") == sheet_values(tmp_path / "ke-hoach.xlsx")


def test_plan_export_wants_an_xlsx_name_and_a_plan(cli, db, tmp_path):
    code, _, err = cli("plan", "export", "ke-hoach.csv", "--from", str(DEMO / "plan.csv"))
    assert code == 2 and ".xlsx" in err and not (tmp_path / "ke-hoach.csv").exists()
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    code, _, err = cli("plan", "export", "ke-hoach.xlsx")
    assert code == 2 and "chưa nhập kế hoạch" in err and "--from" in err


def test_plan_export_in_the_ministrys_form_writes_a_word_plan_that_reads_back(
        cli, db, tmp_path):
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    code, out, _ = cli("plan", "export", "--format", "docx", "--out", "ky.docx")
    assert code == 0 and "Biểu 2, Thông tư 57/2026, 8 tiêu chí, 10 nhiệm vụ" in out
    assert "tô vàng" in out
    assert "V. KẾ HOẠCH CẢI TIẾN" in [p.text for p in docx.Document(tmp_path / "ky.docx")
                                      .paragraphs]
    again = read_plan(tmp_path / "ky.docx")
    original = read_plan(DEMO / "plan.csv")
    assert [(c.id, [t.text for t in c.tasks]) for c in again.criteria] == [
        (c.id, [t.text for t in c.tasks]) for c in original.criteria]
    # without a name: the school's code and year; xlsx stays the default
    code, out, _ = cli("plan", "export", "--format", "docx")
    written = sorted(p.name for p in tmp_path.glob("ke-hoach-cai-tien-*"))
    assert code == 0 and len(written) == 1 and written[0].endswith("-2026-2027.docx")
    assert cli("plan", "export")[0] == 0
    assert sorted(p.suffix for p in tmp_path.glob("ke-hoach-cai-tien-*")) == [".docx", ".xlsx"]
    code, _, err = cli("plan", "export", "ky.xlsx", "--format", "docx")
    assert code == 2 and "đuôi .docx" in err and not (tmp_path / "ky.xlsx").exists()
    # --from: the form of a document as understood, before it is stored
    code, out, _ = cli("plan", "export", "tu-tep.docx", "--from", "ky.docx")
    assert code == 0
    assert read_plan(tmp_path / "tu-tep.docx").criteria == again.criteria


def test_unreadable_timelines_are_warned_about_by_name(cli, tmp_path):
    with (tmp_path / "p.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Tiêu chí", "Công việc", "Thời gian"],
                                      ["1.1", "a", "Khi có kinh phí"], ["1.2", "b", "Tháng 9/2026"]])
    code, out, _ = cli("plan", "import", "p.csv", "--dry-run", "--json")
    plan = json.loads(out)
    assert plan["criteria"][0]["tasks"][0]["schedule"]["kind"] == "unknown"
    assert plan["warnings"] == [
        "Tiêu chí 1.1: chưa hiểu thời gian «Khi có kinh phí», nhiệm vụ này sẽ không được "
        "nhắc theo hạn."]
    assert not (tmp_path / "caitien.sqlite3").exists()


def test_import_reports_external_and_unresolved_owners(cli, tmp_path):
    cli("staff", "import", str(DEMO / "staff.csv"))
    with (tmp_path / "p.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Tiêu chí", "Công việc", "Chủ trì, phối hợp"],
                                      ["4.1", "Sửa nhà vệ sinh", "HT, UBND phường, Hội đồng X"]])
    code, out, _ = cli("plan", "import", "p.csv")
    assert "«UBND phường» → đơn vị ngoài trường" in out
    assert "Chưa xác định được người phụ trách cho: «Hội đồng X»" in out


def test_a_malformed_spreadsheet_is_one_clear_sentence_and_writes_nothing(cli, db, tmp_path):
    workbook = Workbook()
    workbook.active.append(["Tiêu chí", "Sản phẩm"])
    workbook.active.append(["1.1", "x"])
    workbook.save(tmp_path / "bad.xlsx")
    code, out, err = cli("plan", "import", "bad.xlsx")
    assert code == 2 and "thiếu cột: Công việc/giải pháp" in err and "Traceback" not in err
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    code, _, err = cli("plan", "import", "broken.xlsx")
    assert code == 2 and "bị hỏng" in err
    code, _, err = cli("staff", "import", "missing.csv")
    assert code == 2 and "Không tìm thấy tệp" in err
    assert count(db, Plan) == 0 and count(db, Task) == 0


def test_invite_without_a_bot_name_says_how_to_get_one(cli):
    cli("staff", "import", str(DEMO / "staff.csv"))
    code, _, err = cli("invite")
    assert code == 2 and "TELEGRAM_BOT_TOKEN" in err


def test_run_without_a_token_is_one_clear_sentence(cli):
    code, _, err = cli("run")
    assert code == 2
    assert err.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in err


def test_db_upgrade_is_idempotent(cli):
    assert cli("db", "upgrade")[0] == 0
    assert cli("db", "upgrade")[0] == 0


def test_demo_runs_and_prints_the_principals_progress(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Hiệu trưởng gõ /tiendo" in result.stdout
    assert "Toàn kế hoạch: 1/10 nhiệm vụ hoàn thành" in result.stdout
    assert list(tmp_path.iterdir()) == []  # the demo leaves nothing behind
    assert "Bảo (Zalo): /capnhat" in result.stdout and "Trang (Telegram)" in result.stdout


def test_demo_on_zalo_sends_the_report_as_links_that_download(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--channel", "zalo"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(Telegram)" not in result.stdout
    assert result.stdout.count("Mở đường link: tải được") == 2
    assert "bao-cao-cai-tien-demo-year.docx" in result.stdout


async def test_a_bot_api_failing_at_start_is_waited_for_and_said_in_the_log(
        api, app, linked, invites, caplog):
    api.fail_next("getMe", 502, "Bad Gateway")
    api.fail_next("getMe", 502, "Bad Gateway")
    with caplog.at_level(logging.INFO):
        async with running_bot(app, poll_timeout=0.5):
            mai = await linked(5301, "0901234507")
            mai.send("/nhiemvu")
            assert "Nhiệm vụ" in (await mai.reply()).text
    assert len([r for r in caplog.records if "does not answer" in r.getMessage()]) == 2
    assert api.token not in caplog.text and api.token.split(":")[1] not in caplog.text


def test_run_with_a_wrong_token_is_one_clear_sentence(cli, api, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:wrong")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
    code, _, err = cli("run")
    assert code == 2 and "không chấp nhận TELEGRAM_BOT_TOKEN" in err


def test_the_import_preview_warns_about_another_schools_plan(cli, db, seed):
    prose = seed("plan-thcs-narrative-2020-2021.docx")
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    code, out, _ = cli("plan", "import", str(prose), "--dry-run")
    assert code == 0
    assert "Trong tệp: TRƯỜNG TRUNG HỌC CƠ SỞ MẠO KHÊ II, năm học 2020-2021" in out
    assert "Trường đang dùng: Trường THCS Hoà Bình (trường giả định), năm học 2026-2027" in out
    assert "55 nhiệm vụ chưa có người phụ trách khớp với cán bộ — không ai được nhắc" in out
    assert "caitien plan export" in out
    assert count(db, Plan) == 1  # a dry run writes nothing


def test_another_schools_plan_is_imported_only_when_asked_for(cli, db, seed):
    prose = seed("plan-thcs-narrative-2020-2021.docx")
    assert cli("staff", "import", str(DEMO / "staff.csv"))[0] == 0
    assert cli("plan", "import", str(DEMO / "plan.csv"))[0] == 0
    code, _, err = cli("plan", "import", str(prose))
    assert code == 1 and "Trong tệp: TRƯỜNG TRUNG HỌC CƠ SỞ MẠO KHÊ II" in err
    assert "Chưa nhập gì" in err and "--other-school-year" in err
    assert count(db, Plan) == 1
    code, out, _ = cli("plan", "import", str(prose), "--other-school-year")
    assert code == 0 and "Đã nhập kế hoạch: 28 tiêu chí, 55 nhiệm vụ (55 mới" in out
