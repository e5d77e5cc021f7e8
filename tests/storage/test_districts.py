"""Districts, their accounts and their schools."""

from __future__ import annotations

import pytest

from core.errors import InputError
from storage.access import district_scope
from storage.districts import (
    add_district,
    add_member,
    attach_school,
    districts,
    find_district,
    find_member_by_phone,
)
from storage.schools import pick_school


def test_a_district_with_its_schools_and_accounts(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        q1 = add_district(session, " q1 ", "Phòng GD&ĐT  Quận 1", now)
        q3 = add_district(session, "q3", "Phòng GD&ĐT Quận 3", now)
        for code in ("b", "a"):
            attach_school(session, pick_school(session, code, clock, create=True), q1)
        pick_school(session, "c", clock, create=True)
        an = add_member(session, q1, "Nguyễn Văn An", "+84 912.345.678", now)
        add_member(session, q1, "Lê Thị Bình", "0987654321", now)
    assert (an.phone_norm, an.phone) == ("0912345678", "+84 912.345.678")
    with sessions() as session:
        (one, three) = districts(session)
        assert (one.district.code, one.district.name) == ("q1", "Phòng GD&ĐT Quận 1")
        assert [s.code for s in one.schools] == ["a", "b"]
        assert [m.name for m in one.members] == ["Lê Thị Bình", "Nguyễn Văn An"]
        assert (three.district.id, three.schools, three.members) == (q3.id, [], [])
        found = find_member_by_phone(session, "0912 345 678")
        assert found.id == an.id and found.district.code == "q1"
        assert district_scope(session, found).school_ids == {s.id for s in one.schools}
        assert find_member_by_phone(session, "0900000000") is None
        assert find_member_by_phone(session, "not a phone") is None
        assert find_district(session, "q3").id == q3.id


def test_refusals_carry_their_template_key(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        q1 = add_district(session, "q1", "Phòng GD&ĐT Quận 1", now)
        q3 = add_district(session, "q3", "Phòng GD&ĐT Quận 3", now)
        add_member(session, q1, "Nguyễn Văn An", "0912345678", now)
        for work, key in ((lambda: add_district(session, "q1", "Khác", now), "district_exists"),
                          (lambda: add_district(session, "q9", " ", now), "district_incomplete"),
                          (lambda: find_district(session, "q9"), "district_unknown"),
                          (lambda: add_member(session, q1, "A", "12", now), "phone_bad"),
                          (lambda: add_member(session, q3, "A", "0912345678", now),
                           "district_member_taken")):
            with pytest.raises(InputError) as refused:
                work()
            assert refused.value.key == key


def test_adding_an_account_again_renames_it_and_a_school_can_move(sessions, clock):
    now = clock.now()
    with sessions.begin() as session:
        q1 = add_district(session, "q1", "Phòng GD&ĐT Quận 1", now)
        q3 = add_district(session, "q3", "Phòng GD&ĐT Quận 3", now)
        first = add_member(session, q1, "Nguyễn An", "0912345678", now)
        first.active = False
        again = add_member(session, q1, "Nguyễn Văn An", "0912 345 678", now)
        school = pick_school(session, "a", clock, create=True)
        attach_school(session, school, q1)
        attach_school(session, school, q3)
    assert again.id == first.id and again.active and again.name == "Nguyễn Văn An"
    with sessions() as session:
        assert [len(d.schools) for d in districts(session)] == [0, 1]
