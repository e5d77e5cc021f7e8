"""One plan per kind of file a school sends, read end to end as an upload is: through
readers.isolated.read_plan_isolated (a process of its own, converting first where the kind
needs it). Time and peak memory of each read, each in a fresh process of the bench, so the
peak is that read's: the larger of the reading process and its converter (LibreOffice),
which RUSAGE_CHILDREN gives once both are reaped; and the CPU seconds they used, which
tell the cost on a busy machine better than the wall clock.

    python bench/import_bench.py --kinds [SEEDS_DIR] [--repeat 5]

The first read of a converted kind runs without LibreOffice's kept profile (as on a new
machine), the others with it. Targets: < 3 s and < 300 MB each."""

from __future__ import annotations

import copy
import csv
import io
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
from docx import Document
from openpyxl import load_workbook

from readers import convert
from reports.plan_template import plan_template_bytes
from templates.render import Renderer

TARGET_SECONDS, TARGET_MB = 3.0, 300
TASK_ROWS = 120
CRITERIA = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1",
            "4.2", "5.1", "5.2", "5.3"]


def kinds(seeds: Path, repeat: int, folder: Path) -> None:
    files = _files(seeds, folder)
    print(f"{'kind':7} {'file':32} {'first s':>7} {'median s':>8} {'max s':>6} {'cpu s':>6}"
          f" {'peak MB':>7}  criteria/tasks")
    for kind, path in files:
        _forget_profile()
        runs = [_measure(path) for _ in range(repeat)]
        first, rest = runs[0], runs[1:] or runs
        seconds = [run["seconds"] for run in rest]
        peak = max(run["peak_mb"] for run in runs)
        late = "  OVER" if max(seconds) > TARGET_SECONDS or peak > TARGET_MB else ""
        cpu = statistics.median(run["cpu"] for run in rest)
        print(f"{kind:7} {path.name:32} {first['seconds']:7.2f} {statistics.median(seconds):8.2f}"
              f" {max(seconds):6.2f} {cpu:6.2f} {peak:7.0f}  {first['read']}{late}")


def measure_one(path: Path) -> None:
    """In the bench's child: one read, printed as JSON."""
    from core.errors import InputError
    from readers.isolated import read_plan_isolated
    started = time.perf_counter()
    try:
        draft = read_plan_isolated(path)
        read = f"{len(draft.criteria)}/{draft.task_count}"
    except InputError as error:
        read = f"refused: {error.key}"
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": seconds, "peak_mb": children.ru_maxrss / 1024,
                      "cpu": children.ru_utime + children.ru_stime,
                      "read": read}))


def _measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("import_bench.py")),
                          "--one", str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _forget_profile() -> None:
    shutil.rmtree(convert._template(), ignore_errors=True)


def _files(seeds: Path, folder: Path) -> list[tuple[str, Path]]:
    table = seeds / "plan-thcs-table-2023-2024.docx"
    long_docx = _long_plan(seeds, folder / "plan-20-pages.docx")
    pdf = _soffice(folder, "pdf", long_docx)
    workbook = _workbook(folder / "plan-120-tasks.xlsx")
    with pdfplumber.open(pdf) as opened:
        pages = len(opened.pages)
    return [("docx", table), ("doc", _soffice(folder, "doc", table)),
            ("odt", _soffice(folder, "odt", table)), (f"pdf {pages}p", pdf),
            ("xlsx", workbook), ("xls", _soffice(folder, "xls", workbook)),
            ("csv", _csv(workbook, folder / "plan-120-tasks.csv")),
            ("txt", seeds / "plan-thcs-table-2023-2024.txt")]


def _long_plan(seeds: Path, path: Path) -> Path:
    """The prose plan with the table plan's body after it: ~20 pages of a real plan."""
    document = Document(seeds / "plan-thcs-narrative-2020-2021.docx")
    body = document.element.body
    for element in Document(seeds / "plan-thcs-table-2023-2024.docx").element.body:
        if not element.tag.endswith("sectPr"):
            body.append(copy.deepcopy(element))
    document.save(path)
    return path


def _workbook(path: Path) -> Path:
    book = load_workbook(io.BytesIO(plan_template_bytes(Renderer())))
    sheet = book.active
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Tiêu chí")
    for i in range(TASK_ROWS):
        row = header + 1 + i
        sheet.cell(row, 1, CRITERIA[i % len(CRITERIA)])
        sheet.cell(row, 4, f"Nhiệm vụ số {i + 1}: rà soát, bồi dưỡng và báo cáo kết quả")
        sheet.cell(row, 5, "HT, PHT")
        sheet.cell(row, 7, f"Tháng {1 + i % 12}/2027")
    book.save(path)
    return path


def _csv(workbook: Path, path: Path) -> Path:
    sheet = load_workbook(workbook).active
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["" if v is None else v for v in row]
                                      for row in sheet.iter_rows(values_only=True)])
    return path


def _soffice(folder: Path, target: str, source: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", target, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True)
    return folder / f"{source.stem}.{target}"
