"""Files built in a process of their own: rendering a year's Word and Excel report is
seconds of CPU, which in the serving process would hold the interpreter's lock against every
teacher's turn. One worker process, started the first time a file is asked for and kept for
the next; the data goes to it as plain values, the files come back as bytes.

A worker that dies or takes longer than BUILD_SECONDS is stopped and a new one started for
the next build: the caller gets BuildFailed, never a turn left hanging."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from reports.report_data import ReportData
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from templates.render import Renderer

log = logging.getLogger(__name__)

BUILD_SECONDS = 120.0  # a year's report of a large school takes a few seconds
PARENT_CHECK_SECONDS = 1.0
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_renderers: dict[tuple[str, ...], Renderer] = {}  # the worker's, one per template folder


class BuildFailed(Exception):
    """The worker died, failed or ran out of time: the files were not made."""


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn: a fresh interpreter, never a fork of a process with threads and open
            # database connections.
            _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_outlive_no_parent,
                                        initargs=(os.getpid(),))
        return _pool


def _outlive_no_parent(parent: int) -> None:
    """In the worker: end when the serving process is gone. Killed (kill -9, the OOM
    killer), it cannot stop its worker, which would otherwise stay, an orphan, for good."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _replace(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose worker is stuck or dead; the next build starts a new one. The
    executor has no public way to stop a task that runs: its processes are killed."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


async def report_files(data: ReportData, renderer: Renderer, kinds: list[str]) -> list[bytes]:
    """The report's files of these kinds (report: Word, excel, monitoring: the monitoring
    team's Word), in that order, built in the worker process. A build that raises raises
    here; a worker that died or ran out of time is BuildFailed."""
    folders = tuple(str(f) for f in renderer.folders)
    loop = asyncio.get_running_loop()
    pool = _executor()
    try:
        future = loop.run_in_executor(pool, _report_files, data, folders, kinds)
    except BrokenProcessPool:
        # Its worker died between builds (the OOM killer, a person): nothing to do with this
        # build, which a new worker takes. Left as it was, every report after it failed.
        _replace(pool)
        pool = _executor()
        future = loop.run_in_executor(pool, _report_files, data, folders, kinds)
    try:
        return await asyncio.wait_for(future, BUILD_SECONDS)
    except (TimeoutError, BrokenProcessPool) as error:
        log.warning("the report's worker stopped (%s): a new one for the next report",
                    type(error).__name__)
        _replace(pool)
        raise BuildFailed from error


BUILDERS = {"report": report_docx, "excel": report_xlsx, "monitoring": monitoring_docx}


def _report_files(data: ReportData, folders: tuple[str, ...], kinds: list[str]) -> list[bytes]:
    """In the worker: the files, with the same templates as the serving process."""
    renderer = _renderers.get(folders)
    if renderer is None:
        # The last folder is always the bundled templates; before it, a school's own.
        override = folders[0] if len(folders) > 1 else None
        renderer = _renderers[folders] = Renderer(override)
    return [BUILDERS[kind](data, renderer) for kind in kinds]
