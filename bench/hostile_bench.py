"""What a document costs to read as a chat upload is read (in a process of its own,
readers.isolated): the real example plans, each hostile document built full size, then files
at the caps of readers.limits, the most a plan may be; the time each took and the peak RSS
of the reading process (47 MB is the interpreter with the readers, before any file). Last,
how long a teacher's /nhiemvu waits while the principal's upload at the caps is read.
Prints a Markdown table and a sentence. Usage:

    python bench/hostile_bench.py [--only NAME] [--database-url URL] [--no-chat]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.readers.*

from core.clock import FixedClock  # noqa: E402
from core.messages import Capabilities  # noqa: E402
from handlers.engine import Engine  # noqa: E402
from readers.limits import MAX_CELLS, MAX_CHARS, MAX_FILE_BYTES, MAX_ROWS  # noqa: E402
from readers.limits import MAX_UNZIPPED_BYTES  # noqa: E402
from readers.plan_files import read_plan  # noqa: E402
from readers.staff_sheet import parse_staff_sheet  # noqa: E402
from storage.db import make_engine, recreate, session_factory  # noqa: E402
from storage.evidence_store import EvidenceStore  # noqa: E402
from storage.linking import link_by_contact  # noqa: E402
from storage.plans import save_plan  # noqa: E402
from storage.schools import pick_school  # noqa: E402
from storage.staff_repo import import_staff  # noqa: E402
from templates.render import Renderer  # noqa: E402
from tests.chat import Chat  # noqa: E402
from tests.readers import test_docx_structures as structures  # noqa: E402
from tests.readers import test_hostile_files as hostile  # noqa: E402
from bot.demo.run import DATA  # noqa: E402

MiB = 1024 * 1024
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"  # real plans, if here
COLUMNS = MAX_CELLS // MAX_ROWS
PRINCIPAL, TEACHER = "0901234501", "0901234503"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- files at the caps: as big as a real plan may be ----------------------------------

def xlsx_at_the_caps(path: Path) -> Path:
    """MAX_ROWS rows of COLUMNS distinct short texts, all in the shared strings."""
    per_cell = MAX_CHARS // (MAX_ROWS * COLUMNS) - 1
    rows = [hostile.HEADER] + [["1.1", f"Việc {r}"] + [f"{r % 10 ** per_cell:0{per_cell}d}"
                                                     for _ in range(COLUMNS - 2)]
                               for r in range(MAX_ROWS - 1)]
    return hostile.plan_xlsx(path, rows)


def docx_at_the_caps(path: Path) -> Path:
    """A table of MAX_ROWS rows of COLUMNS cells, each run carrying formatting the way Word
    writes it, up to just under MAX_UNZIPPED_BYTES."""
    hostile.plan_docx(path)
    cell_text = "x" * (MAX_CHARS // (MAX_ROWS * COLUMNS) - 1)
    budget = MAX_UNZIPPED_BYTES * 0.97 // (MAX_ROWS * COLUMNS)
    bare = f"<w:tc><w:p><w:r><w:rPr></w:rPr><w:t>{cell_text}</w:t></w:r></w:p></w:tc>"
    padding = '<w:rFonts w:ascii="Times New Roman"/>' * int((budget - len(bare)) // 37)
    cell = bare.replace("<w:rPr>", "<w:rPr>" + padding)
    header = "".join(f"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
                     for t in hostile.HEADER)
    row = ("<w:tr><w:tc><w:p><w:r><w:t>1.1</w:t></w:r></w:p></w:tc>"
           + cell * (COLUMNS - 1) + "</w:tr>")
    body = (f'<w:document xmlns:w="{hostile.W}"><w:body><w:tbl><w:tr>{header}</w:tr>'
            + row * (MAX_ROWS - 1) + "</w:tbl></w:body></w:document>")
    return hostile.rezip(path, {"word/document.xml": body.encode()})


def text_at_the_caps(path: Path) -> Path:
    """MAX_ROWS lines of the plan table, MAX_CHARS characters in all."""
    width = MAX_CHARS // MAX_ROWS - 10  # the separators and the line break count too
    lines = [",".join(hostile.HEADER)] + [f"1.1,{'Việc ' * (width // 5)}"[:width] + ",HT"
                                          for _ in range(MAX_ROWS - 1)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --- the files ------------------------------------------------------------------------

def hostile_files(folder: Path) -> list[tuple[str, Path]]:
    """(what it is, the file), built in `folder`."""
    def at(name: str) -> Path:
        return folder / name

    return [
        ("5 KB .xlsx claiming A1:XFD1048576",
         hostile.sheet_claiming_the_whole_grid(at("grid.xlsx"))),
        ("2 MB .docx, 190 MiB of paragraphs, ratio padded",
         hostile.docx_of_paragraphs(at("paragraphs.docx"), 190 * MiB, 2 * MiB)),
        (".docx whose 1 GiB body says 1 KiB",
         hostile.docx_lying_about_its_size(at("lying.docx"), 1024 * MiB)),
        (".xlsx with 1 GiB of shared strings",
         hostile.xlsx_of_shared_strings(at("strings.xlsx"), 1024 * MiB)),
        (".xlsx with 30 MiB of one-letter shared strings (under the unzip cap)",
         hostile.xlsx_of_shared_strings(at("tiny-strings.xlsx"), 30 * MiB)),
        ("30,000-row .xlsx", hostile.sheet_of_rows(at("rows.xlsx"), 30_000)),
        ("30,000-row .csv", hostile.sheet_of_rows(at("rows.csv"), 30_000)),
        ("20 MB of random bytes named .csv", hostile.garbage(at("garbage.csv"), MAX_FILE_BYTES)),
        ("UTF-16 .csv (Excel «Unicode Text»)",
         hostile.plan_csv(at("utf16.csv"), encoding="utf-16")),
        (".xlsx, billion laughs in the shared strings",
         hostile.xlsx_laughing(at("laughs.xlsx"), "xl/sharedStrings.xml")),
        (".xlsx, billion laughs in the sheet",
         hostile.xlsx_laughing(at("laughs-sheet.xlsx"), "xl/worksheets/sheet1.xml")),
        (".docx, billion laughs", hostile.docx_laughing(at("laughs.docx"))),
        (".xlsx, NUL in a cell",
         hostile.shared_string_holding(at("nul.xlsx"), "Rà soát", "Rà_x0000_ soát")),
        (".csv, NUL in a cell",
         hostile.plan_csv(at("nul.csv"), [hostile.HEADER, ["1.1", "Rà\0 soát", "HT"]])),
        (".xlsx, criterion codes with zero-width spaces and direction marks",
         hostile.plan_xlsx(at("invisible.xlsx"), [hostile.HEADER] + [
             [code, "Việc", "HT"] for code in hostile.INVISIBLE])),
        (".docx, task table in tables nested 50 deep",
         structures.nested(50)(at("nested.docx"))),
        (".docx, tables nested 100 deep", structures.nested(100)(at("nested-100.docx"))),
        (".docx, text box in a table in a text box",
         structures.box_table_box(at("box-table-box.docx"))),
        (f".docx, {MAX_ROWS // 2 + 1:,} text boxes, each written twice (Choice, Fallback)",
         structures.many_text_boxes(at("boxes.docx"), MAX_ROWS // 2 + 1)),
        (f".docx, {MAX_ROWS:,} VML text boxes",
         structures.many_text_boxes(at("vml-boxes.docx"), MAX_ROWS, choice=False,
                                    fallback=False)),
        (".docx, pending tracked changes", structures.changes(at("changes.docx"))),
        (f".xlsx at the caps ({MAX_ROWS:,} rows × {COLUMNS})",
         xlsx_at_the_caps(at("caps.xlsx"))),
        (f".docx at the caps ({MAX_ROWS:,} rows × {COLUMNS}, ~32 MiB XML)",
         docx_at_the_caps(at("caps.docx"))),
        (f".csv at the caps ({MAX_ROWS:,} rows, {MAX_CHARS:,} chars)",
         text_at_the_caps(at("caps.csv"))),
        (f".txt at the caps ({MAX_ROWS:,} lines, {MAX_CHARS:,} chars)",
         text_at_the_caps(at("caps.txt"))),
    ]


# Reads one file as a chat upload is read, in a process that has imported no more than the
# readers: its only child is then the reading process, whose peak RSS getrusage reports
# (Linux counts a child's memory from before it exec'd too, so a bigger parent would hide
# a smaller child).
MEASURE = """
import json, resource, sys, time
from pathlib import Path
from core.errors import InputError
from readers.isolated import read_plan_isolated

