"""Which PDF library reads a plan best: pdfplumber (MIT, what readers/pdf_file.py uses),
PyMuPDF (AGPL-3.0: using it would put the whole product under the AGPL, or need Artifex's
commercial licence) and camelot (MIT; tables only, on top of pdfminer and OpenCV). Each
reads PDFs that LibreOffice prints from the seed plans, in a process of its own: its time,
its peak memory, and how much of the plan comes out — criteria and tasks (spaces aside)
against reading the .docx. Wall-clock time depends on what else the machine runs; the CPU
seconds less so. The time is the library's import, its reading and the walk. PyMuPDF and camelot are measured only when installed; neither
is a dependency.

    python bench/pdf_bench.py [SEEDS_DIR]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.errors import InputError  # noqa: E402
from readers.docx_file import Block  # noqa: E402
from readers.plan_files import read_plan  # noqa: E402
from readers.plan_reader import read_document  # noqa: E402

DEFAULT_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PLANS = ("plan-thcs-table-2023-2024", "plan-tt57-thcs-2026-2027",
         "plan-thcs-narrative-2020-2021")


def pdfplumber_blocks(path: Path) -> list[Block]:
    from readers.pdf_file import read_pdf_blocks
    return read_pdf_blocks(path)


def pymupdf_blocks(path: Path) -> list[Block]:
    """PyMuPDF's own table finder, and its text lines outside the tables; one block per
    line, tables in page order (no joining over page breaks: that is ours, not theirs)."""
    import pymupdf
    blocks: list[tuple[int, float, Block]] = []
    with pymupdf.open(path) as document:
        for number, page in enumerate(document):
            tables = list(page.find_tables())
            boxes = [pymupdf.Rect(table.bbox) for table in tables]
            for table in tables:
                rows = [[cell or "" for cell in row] for row in table.extract()]
                blocks.append((number, table.bbox[1], Block(rows=rows)))
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    box = pymupdf.Rect(line["bbox"])
                    if any(box.intersects(table) for table in boxes):
                        continue
                    text = "".join(span["text"] for span in line["spans"]).strip()
                    if text:
                        blocks.append((number, box.y0, Block(text=text)))
    return [block for _, _, block in sorted(blocks, key=lambda item: item[:2])]


def camelot_blocks(path: Path) -> list[Block]:
    """camelot's lattice tables (the plans' tables are ruled); it gives no text outside
    them, so criteria named in prose are lost whatever it does."""
    import camelot
    tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
    return [Block(rows=table.df.values.tolist()) for table in tables]


READERS = {"pdfplumber": pdfplumber_blocks, "pymupdf": pymupdf_blocks,
           "camelot": camelot_blocks}


def measure(library: str, pdf: Path, docx: Path) -> dict:
    """In the bench's child: one library on one PDF."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    try:
        draft = read_document(READERS[library](pdf), pdf.name)
        failure = None
    except InputError as error:
        draft, failure = None, error.key
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak = usage.ru_maxrss / 1024
    expected = read_plan(docx)
    want_criteria = {c.id for c in expected.criteria}
    want_tasks = _tasks(expected)
    got_criteria = {c.id for c in draft.criteria} if draft else set()
    got_tasks = _tasks(draft) if draft else set()
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "failure": failure,
            "criteria": f"{len(got_criteria & want_criteria)}/{len(want_criteria)}",
            "tasks": f"{len(got_tasks & want_tasks)}/{len(want_tasks)}",
            "extra_tasks": len(got_tasks - want_tasks)}


def _tasks(draft) -> set[tuple[str, str]]:
    return {(c.id, "".join(t.text.split())) for c in draft.criteria for t in c.tasks}


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SEEDS
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'library':11} {'plan':30} {'s':>6} {'cpu s':>6} {'MB':>5} criteria tasks extra")
        for name in PLANS:
            docx = seeds / f"{name}.docx"
            subprocess.run(["soffice", "--headless", "--norestore",
                            f"-env:UserInstallation={(Path(folder) / 'p').as_uri()}",
                            "--convert-to", "pdf", "--outdir", folder, str(docx)],
                           check=True, capture_output=True)
            for library in READERS:
                done = subprocess.run([sys.executable, __file__, "--one", library,
                                       str(Path(folder) / f"{name}.pdf"), str(docx)],
                                      capture_output=True, text=True)
                if done.returncode:
                    print(f"{library:11} {name:32} not measured: "
                          f"{done.stderr.strip().splitlines()[-1]}")
                    continue
                r = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"{library:11} {name:30} {r['seconds']:6.2f} {r['cpu']:6.2f} {r['peak_mb']:5.0f} "
                      f"{r['criteria']:>8} {r['tasks']:>5} {r['extra_tasks']:5}"
                      + (f"  refused: {r['failure']}" if r["failure"] else ""))


if __name__ == "__main__":
    main()
