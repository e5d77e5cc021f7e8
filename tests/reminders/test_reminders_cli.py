"""`caitien reminders preview`, `caitien calendar` and `caitien staff pause`."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.linking import link_by_contact
from storage.models import Staff
from tests.conftest import require_seed
from tests.reminders.conftest import FIXTURES, PHONES, TABLE_PLAN, chat_of


def test_the_preview_of_a_year_as_json_lines(cli, phuhuu):
    code, out, _ = cli("reminders", "preview", "--from", "2023-07-01", "--to", "2023-08-01",
                       "--json", "--assume", "silent")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0] == {"assume": "silent", "at": "2023-07-17T08:00:00+07:00",
                        "to": "Nguyễn Văn Tốt", "kinds": ["deadline"], "rungs": [],
                        "criteria": ["3.3"], "linked": True}
    # "Tháng 7 năm 2023" is dated in the summer break: its countdowns go there, nothing else.
    assert {k for line in lines for k in line["kinds"]} == {"deadline"}
    assert len(lines) == 12  # four owners, three countdowns each


def test_the_preview_lives_both_assumptions(cli, phuhuu):
    """Answering on the day quiets the follow-ups and the ladder; nobody answering brings
    the follow-ups, and the chase climbs to the monitoring team sooner."""
    code, out, _ = cli("reminders", "preview", "--from", "2023-09-01", "--to", "2023-10-01",
                       "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    kinds = {assume: [k for line in lines if line["assume"] == assume for k in line["kinds"]]
             for assume in ("answers", "silent")}
    assert "nudge" not in kinds["answers"] and kinds["silent"].count("nudge") == 6
    sat = [line["at"][:10] for line in lines if line["to"] == "Phan Văn Sát"]
    assert sat == ["2023-09-25", "2023-09-11"]  # answers: quiet 14 days first
    by_day = {(line["assume"], line["to"], line["at"][:10]) for line in lines}
    assert len(by_day) == len(lines)  # one message a person a day


def import_phuhuu(cli) -> None:
    """Staff and plan imported, nobody linked yet."""
    require_seed(TABLE_PLAN)
    assert cli("staff", "import", str(FIXTURES / "phuhuu_staff.csv"))[0] == 0
    # The Phú Hữu plan of 2023-2024, lived in its own year here though the clock is later.
    assert cli("plan", "import", str(TABLE_PLAN), "--other-school-year")[0] == 0


def preview_json(cli) -> list[dict]:
    code, out, _ = cli("reminders", "preview", "--from", "2023-09-01", "--to", "2023-10-01",
                       "--json")
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_a_plan_nobody_linked_yet_previews_its_reminders_marked(cli):
    import_phuhuu(cli)
    code, out, _ = cli("reminders", "preview", "--from", "2023-09-01", "--to", "2023-10-01")
    assert code == 0 and "Không có tin nhắc nào" not in out
    assert "2023-09-25 08:00  Lê Minh Đức (chưa liên kết) — nhắc cập nhật tháng" in out
    assert "2023-09-25 07:00  Nguyễn Văn Tốt (chưa liên kết) — nhắc cập nhật tháng + bản tin " \
        "tuần" in out
    assert "Chưa liên kết Telegram hay Zalo" in out
    lines = preview_json(cli)
    assert lines and not any(line["linked"] for line in lines)
    assert {k for line in lines for k in line["kinds"]} == {
        "monthly", "nudge", "digest", "overdue", "chase"}


def test_a_linked_owner_previews_as_linked_among_the_unlinked(cli, sessions, clock):
    import_phuhuu(cli)
    before = preview_json(cli)
    with sessions.begin() as session:
        user = chat_of("Tốt")
        assert link_by_contact(session, PHONES["Tốt"], user, "test", user, user,
                               clock).outcome == "linked"
    after = preview_json(cli)
    assert {line["to"]: line["linked"] for line in after} == {
        line["to"]: line["to"] == "Nguyễn Văn Tốt" for line in before}
    assert [{**line, "linked": None} for line in after] == [
        {**line, "linked": None} for line in before]


def test_calendar_set_and_show(cli, db, school):
    code, out, _ = cli("calendar", "set", "--holiday", "2027-02-01:2027-02-12:Tết",
                       "--semester1-end", "01-20", "--checkin-day", "20")
    assert code == 0 and "Tết 01/02/2027–12/02/2027" in out and "hết học kỳ I 20/01" in out
    assert "tính lại thời hạn" in out
    code, out, _ = cli("calendar", "show")
    assert "ngày 20, lúc 08:00" in out
    code, _, err = cli("calendar", "set", "--send-time", "22:00")
    assert code == 2 and "giờ gửi nhắc" in err
    code, _, err = cli("calendar", "set", "--holiday", "2027-02-30:2027-03-01")
    assert code == 2 and "ngày nghỉ" in err


def test_pause_and_resume_from_the_command_line(cli, db, school):
    code, out, _ = cli("staff", "pause", "0901234503", "--until", "2027-01-15")
    assert code == 0 and "Lê Thị Thu Trang đến hết ngày 15/01/2027" in out
    code, _, err = cli("staff", "pause", "Ai Đó", "--until", "2027-01-15")
    assert code == 2
    code, _, err = cli("staff", "pause", "0901234503", "--until", "mai")
    assert code == 2 and "Không hiểu ngày" in err
    assert cli("staff", "resume", "Lê Thị Thu Trang")[0] == 0
    with db.connect() as conn:
        assert conn.execute(select(Staff.paused_until)).scalars().all() == [None] * 8
