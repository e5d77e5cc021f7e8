"""The IT person's commands for the school's records: backup, restore, upgrade with a
backup first, and a person's data seen or erased."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage.models import Staff
from tests.storage.test_archive import TEACHER, a_lived_school


@pytest.fixture
def records(cli, school, sessions, evidence, clock, monkeypatch):
    a_lived_school(sessions, evidence, clock)
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(evidence.root))
    return cli


def test_backup_then_restore_elsewhere(records, tmp_path, monkeypatch):
    code, out, err = records("backup", "all.zip")
    assert code == 0 and not err
    assert out.startswith("Đã sao lưu 1 trường vào all.zip:") and "1 tệp minh chứng" in out

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "elsewhere"))
    code, out, err = records("restore", "all.zip")
    assert code == 0 and not err
    assert out.startswith("Đã khôi phục demo từ all.zip:")
    assert len(list((tmp_path / "elsewhere").rglob("*.jpg"))) == 1

    code, out, err = records("restore", "all.zip")
    assert code == 2 and out == ""
    assert err.strip().startswith("Cơ sở dữ liệu này đã có dữ liệu trường học.")


def test_one_school_into_a_database_that_has_it_is_refused(records):
    assert records("backup", "demo.zip", "--school", "demo")[0] == 0
    code, out, err = records("restore", "demo.zip")
    assert code == 2 and "đã có trường «demo»" in err and "Traceback" not in err


def test_a_broken_archive_gets_one_sentence(records, tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    code, out, err = records("restore", "broken.zip")
    assert code == 2
    assert err.strip() == ("Tệp broken.zip bị hỏng hoặc không phải bản sao lưu của caitien "
                           "(tổng kiểm tra không khớp). Hãy dùng một bản sao lưu khác.")


def test_upgrade_backs_up_first_when_asked(records, tmp_path):
    code, out, err = records("db", "upgrade", "--backup", "before.zip")
    assert code == 0 and (tmp_path / "before.zip").exists()
    assert "Đã sao lưu" in out


def test_forgetting_asks_first_then_erases(records, sessions):
    code, out, err = records("staff", "forget", "0901 234 504")
    assert code == 1 and "Phạm Quốc Bảo" in out and "--yes" in out
    with sessions() as session:
        assert session.scalar(select(Staff).where(Staff.phone_norm == TEACHER)) is not None

    code, out, err = records("staff", "forget", "0901 234 504", "--yes")
    assert code == 0 and out.startswith("Đã xóa dữ liệu cá nhân của Phạm Quốc Bảo")
    with sessions() as session:
        assert session.scalar(select(Staff).where(Staff.phone_norm == TEACHER)) is None
        assert session.scalar(select(Staff).where(Staff.name.startswith("Cán bộ đã nghỉ (#")))

    code, out, err = records("staff", "forget", "0901 234 504", "--yes")
    assert code == 2 and "Không tìm thấy" in err


def test_what_is_held_about_a_person_as_json(records, tmp_path):
    code, out, err = records("staff", "data", "0901234504")
    assert code == 0
    data = json.loads(out)
    assert data["staff"][0]["name"] == "Phạm Quốc Bảo" and len(data["updates"]) == 3
    code, out, err = records("staff", "data", "0901234504", "--out", "bao.json")
    assert code == 0 and json.loads((tmp_path / "bao.json").read_text(encoding="utf-8")) == data
    code, out, err = records("staff", "data", "12")
    assert code == 2 and "không phải số điện thoại" in err


def test_export_writes_the_school_readable(records, tmp_path):
    code, out, err = records("export", "--format", "json")
    assert code == 0 and out.startswith("Đã ghi demo-export-")
    (written,) = tmp_path.glob("demo-export-*.json")
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["school"]["code"] == "demo" and len(data["updates"]) == 3
    code, out, err = records("export", "--format", "xlsx", "--out", "demo.xlsx")
    assert code == 0 and (tmp_path / "demo.xlsx").read_bytes()[:2] == b"PK"
    code, out, err = records("export", "--format", "xlsx", "--school", "nowhere")
    assert code == 2 and "nowhere" in err
