"""Reading an uploaded document in a process of its own, with a memory and a time limit:
a file made to be expensive costs that process, never the bot's.

The process is a new interpreter (`python -m readers.isolated`) that imports only the
readers: safe to start from the bot's threads, the same on every platform, and lighter than
multiprocessing's children, which would import the bot's whole command line first."""

from __future__ import annotations

import logging
import os
import pickle
import re
import subprocess
import sys
import traceback
from pathlib import Path

from core.calendar import SchoolCalendar
from core.errors import InputError
from readers.limits import CONVERT_MEMORY_BYTES, READ_MEMORY_BYTES, READ_SECONDS
from readers.plan_draft import PlanDraft
from readers.plan_files import extra_seconds, read_plan

try:
    import resource
except ImportError:  # Windows: only the time limit holds
    resource = None

log = logging.getLogger(__name__)


class ReaderFailed(Exception):
    """The reader failed on a fault of ours, not of the file: carries its traceback."""


def read_plan_isolated(path: Path, school_year: str | None = None,
                       cal: SchoolCalendar = SchoolCalendar()) -> PlanDraft:
    """read_plan in a process of its own: the draft, or an InputError (file_too_complex when
    the file needed more memory or time than a plan can)."""
    return isolated(read_plan, path, school_year, cal,
                    seconds=READ_SECONDS + extra_seconds(path))


def isolated(reader, path: Path, *args: object, seconds: float = READ_SECONDS):
    """reader(path, *args) in a process of its own, under READ_MEMORY_BYTES and `seconds`.
    `reader` must be importable by name (a module's function)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "readers.isolated"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        out, err = child.communicate(pickle.dumps((reader, path, args)), timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise InputError("file_too_complex", name=path.name) from None
    kind, *rest = pickle.loads(out) if child.returncode == 0 else ("died", err)
    if kind == "read":
        return rest[0]
    if kind == "refused":
        key, params = rest
        raise InputError(key, **params)
    if kind == "failed":
        raise ReaderFailed(rest[0])
    if kind == "died":  # killed for its memory, most likely; what it died of is worth a look
        log.warning("reading an uploaded file stopped (exit %s): %s", child.returncode,
                    _died_of(err))
    raise InputError("file_too_complex", name=path.name)


def _died_of(stderr: bytes) -> str:
    """The exception type on the last line of what the reading process wrote, not its
    message: that may quote the file's words (and its path, the name it was sent with)."""
    lines = stderr.decode(errors="replace").strip().splitlines()
    name = lines[-1].partition(":")[0].strip() if lines else ""
    return name if re.fullmatch(r"[\w.]+", name) else "nothing said"


def _serve() -> None:
    """The reading process: a request on stdin, the outcome on stdout (nothing else may
    write there, so whatever a library prints goes to stderr)."""
    channel, sys.stdout = sys.stdout.buffer, sys.stderr
    reader, path, args = pickle.load(sys.stdin.buffer)
    _limit_memory()
    try:
        outcome = ("read", reader(path, *args))
    except InputError as error:
        outcome = ("refused", error.key, error.params)
    except MemoryError:
        outcome = ("too_complex",)
    except Exception:
        outcome = ("failed", traceback.format_exc())
    pickle.dump(outcome, channel)
    channel.flush()


def _limit_memory() -> None:
    """The reading process's own limit; the hard limit leaves room for the converter it may
    start (readers.convert), which raises its soft limit to CONVERT_MEMORY_BYTES."""
    if resource is None:
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (READ_MEMORY_BYTES,
                                                max(READ_MEMORY_BYTES, CONVERT_MEMORY_BYTES)))
    except (ValueError, OSError):  # macOS does not enforce it; the time limit still holds
        pass


if __name__ == "__main__":
    _serve()
