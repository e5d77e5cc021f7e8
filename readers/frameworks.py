"""The ministry's criteria frameworks, read from catalogue/frameworks.json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).parent / "catalogue" / "frameworks.json"


@cache
def frameworks() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


@cache
def known_criterion_ids() -> frozenset[str]:
    return frozenset(cid for fw in frameworks().values() for cid in fw["criteria"])


def criterion_sort_key(code: str) -> tuple[int, int]:
    standard, number = code.split(".")
    return int(standard), int(number)


def criterion_title(framework: str | None, code: str) -> str | None:
    if framework is None:
        return None
    return frameworks().get(framework, {}).get("criteria", {}).get(code)
