"""Reading typed answers: a number from a list, or words that mean an option."""

from __future__ import annotations

import re

from templates.render import Renderer
from core.text import fold_words


def pick_number(text: str | None, count: int) -> int | None:
    """The 0-based index for '2', '2.' or a word and '2'; None unless it is one of 1..count."""
    words = fold_words(text or "").split()
    digits = [w for w in words if w.isdigit()]
    if len(digits) != 1 or len(words) > 2:
        return None
    number = int(digits[0])
    return number - 1 if 1 <= number <= count else None


def pick_word(text: str | None, renderer: Renderer, keys: list[str]) -> str | None:
    """The key whose typed words (templates/typed_words.j2) match the text."""
    said = fold_words(text or "")
    if not said:
        return None
    for key in keys:
        if any(fold_words(word) == said for word in renderer.words(key)):
            return key
    return None


def pick_option(text: str | None, renderer: Renderer, keys: list[str]) -> str | None:
    """An option by its number in `keys` or by its words."""
    index = pick_number(text, len(keys))
    if index is not None:
        return keys[index]
    return pick_word(text, renderer, keys)


DATE = r"\d{1,2}/\d{1,2}/\d{4}"


def date_range(text: str | None, renderer: Renderer) -> re.Match | None:
    """'01/02/2027 - 12/02/2027 …' or with a typed word for "to" (typed_words.j2 range.to)
    between: groups 1 and 2 are the dates (the second may be missing), 3 what follows."""
    words = "".join(f"|{re.escape(w)}" for w in renderer.words("range.to"))
    pattern = rf"^\s*({DATE})\s*(?:(?:-|–{words})\s*({DATE}))?\s*(.*)$"
    return re.match(pattern, text or "", re.IGNORECASE | re.DOTALL)
