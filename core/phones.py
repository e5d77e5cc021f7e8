"""Vietnamese phone numbers in one comparable form."""

from __future__ import annotations

import re


def normalize_phone(raw: object) -> str | None:
    """'+84 912.345.678', '0912 345 678' and '84912345678' all become '0912345678'.

    Returns None when what is left is not a plausible number.
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(".0"):  # a number cell read from a spreadsheet as a float
        text = text[:-2]
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0084"):
        digits = digits[4:]
    elif digits.startswith("84") and len(digits) >= 11:
        digits = digits[2:]
    if not digits.startswith("0"):
        digits = "0" + digits
    if not 10 <= len(digits) <= 11:
        return None
    return digits
