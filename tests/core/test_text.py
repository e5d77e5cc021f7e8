"""Text as people send it: characters nobody types on purpose, file names to keep."""

from core.text import clean, file_name


def test_unseen_characters_are_dropped():
    assert clean("Tiêu chí 1.\u200b3\ufeff") == "Tiêu chí 1.3"
    assert clean("a\x00b\u202ec") == "abc"


def test_file_names_are_names_and_not_too_long():
    assert file_name("x" * 400 + ".docx") == "x" * 295 + ".docx"
    assert file_name("../../etc/passwd") == ".._.._etc_passwd"
    assert file_name("\u200b") is None
