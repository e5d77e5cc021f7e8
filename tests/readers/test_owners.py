from dataclasses import dataclass, field

import pytest

from readers.owner_phrases import lead_phrase_count, split_owner_phrases
from readers.owners import resolve_phrase


@dataclass
class Member:
    id: int
    name: str
    roles: list[str] = field(default_factory=list)
    group: str | None = None


STAFF = [
    Member(1, "Nguyễn Thị Minh Hạnh", ["HT"], "Ban giám hiệu"),
    Member(2, "Trần Văn Phúc", ["PHT", "Chủ tịch công đoàn"], "Ban giám hiệu"),
    Member(3, "Lê Văn Sơn", ["PHT phụ trách CSVC"], "Ban giám hiệu"),
    Member(4, "Lê Thị Thu Trang", ["TTCM", "GVBM"], "Tổ Toán - Tin"),
    Member(5, "Phạm Quốc Bảo", ["GVCN", "GVBM"], "Tổ Toán - Tin"),
    Member(6, "Võ Ngọc Lan", ["TTCM", "GVCN"], "Tổ Ngữ văn"),
    Member(7, "Huỳnh Thị Mai", ["NV Thiết bị"], "Tổ Văn phòng"),
    Member(8, "Bùi Thanh Tùng", ["Kế toán"], "Tổ Văn phòng"),
    Member(9, "Đặng Minh Khoa", ["GVBM", "TPT Đội"], "Tổ Ngữ văn"),
]


@pytest.mark.parametrize("text, phrases", [
    ("HT, PHT, TTCM", ["HT", "PHT", "TTCM"]),
    ("HT, PHT, TTCM, NV Thiết bị", ["HT", "PHT", "TTCM", "NV Thiết bị"]),
    ("Hiệu trưởng; Phó hiệu trưởng phụ trách cơ sở vật chất",
     ["Hiệu trưởng", "Phó hiệu trưởng phụ trách cơ sở vật chất"]),
    ("GVCN và GVBM", ["GVCN", "GVBM"]),
    ("- HT\n- Kế toán\n+ UBND phường", ["HT", "Kế toán", "UBND phường"]),
    ("Chủ trì: HT; Phối hợp: PHT, TTCM", ["HT", "PHT", "TTCM"]),
    ("", []),
    (None, []),
])
def test_owner_text_splits_into_phrases_as_written(text, phrases):
    assert split_owner_phrases(text) == phrases


@pytest.mark.parametrize("text, phrases", [
    ("Giáo viên các nhóm, lớp", ["Giáo viên các nhóm, lớp"]),
    ("Tổ trưởng tổ Sử - Địa - GDKT&PL", ["Tổ trưởng tổ Sử - Địa - GDKT&PL"]),
    ("Tổ Toán - Tin, GVCN", ["Tổ Toán - Tin", "GVCN"]),
    ("Tổ KHTN, Công nghệ; PHT", ["Tổ KHTN, Công nghệ", "PHT"]),
    ("GVCN các lớp 6, 7 và TPT Đội", ["GVCN các lớp 6, 7", "TPT Đội"]),
    ("Tổ trưởng Lý - Hóa - Sinh", ["Tổ trưởng Lý - Hóa - Sinh"]),
    ("Chủ trì: Tổ Toán - Tin; Phối hợp: GVCN các lớp 6, 7",
     ["Tổ Toán - Tin", "GVCN các lớp 6, 7"]),
    # What stays apart: people and whole groups, and anything after a semicolon or a line.
    ("Tổ Toán, Tổ Văn", ["Tổ Toán", "Tổ Văn"]),
    ("Tổ Văn, GVCN", ["Tổ Văn", "GVCN"]),
    ("HT - PHT - TTCM", ["HT", "PHT", "TTCM"]),
    ("Tổ Toán; Tin học", ["Tổ Toán", "Tin học"]),
    ("Tổ trưởng, Toán", ["Tổ trưởng", "Toán"]),
    ("Giáo viên, lớp trưởng", ["Giáo viên", "lớp trưởng"]),
    ("HT, 2 PHT", ["HT", "2 PHT"]),
])
def test_a_comma_or_dash_inside_a_role_or_group_name_does_not_split_it(text, phrases):
    assert split_owner_phrases(text) == phrases


# A directory whose group names the language alone would split.
NAMES = ["Tổ Văn phòng - Y tế", "NV Văn thư - Thủ quỹ", "TTCM", "GVBM"]


