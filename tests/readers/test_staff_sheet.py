import csv

import pytest

from core.errors import InputError
from readers.staff_sheet import parse_staff_sheet
from tests.conftest import DEMO


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_the_example_staff_list_reads_with_roles_and_normalised_phones():
    staff = parse_staff_sheet(DEMO / "staff.csv")
    assert len(staff) == 8
    phuc = staff[1]
    assert (phuc.name, phuc.phone_norm, phuc.roles, phuc.group) == (
        "Trần Văn Phúc", "0901234502", ["PHT", "Chủ tịch công đoàn"], "Ban giám hiệu")
    assert staff[4].phone_norm == "0901234505"  # written +84 901 234 505


def test_english_headers_and_telegram_usernames(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["name", "phone", "roles", "group", "telegram"],
                                          ["An", "0912000001", "GVCN, GVBM", "Toán", "@an_gv"]])
    (row,) = parse_staff_sheet(path)
    assert (row.roles, row.telegram) == (["GVCN", "GVBM"], "an_gv")


def test_bad_rows_are_all_reported_and_nothing_is_returned(tmp_path):
    path = write_csv(tmp_path / "s.csv", [
        ["Họ và tên", "Số điện thoại", "Chức vụ"],
        ["An", "0912000001", "GV"],
        ["", "0912000002", "GV"],
        ["Bình", "12", "GV"],
        ["Chi", "+84 912 000 001", "GV"],
        ["", "", ""],
    ])
    with pytest.raises(InputError) as caught:
        parse_staff_sheet(path)
    assert caught.value.params["rows"] == [(3, "no_name"), (4, "bad_phone"),
                                           (5, "duplicate_phone")]


def test_missing_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["Họ và tên", "Tổ"], ["An", "Toán"]])
    with pytest.raises(InputError) as caught:
        parse_staff_sheet(path)
    assert caught.value.key == "staff_missing_columns"
    assert caught.value.params["missing"] == ["phone", "roles"]
