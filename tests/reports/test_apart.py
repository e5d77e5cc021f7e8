"""The report's worker process does not outlive the serving process that started it, and one
that died between builds is replaced for the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from reports import apart
from templates.render import Renderer
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
# A serving process in miniature: it starts the worker, says its pid, then waits to be killed.
SERVER = """
import os, sys
from reports import apart
pool = apart._executor()
print(pool.submit(os.getpid).result(), flush=True)
sys.stdin.read()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A dead child not yet reaped by init is a zombie: gone for our purpose.
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


def test_a_server_killed_with_kill_9_leaves_no_worker_behind():
    server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    worker = int(server.stdout.readline())
    assert _alive(worker)
    server.send_signal(signal.SIGKILL)
    server.wait()
    wait_until(lambda: not _alive(worker), timeout=30)


async def test_a_worker_that_died_between_builds_is_replaced_for_the_next():
    """Killed while idle (the OOM killer, a person), the worker leaves its pool broken: the
    next build gets a new worker, not an error (no files asked: the worker is what is tried)."""
    assert await apart.report_files(None, Renderer(), []) == []
    pool = apart._executor()
    (worker,) = pool._processes.values()
    worker.kill()
    wait_until(lambda: pool._broken, timeout=30)  # what makes the pool refuse new work
    assert await apart.report_files(None, Renderer(), []) == []
    assert apart._executor() is not pool
