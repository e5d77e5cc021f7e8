"""Waiting on a condition in a test that runs no event loop (a thread, a subprocess)."""

from __future__ import annotations

import time


def wait_until(predicate, timeout: float = 30.0) -> None:
    """Return as soon as `predicate()` is true; fail the test when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for a condition"
        time.sleep(0.01)
