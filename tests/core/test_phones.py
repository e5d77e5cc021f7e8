import pytest

from core.phones import normalize_phone


@pytest.mark.parametrize("raw", ["0912345678", "+84 912 345 678", "84912345678",
                                 "0912.345.678", "(+84) 912-345-678", "912345678",
                                 "0084912345678", "912345678.0"])
def test_every_way_of_writing_a_number_is_the_same_number(raw):
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["", "abc", "12345", "091234567890123", None])
def test_what_is_not_a_number_is_none(raw):
    assert normalize_phone(raw) is None

