"""The IT person's commands for the school's records: backup, restore, upgrade with a
backup first, and a person's data seen or erased."""

from __future__ import annotations

import json
import zipfile
import zlib

import pytest
from sqlalchemy import func, select

from storage.models import ProcessedEvent, Staff
from tests.chat import Chat
from tests.storage.test_archive import PRINCIPAL, TEACHER, a_lived_school


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


# --- damaged archives of every kind, a setting too low, replies forgotten ---------------------

def damaged_copies(good, tmp_path) -> dict[str, object]:
    """The same archive broken each way it can be: cut short, a compressed table whose bytes
    are garbled (zlib refuses it), a manifest that is not JSON, no manifest at all."""
    with zipfile.ZipFile(good) as z:
        parts = {item.filename: (item, z.read(item)) for item in z.infolist()}
    made = {}
    made["cut.zip"] = good.read_bytes()[: good.stat().st_size * 2 // 3]
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("tables/task_updates.jsonl")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for n in range(start + 2, start + info.compress_size - 2):
        raw[n] ^= 0x5A
    made["zlib.zip"] = bytes(raw)
    for name, change in (("json.zip", lambda p: p.pop("manifest.json") and None),
                         ("manifest.zip", lambda p: p.pop("manifest.json"))):
        buffer = tmp_path / name
        kept = dict(parts)
        manifest = kept.pop("manifest.json")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for item, data in kept.values():
                out.writestr(item, data)
            if name == "json.zip":
                out.writestr(manifest[0], manifest[1][: len(manifest[1]) // 2])
        made[name] = buffer.read_bytes()
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return made


def test_a_damaged_archive_of_any_kind_is_one_sentence(records, tmp_path, monkeypatch):
    assert records("backup", "good.zip")[0] == 0
    damaged_copies(tmp_path / "good.zip", tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    monkeypatch.setenv("CAITIEN_EVIDENCE_DIR", str(tmp_path / "elsewhere"))
    for name in ("cut.zip", "zlib.zip", "json.zip", "manifest.zip"):
        code, out, err = records("restore", name)
        assert code == 2 and out == "", name
        assert err.strip() == (f"Tệp {name} bị hỏng hoặc không phải bản sao lưu của caitien "
                               "(tổng kiểm tra không khớp). Hãy dùng một bản sao lưu khác."), name
    # The good one still goes in: nothing was half-written by the broken ones.
    assert records("restore", "good.zip")[0] == 0


def test_the_garbled_table_is_a_zlib_error_underneath(tmp_path, records):
    """The case above is the one the issue met: zlib's own error, not a checksum."""
    assert records("backup", "good.zip")[0] == 0
    damaged_copies(tmp_path / "good.zip", tmp_path)
    with zipfile.ZipFile(tmp_path / "zlib.zip") as z, pytest.raises(zlib.error):
        z.read("tables/task_updates.jsonl")


def test_a_retention_below_the_floor_is_one_sentence(records, monkeypatch):
    monkeypatch.setenv("CAITIEN_RETENTION_DAYS", "30")
    code, out, err = records("backup", "x.zip")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip() == ("CAITIEN_RETENTION_DAYS đang là 30 ngày, quá ít: các tin nhắc đã "
                           "gửi cần được giữ ít nhất 60 ngày, hãy đặt từ 60 trở lên.")
    monkeypatch.setenv("CAITIEN_RETENTION_DAYS", "nửa năm")
    code, out, err = records("backup", "x.zip")
    assert code == 2 and err.strip() == (
        "CAITIEN_RETENTION_DAYS phải là một số ngày (ví dụ 180), không phải «nửa năm».")


async def test_forgetting_clears_the_replies_kept_for_the_person(records, sessions, engine):
    """The bot keeps each turn's replies a week (to answer a redelivered update the same
    way): they are the person's data, listed by `staff data` and erased by `staff forget`."""
    bao = Chat(engine, f"demo-{TEACHER}")
    asked = await bao.send("/capnhat")
    await bao.press("1.")
    code, out, err = records("staff", "data", TEACHER)
    kept = json.loads(out)["replies"]
    assert [r["replies"][0]["text"] for r in kept][:1] == [asked]
    assert len(kept) == 2
    # The principal's /tamdung, kept for her, names him (he is on leave).
    hanh = Chat(engine, f"demo-{PRINCIPAL}")
    assert "Phạm Quốc Bảo" in await hanh.send("/tamdung")

    assert records("staff", "forget", TEACHER, "--yes")[0] == 0
    with sessions() as session:
        texts = [json.dumps(r, ensure_ascii=False) for r in session.scalars(
            select(ProcessedEvent.replies).where(ProcessedEvent.replies.is_not(None)))]
        assert texts and not [t for t in texts if "Phạm Quốc Bảo" in t]
        assert session.scalar(select(func.count()).select_from(ProcessedEvent).where(
            ProcessedEvent.external_user_id == f"demo-{TEACHER}")) == 0