@pytest.mark.parametrize("text, phrases, without", [
    ("Tổ Văn phòng - Y tế, HT", ["Tổ Văn phòng - Y tế", "HT"],
     ["Tổ Văn phòng", "Y tế", "HT"]),
    ("NV Văn thư - Thủ quỹ và Kế toán", ["NV Văn thư - Thủ quỹ", "Kế toán"],
     ["NV Văn thư", "Thủ quỹ", "Kế toán"]),
    ("Văn thư, Y tế", ["Văn thư", "Y tế"], ["Văn thư", "Y tế"]),
])
def test_the_staff_directorys_own_names_decide_where_it_is_known(text, phrases, without):
    assert split_owner_phrases(text, NAMES) == phrases
    assert split_owner_phrases(text) == without


def test_a_group_named_with_dashes_resolves_to_its_leader_or_its_members():
    staff = STAFF + [Member(10, "Ngô Văn Hải", ["TTCM"], "Tổ Sử - Địa - GDKT&PL"),
                     Member(11, "Tạ Thu Hà", ["GVBM"], "Tổ Sử - Địa - GDKT&PL")]
    (leader,) = split_owner_phrases("Tổ trưởng tổ Sử - Địa - GDKT&PL, GVCN")[:1]
    assert resolve_phrase(leader, staff).staff_ids == [10]
    assert sorted(resolve_phrase("Tổ Sử - Địa - GDKT&PL", staff).staff_ids) == [10, 11]
    assert sorted(resolve_phrase("Tổ Toán - Tin", staff).staff_ids) == [4, 5]


def test_first_phrase_leads_unless_the_text_names_the_leads():
    assert lead_phrase_count("HT, PHT, TTCM") == 1
    assert lead_phrase_count("Chủ trì: HT, PHT; Phối hợp: TTCM") == 2
    assert lead_phrase_count("Chủ trì: Tổ Toán - Tin; Phối hợp: HT, PHT") == 1
    assert lead_phrase_count("Chủ trì: Tổ Văn phòng - Y tế; Phối hợp: HT", NAMES) == 1


@pytest.mark.parametrize("phrase, ids", [
    ("HT", [1]),
    ("Hiệu trưởng", [1]),
    ("PHT", [2, 3]),
    ("Phó hiệu trưởng phụ trách CSVC", [3]),
    ("BGH", [1, 2, 3]),
    ("Ban giám hiệu", [1, 2, 3]),
    ("TTCM", [4, 6]),
    ("Tổ trưởng chuyên môn", [4, 6]),
    ("TTCM tổ Toán", [4]),
    ("GVCN", [5, 6]),
    ("Giáo viên", [4, 5, 6, 9]),
    ("NV Thiết bị", [7]),
    ("Kế toán", [8]),
    ("TPT Đội", [9]),
    ("Chủ tịch công đoàn", [2]),
    ("Tổ Văn phòng", [7, 8]),
    ("Võ Ngọc Lan", [6]),
    ("Cô Lan", [6]),
    ("Thầy Bảo", [5]),
    ("ĐẶNG MINH KHOA", [9]),
])
def test_phrases_resolve_to_staff_by_role_group_or_name(phrase, ids):
    resolution = resolve_phrase(phrase, STAFF)
    assert resolution.kind == "staff"
    assert sorted(resolution.staff_ids) == ids


@pytest.mark.parametrize("phrase", ["UBND phường", "PGD-ĐT", "Phòng GD&ĐT",
                                    "Ban đại diện CMHS", "BĐD CMHS", "Công an xã",
                                    "TP Thủ Đức", "Huyện Đông Triều"])
def test_outside_bodies_are_external(phrase):
    assert resolve_phrase(phrase, STAFF).kind == "external"


@pytest.mark.parametrize("phrase", ["Hội đồng thi đua", "Cô Hoa", "Y tế"])
def test_what_matches_nobody_is_unresolved(phrase):
    resolution = resolve_phrase(phrase, STAFF)
    assert resolution.kind == "unresolved" and resolution.staff_ids == []


def test_a_name_is_not_taken_for_a_place():
    staff = STAFF + [Member(10, "Trần Thị Huyền", ["GVBM"], "Tổ Ngữ văn")]
    assert resolve_phrase("Huyền", staff).staff_ids == [10]
    assert resolve_phrase("Huyền", STAFF).kind == "unresolved"
    assert resolve_phrase("Huyện Đông Triều", staff).kind == "external"
