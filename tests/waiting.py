"""Waiting on a condition: in a test that runs no event loop (a thread, a subprocess), and
in one that does."""

from __future__ import annotations

import asyncio
import time


def wait_until(predicate, timeout: float = 30.0) -> None:
    """Return as soon as `predicate()` is true; fail the test when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for a condition"
        time.sleep(0.01)


async def wait_for(condition, timeout: float = 60.0) -> None:
    """`wait_until` for a test on the event loop: what it waits for goes on meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
