"""Reading typed answers as a person means them: a number from the list shown, or words
that mean an option (templates/typed_words.j2, so a school can add its own). Words match
whole — never letters inside another word («huy» is not in «chuyên») — and the longest
phrase wins («chưa xong» over «xong»). Case is ignored; diacritics are compared when the
person typed them («đúng» is not «dừng»), ignored when they typed none («dung»)."""

from __future__ import annotations

from templates.render import Renderer
from core.text import fold_words, has_diacritics, lower_words

CANCEL = "cancel"  # typed_words.j2: the words that end any dialogue


def pick_number(text: str | None, count: int) -> int | None:
    """The 0-based index for '2', '2.' or «số 2»; None unless it is one of 1..count."""
    words = fold_words(text or "").split()
    digits = [w for w in words if w.isdigit()]
    if len(digits) != 1 or len(words) > 2:
        return None
    number = int(digits[0])
    return number - 1 if 1 <= number <= count else None


def has_phrase(said: str, phrase: str) -> bool:
    """Whether the words `phrase` stand whole in the words `said` (both as words_as gives)."""
    return bool(phrase) and f" {phrase} " in f" {said} "


def words_as(text: str | None, typed: str | None):
    """`text`'s words in the form `typed` is compared in: with its diacritics when it has
    any, folded when it has none."""
    return (lower_words if has_diacritics(typed or "") else fold_words)(text or "")


def pick_word(text: str | None, renderer: Renderer, keys: list[str]) -> str | None:
    """The key one of whose words (typed_words.j2) stands whole in the text — the longest
    such phrase; None when none does, or two keys tie."""
    said = words_as(text, text)
    if not said:
        return None
    best: tuple[int, set[str]] = (0, set())
    for key in keys:
        for word in renderer.words(key):
            phrase = words_as(word, text)
            length = len(phrase.split())
            if has_phrase(said, phrase) and length >= best[0]:
                best = (length, best[1] | {key}) if length == best[0] else (length, {key})
    return next(iter(best[1])) if len(best[1]) == 1 else None


def pick_option(text: str | None, renderer: Renderer, keys: list[str]) -> str | None:
    """An option by its number in `keys` or by its words."""
    index = pick_number(text, len(keys))
    if index is not None:
        return keys[index]
    return pick_word(text, renderer, keys)


def says_only(text: str | None, renderer: Renderer, key: str) -> bool:
    """Whether the whole text is one of the words of `key` («hủy», «thôi»): a word inside a
    longer answer («tạm thời thôi») is part of that answer."""
    said = words_as(text, text)
    return bool(said) and any(words_as(w, text) == said for w in renderer.words(key))


def is_cancel(text: str | None, renderer: Renderer) -> bool:
    return says_only(text, renderer, CANCEL)
