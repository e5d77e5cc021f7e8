"""The ministry's criteria frameworks, read from catalogue/frameworks.json."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).parent / "catalogue" / "frameworks.json"
CRITERION_ID = re.compile(r"^([1-9])\s*\.\s*(\d{1,2})$")


@cache
def frameworks() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


@cache
def known_criterion_ids() -> frozenset[str]:
    return frozenset(cid for fw in frameworks().values() for cid in fw["criteria"])


def parse_criterion_id(raw: str) -> str | None:
    """'1.2', '1. 2', '1,2' → '1.2'; None when it is not shaped like an id."""
    match = CRITERION_ID.match(raw.strip().replace(",", ".").rstrip("."))
    if not match:
        return None
    return f"{int(match.group(1))}.{int(match.group(2))}"


def criterion_sort_key(code: str) -> tuple[int, int]:
    standard, number = code.split(".")
    return int(standard), int(number)


def criterion_title(framework: str | None, code: str) -> str | None:
    if framework is None:
        return None
    return frameworks().get(framework, {}).get("criteria", {}).get(code)
