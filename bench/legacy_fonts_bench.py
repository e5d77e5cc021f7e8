"""What decoding legacy Vietnamese fonts costs on a 100-page plan: the seed table plan's body
repeated to about 100 pages (~250,000 characters), read as Unicode, as TCVN3 in .VnTime /
.VnTimeH runs, and as VNI, each the best of five reads (readers.docx_file.read_blocks, in
this process). Prints a Markdown table. On 2 cores, December 2026, CPU seconds: 0.055 on
main before fonts were resolved, now 0.078 (Unicode), 0.090 (TCVN3), 0.10 (VNI). Usage:

    python bench/legacy_fonts_bench.py [--seed PATH] [--copies N]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.readers.*

from lxml import etree  # noqa: E402

from readers.docx_file import read_blocks  # noqa: E402
from tests.readers.legacy_docs import (  # noqa: E402
    W, reencode_docx, replace_part, tcvn3_letters, tcvn3_pieces, vni_letters, vni_pieces)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / \
    "plan-thcs-table-2023-2024.docx"
CHARS_PER_PAGE = 2_500  # a page of a plan in 13-pt type, tables included


def repeated(source: Path, target: Path, copies: int) -> Path:
    """`source` with its body's content `copies` times over."""
    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    body = root.find(f"{W}body")
    content = [child for child in body if child.tag != f"{W}sectPr"]
    for _ in range(copies - 1):
        for child in content:
            body.insert(len(body) - 1, etree.fromstring(etree.tostring(child)))
    return replace_part(source, target, "word/document.xml", etree.tostring(root))


def best_of(path: Path, times: int = 5) -> tuple[float, float, int]:
    """The best wall and CPU seconds of `times` reads (CPU time too: on a busy machine the
    wall clock mostly measures waiting), and the characters read."""
    wall = cpu = float("inf")
    chars = 0
    for _ in range(times):
        start, start_cpu = time.perf_counter(), time.process_time()
        blocks = read_blocks(path, set())
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        chars = sum(len(b.text or "") + sum(len(cell) for row in b.rows or [] for cell in row)
                    for b in blocks)
    return wall, cpu, chars


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--copies", type=int, default=0, help="0: enough for 100 pages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        *_, seed_chars = best_of(args.seed, 1)
        copies = args.copies or -(-100 * CHARS_PER_PAGE // seed_chars)
        kinds = {"Unicode": args.seed}
        reencode_docx(args.seed, work / "tcvn3.docx", tcvn3_pieces, tcvn3_letters())
        reencode_docx(args.seed, work / "vni.docx", vni_pieces, vni_letters())
        kinds |= {"TCVN3": work / "tcvn3.docx", "VNI": work / "vni.docx"}
        print(f"{copies} copies of {args.seed.name} ({seed_chars:,} characters each)\n")
        print("| document | characters | runs | read, wall (s) | read, CPU (s) |")
        print("|---|---:|---:|---:|---:|")
        for kind, path in kinds.items():
            big = repeated(path, work / f"big-{kind}.docx", copies)
            with zipfile.ZipFile(big) as archive:
                runs = len(re.findall(rb"<w:r[ >]", archive.read("word/document.xml")))
            wall, cpu, chars = best_of(big)
            print(f"| {kind} | {chars:,} | {runs:,} | {wall:.3f} | {cpu:.3f} |")


if __name__ == "__main__":
    main()
