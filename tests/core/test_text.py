"""Text as people send it: characters nobody types on purpose, file names to keep."""

from core.text import clean, file_name, split_text, utf16_len


def test_unseen_characters_are_dropped():
    assert clean("Tiêu chí 1.\u200b3\ufeff") == "Tiêu chí 1.3"
    assert clean("a\x00b\u202ec") == "abc"


def test_file_names_are_names_and_not_too_long():
    assert file_name("x" * 400 + ".docx") == "x" * 295 + ".docx"
    assert file_name("../../etc/passwd") == ".._.._etc_passwd"
    assert file_name("\u200b") is None


def test_pieces_are_measured_as_the_platforms_count_utf16_units():
    line = "🔕 Chưa trả lời: " + "x" * 80  # the bell is two units
    text = "\n".join([line] * 30)
    assert utf16_len(line) == len(line) + 1
    pieces = split_text(text, 2000)
    assert all(utf16_len(piece) <= 2000 for piece in pieces)
    assert "\n".join(pieces) == text
    assert split_text("😀" * 1500, 2000) == ["😀" * 1000, "😀" * 500]  # never half a pair
