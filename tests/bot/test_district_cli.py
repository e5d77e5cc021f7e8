"""`caitien district …`, `caitien school add` and `caitien web link`, run as an IT person
runs them."""

from __future__ import annotations

from sqlalchemy import func, select

from core.clock import SystemClock
from storage.db import make_engine, session_factory
from storage.models import AuditEvent, District, School, WebSignIn
from storage.web_access import redeem_sign_in

PUBLIC = "https://caitien.example.vn"


def sessions_of(db_url):
    return session_factory(make_engine(db_url))


def test_a_district_its_schools_and_its_account(cli, db_url):
    code, out, err = cli("district", "add", "q1", "--name", "Phòng GD&ĐT Quận 1")
    assert code == 0, err
    assert "Đã tạo Phòng GD&ĐT Quận 1 (mã q1)" in out
    code, out, _ = cli("district", "member", "q1", "--name", "Nguyễn Văn An",
                       "--phone", "0912 345 678")
    assert code == 0 and "Nguyễn Văn An (0912 345 678)" in out
    assert "caitien web link --phone 0912345678" in out
    code, out, _ = cli("school", "add", "hb", "--name", "Trường THCS Hoà Bình",
                       "--district", "q1")
    assert code == 0
    assert out.strip() == "Đã tạo Trường THCS Hoà Bình (mã hb), thuộc Phòng GD&ĐT Quận 1."
    assert cli("school", "add", "lt", "--district", "q1")[0] == 0
    code, out, _ = cli("school", "add", "hb")
    assert out.strip() == "Đã cập nhật Trường THCS Hoà Bình (mã hb)."
    assert cli("district", "add", "q3", "--name", "Phòng GD&ĐT Quận 3")[0] == 0

    code, out, _ = cli("district", "list")
    assert code == 0
    assert out.splitlines() == [
        "Phòng GD&ĐT Quận 1 (mã q1)",
        "  Trường (2): hb – Trường THCS Hoà Bình; lt",
        "  Tài khoản (1): Nguyễn Văn An (0912 345 678)",
        "",
        "Phòng GD&ĐT Quận 3 (mã q3)",
        "  Trường (0): chưa có",
        "  Tài khoản (0): chưa có",
    ]
    with sessions_of(db_url)() as session:
        (q1,) = session.scalars(select(District).where(District.code == "q1"))
        assert {s.code for s in session.scalars(select(School).where(
            School.district_id == q1.id))} == {"hb", "lt"}


def test_an_existing_school_moves_to_a_district_and_school_bot_still_works(cli, school):
    cli("district", "add", "q1", "--name", "Phòng GD&ĐT Quận 1")
    code, out, _ = cli("school", "add", "demo", "--district", "q1")
    assert code == 0 and out.strip().startswith("Đã cập nhật Trường THCS Hoà Bình")
    code, out, err = cli("school", "bot", "--school", "demo")
    assert code == 0, err


def test_mistakes_are_one_clear_sentence(cli):
    assert cli("district", "list")[1].startswith("Chưa có phòng GD&ĐT nào.")
    cli("district", "add", "q1", "--name", "Phòng GD&ĐT Quận 1")
    code, _, err = cli("district", "add", "q1", "--name", "Khác")
    assert code == 2 and "Đã có phòng GD&ĐT mã «q1»" in err
    code, _, err = cli("district", "member", "q9", "--name", "A", "--phone", "0912345678")
    assert code == 2 and "Chưa có phòng GD&ĐT mã «q9»" in err
    code, _, err = cli("school", "add", "hb", "--district", "q9")
    assert code == 2 and "Chưa có phòng GD&ĐT mã «q9»" in err
    code, _, err = cli("district", "member", "q1", "--name", "A", "--phone", "12")
    assert code == 2 and "«12» không phải số điện thoại" in err
    cli("district", "add", "q3", "--name", "Phòng GD&ĐT Quận 3")
    cli("district", "member", "q1", "--name", "A", "--phone", "0912345678")
    code, _, err = cli("district", "member", "q3", "--name", "B", "--phone", "0912345678")
    assert code == 2 and "đã là tài khoản của Phòng GD&ĐT Quận 1" in err


def test_web_link_needs_the_public_address(cli, school):
    code, out, err = cli("web", "link", "--phone", "0901234501")
    assert code == 2 and out == ""
    assert "CAITIEN_PUBLIC_URL" in err and "Traceback" not in err


def test_web_link_for_a_staff_member_and_a_district_account(cli, school, db_url, monkeypatch):
    monkeypatch.setenv("CAITIEN_PUBLIC_URL", PUBLIC + "/")
    code, out, err = cli("web", "link", "--phone", "0901 234 501")
    assert code == 0, err
    assert "Nguyễn Thị Minh Hạnh" in out and "10 phút" in out
    url = out.split()[-1]
    assert url.startswith(f"{PUBLIC}/web/login/")
    token = url.rsplit("/", 1)[1]

    cli("district", "add", "q1", "--name", "Phòng GD&ĐT Quận 1")
    cli("district", "member", "q1", "--name", "Nguyễn Văn An", "--phone", "0912345678")
    code, out, _ = cli("web", "link", "--phone", "+84912345678")
    assert code == 0 and "Nguyễn Văn An" in out
    member_token = out.split()[-1].rsplit("/", 1)[1]

    sessions = sessions_of(db_url)
    now = SystemClock().now()  # the command issued the links on the real clock
    with sessions.begin() as session:
        staff_session = redeem_sign_in(session, token, now)
        district_session = redeem_sign_in(session, member_token, now)
        assert staff_session[1].staff_id is not None and staff_session[1].member_id is None
        assert district_session[1].member_id is not None
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.kind == "sign_in")) == 0  # issuing a link is not on the trail
        assert session.scalar(select(func.count()).select_from(WebSignIn)) == 2


def test_web_link_for_a_phone_in_two_schools_asks_which(cli, school, monkeypatch, tmp_path):
    monkeypatch.setenv("CAITIEN_PUBLIC_URL", PUBLIC)
    sheet = tmp_path / "staff.csv"
    sheet.write_text("Họ và tên,Số điện thoại,Chức vụ\nNguyễn Thị Minh Hạnh,0901234501,GVBM\n",
                     encoding="utf-8")
    assert cli("staff", "import", str(sheet), "--school", "other")[0] == 0
    code, _, err = cli("web", "link", "--phone", "0901234501")
    assert code == 2 and "demo, other" in err and "--school" in err
    code, out, _ = cli("web", "link", "--phone", "0901234501", "--school", "other")
    assert code == 0 and out.split()[-1].startswith(f"{PUBLIC}/web/login/")
    code, _, err = cli("web", "link", "--phone", "0999999999")
    assert code == 2 and "Không có cán bộ hay tài khoản phòng GD&ĐT nào dùng số" in err