started = time.perf_counter()
try:
    draft = read_plan_isolated(Path(sys.argv[1]))
    outcome = f"read: {len(draft.criteria)} criteria, {draft.task_count} tasks"
except InputError as error:
    what = error.params.get("what")
    outcome = f"refused: {error.key}" + (f" ({what})" if what else "")
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started,
                  "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(path: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", MEASURE, str(path)], check=True,
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    return json.loads(run.stdout)


def print_files(only: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        print("| file | on disk | outcome | seconds | peak RSS (MB) |")
        print("| --- | ---: | --- | ---: | ---: |")
        real = [(f"real: {path.name}", path) for path in sorted(SEEDS.glob("*"))
                if path.suffix in (".docx", ".txt")]
        for label, path in [*real, *hostile_files(Path(folder))]:
            if only and only not in label:
                continue
            result = measure(path)
            size = path.stat().st_size
            shown = f"{size / MiB:.1f} MB" if size >= MiB / 10 else f"{size / 1024:.1f} KB"
            print(f"| {label} | {shown} | {result['outcome']} | {result['seconds']:.2f} | "
                  f"{result['peak']:.0f} |", flush=True)


# --- the chat meanwhile ---------------------------------------------------------------

async def chat_wait(database_url: str | None, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory(prefix="hostile-chat-") as folder:
        url = database_url or f"sqlite:///{folder}/chat.sqlite3"
        db = make_engine(url)
        recreate(db)
        sessions = session_factory(db)
        clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
        engine = Engine(sessions, Renderer(), EvidenceStore(Path(folder) / "evidence"), clock,
                        channels={"test": Capabilities("test", max_file_bytes=MAX_FILE_BYTES)})
        with sessions.begin() as session:
            school = pick_school(session, "demo", clock, create=True)
            import_staff(session, school, parse_staff_sheet(DATA / "staff.csv"))
            save_plan(session, school, read_plan(DATA / "plan.csv"), clock)
            for phone in (PRINCIPAL, TEACHER):
                user = phone[-6:]
                link_by_contact(session, phone, user, "test", user, user, clock)
        principal = Chat(engine, int(PRINCIPAL[-6:]))
        teacher = Chat(engine, int(TEACHER[-6:]))
        upload = xlsx_at_the_caps(Path(folder) / "ke-hoach.xlsx").read_bytes()

        async def answered() -> float:
            started = time.perf_counter()
            await teacher.send("/nhiemvu")
            return time.perf_counter() - started

        alone = [await answered() for _ in range(runs)]
        during, reads = [], []
        for _ in range(runs):
            started = time.perf_counter()
            reading = asyncio.create_task(
                principal.send_file(upload, "document", "ke-hoach.xlsx", XLSX))
            await asyncio.sleep(0.3)  # the upload is being read
            during.append(await answered())
            await reading
            reads.append(time.perf_counter() - started)
            await principal.send("/huy")
        db.dispose()
    print(f"\n{db.dialect.name}: the principal's upload ({len(upload) / MiB:.1f} MB .xlsx at "
          f"the caps) takes {statistics.median(reads):.2f} s; a teacher's /nhiemvu is "
          f"answered in {statistics.median(alone) * 1000:.0f} ms alone, "
          f"{statistics.median(during) * 1000:.0f} ms sent 0.3 s into the upload "
          f"(medians of {runs})", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="only the files whose description has this")
    parser.add_argument("--database-url", help="the chat part on this database, not SQLite")
    parser.add_argument("--no-chat", action="store_true")
    args = parser.parse_args()
    print_files(args.only)
    if not args.no_chat:
        asyncio.run(chat_wait(args.database_url))
