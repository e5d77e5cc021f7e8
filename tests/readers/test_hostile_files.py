"""Files that are small on disk and huge when read, or odd in other ways: each is read
within the caps of readers.limits or refused with one sentence, never cut silently.

The builders make each file in its smallest shape that still shows the attack;
bench/hostile_bench.py builds the full-size ones with them."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import struct
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.errors import InputError
from readers.isolated import ReaderFailed, isolated, read_plan_isolated
from readers.limits import MAX_CELLS, MAX_CHARS, MAX_ROWS, MAX_UNZIPPED_BYTES
from readers.plan_files import read_plan
from readers.sheets import read_rows
from storage.models import Base
from storage.plans import save_plan
from storage.schools import pick_school
from templates.render import Renderer

HEADER = ["Tiêu chí", "Công việc", "Chủ trì, phối hợp"]
PLAN = [HEADER, ["1.1", "Rà soát, kiện toàn Hội đồng trường", "HT"],
        ["2.2", "Tổ chức sinh hoạt chuyên môn", "TTCM"]]
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MiB = 1024 * 1024
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lololololololololololol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10)) + "]>")


# --- builders -------------------------------------------------------------------------

def plan_xlsx(path: Path, rows=PLAN) -> Path:
    """As Excel writes it: texts in the shared strings, the sheet's size declared."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return with_shared_strings(path)


SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(path: Path) -> Path:
    """openpyxl writes texts into the cells; Excel into a table of shared strings."""
    texts: list[str] = []

    def shared(match: re.Match) -> str:
        texts.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(texts) - 1}</v></c>'

    sheet = re.sub(r'<c r="(\w+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared,
                   member(path, "xl/worksheets/sheet1.xml").decode())
    strings = "".join(f"<si><t>{t}</t></si>" for t in texts)
    types = member(path, "[Content_Types].xml").decode().replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST}"/></Types>')
    rels = member(path, "xl/_rels/workbook.xml.rels").decode().replace(
        "</Relationships>",
        f'<Relationship Id="rIdS" Type="{SST_REL}" Target="sharedStrings.xml"/></Relationships>')
    return rezip(path, {
        "xl/worksheets/sheet1.xml": sheet.encode(), "[Content_Types].xml": types.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "xl/sharedStrings.xml": (f'<sst xmlns="{SHEET_NS}">{strings}</sst>').encode()})


def plan_csv(path: Path, rows=PLAN, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if encoding == "utf-16" else ",").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def plan_docx(path: Path, rows=PLAN, paragraphs=("KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG",)) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text
    document.save(path)
    return path


def rezip(path: Path, parts: dict[str, bytes], stored: dict[str, bytes] | None = None) -> Path:
    """The archive with `parts` put in place of (or beside) its members, deflated, and
    `stored` added uncompressed."""
    with zipfile.ZipFile(path) as archive:
        kept = {i.filename: archive.read(i) for i in archive.infolist()
                if i.filename not in parts}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**kept, **parts}.items():
            archive.writestr(name, data)
        for name, data in (stored or {}).items():
            archive.writestr(name, data, zipfile.ZIP_STORED)
    return path


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def sheet_claiming_the_whole_grid(path: Path) -> Path:
    plan_xlsx(path)
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>',
                   member(path, "xl/worksheets/sheet1.xml").decode())
    return rezip(path, {"xl/worksheets/sheet1.xml": sheet.encode()})


def sheet_with_cells(path: Path, cells: str) -> Path:
    """The plan with extra cell XML (<row> elements) at the end of its sheet."""
    plan_xlsx(path)
    sheet = member(path, "xl/worksheets/sheet1.xml").decode()
    return rezip(path, {"xl/worksheets/sheet1.xml":
                        sheet.replace("</sheetData>", cells + "</sheetData>").encode()})


def docx_of_paragraphs(path: Path, unzipped: int, padding: int) -> Path:
    """A Word file whose body unzips to `unzipped` bytes of paragraphs, beside `padding`
    bytes of stored noise that make its compression ratio look ordinary."""
    plan_docx(path)
    paragraph = (f'<w:p><w:r><w:t>{"Tổ chức rà soát, kiện toàn các hội đồng. " * 4}'
                 "</w:t></w:r></w:p>").encode()
    count = unzipped // len(paragraph)
    body = (f'<w:document xmlns:w="{W}"><w:body>'.encode() + paragraph * count
            + b"</w:body></w:document>")
    noise = random.Random(0).randbytes(padding)
    return rezip(path, {"word/document.xml": body}, {"word/media/image1.png": noise})


# Where a zip header keeps the uncompressed size, the name's length and the name.
HEADERS = ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46))


def lie_about_size(path: Path, name: str, size: int) -> Path:
    """The archive with `name`'s uncompressed size written as `size`, in its local header
    and in the central directory."""
    data = bytearray(path.read_bytes())
    for signature, size_at, length_at, name_at in HEADERS:
        at = data.find(signature)
        while at >= 0:
            (length,) = struct.unpack_from("<H", data, at + length_at)
            if data[at + name_at:at + name_at + length] == name.encode():
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def docx_lying_about_its_size(path: Path, unzipped: int) -> Path:
    """A Word file whose body unzips to `unzipped` bytes but says 1 KiB."""
    return lie_about_size(docx_of_paragraphs(path, unzipped, 0), "word/document.xml", 1024)


def xlsx_of_shared_strings(path: Path, unzipped: int) -> Path:
    plan_xlsx(path, [HEADER, ["1.1", "Rà soát", "HT"]])
    item = b"<si><t>x</t></si>"
    count = unzipped // len(item)
    strings = (f'<sst xmlns="{SHEET_NS}" count="{count}" uniqueCount="{count}">'.encode()
               + item * count + b"</sst>")
    return rezip(path, {"xl/sharedStrings.xml": strings})


def sheet_of_rows(path: Path, count: int) -> Path:
    rows = [HEADER] + [["1.1", f"Việc {n}", "HT"] for n in range(count - 1)]
    if path.suffix == ".csv":
        return plan_csv(path, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def garbage(path: Path, size: int = 64 * 1024) -> Path:
    path.write_bytes(random.Random(1).randbytes(size))
    return path


def xlsx_laughing(path: Path, part: str) -> Path:
    """A workbook whose `part` declares nested entities that expand to a billion «lol»."""
    plan_xlsx(path, [HEADER, ["1.1", "Rà soát", "HT"]])
    xml = member(path, part).decode().replace("Rà soát", "&lol9;")
    return rezip(path, {part: laughing(xml.replace("<v>1</v>", "<v>&lol9;</v>"))})


def laughing(xml: str) -> bytes:
    """The XML with the entities declared after its declaration, if it has one."""
    declaration, mark, rest = xml.partition("?>") if xml.startswith("<?xml") else ("", "", xml)
    return (declaration + mark + LAUGHS + rest).encode()


def docx_laughing(path: Path) -> Path:
    plan_docx(path)
    xml = member(path, "word/document.xml").decode().replace("Rà soát", "&lol9;")
    return rezip(path, {"word/document.xml": laughing(xml)})


def shared_string_holding(path: Path, text: str, escaped: str) -> Path:
    """A plan workbook with `text` in a task cell written as `escaped` in the XML (how
    Excel writes control characters: _x0000_)."""
    plan_xlsx(path)
    strings = member(path, "xl/sharedStrings.xml").decode()
    return rezip(path, {"xl/sharedStrings.xml": strings.replace(text, escaped).encode()})


# --- helpers ---------------------------------------------------------------------------

def refusal(read, path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read(path)
    return caught.value


def sentence(error: InputError) -> str:
    return Renderer().text(f"errors/{error.key}.j2", **error.params)


def unseen(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text
            if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn")]


# --- what the file claims -------------------------------------------------------------

def test_a_sheet_claiming_the_whole_grid_is_read_as_the_cells_it_holds(tmp_path):
    path = sheet_claiming_the_whole_grid(tmp_path / "ke-hoach.xlsx")
    assert b'ref="A1:XFD1048576"' in member(path, "xl/worksheets/sheet1.xml")
    assert read_rows(path) == PLAN
    assert [c.id for c in read_plan(path).criteria] == ["1.1", "2.2"]


def test_empty_cells_and_rows_after_the_plan_cost_nothing(tmp_path):
    path = sheet_with_cells(tmp_path / "p.xlsx", '<row r="5"><c r="XFD5" s="0"/></row>'
                            '<row r="1048576"><c r="A1048576"><v></v></c></row>')
    assert read_rows(path) == PLAN


def test_rows_and_cells_written_without_their_references_are_read_in_order(tmp_path):
    path = plan_xlsx(tmp_path / "p.xlsx")
    sheet = re.sub(r' r="[A-Z]*[0-9]+"', "", member(path, "xl/worksheets/sheet1.xml").decode())
    assert read_rows(rezip(path, {"xl/worksheets/sheet1.xml": sheet.encode()})) == PLAN


def test_a_row_filled_out_to_column_xfd_on_every_row_is_refused(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for r in range(4, 4 + MAX_CELLS // 16384 + 1))
    error = refusal(read_rows, sheet_with_cells(tmp_path / "p.xlsx", rows))
    assert (error.key, error.params["what"]) == ("file_too_long", "cells")


def test_a_filled_row_at_the_bottom_of_the_grid_is_refused_not_dropped(tmp_path):
    path = sheet_with_cells(tmp_path / "p.xlsx", '<row r="1048576"><c r="A1048576" '
                            't="inlineStr"><is><t>3.1</t></is></c></row>')
    error = refusal(read_rows, path)
    assert (error.key, error.params["what"]) == ("file_too_long", "rows")


@pytest.mark.parametrize("name", ["ke-hoach.xlsx", "ke-hoach.csv"])
def test_more_rows_than_the_cap_are_refused_not_cut(tmp_path, name):
    error = refusal(read_plan, sheet_of_rows(tmp_path / name, MAX_ROWS + 1))
    assert (error.key, error.params["what"]) == ("file_too_long", "rows")
    assert "hơn 20.000 dòng" in sentence(error)


def test_a_sheet_at_the_row_cap_is_read_whole(tmp_path):
    rows = read_rows(sheet_of_rows(tmp_path / "p.xlsx", MAX_ROWS))
    assert len(rows) == MAX_ROWS and rows[-1][1] == f"Việc {MAX_ROWS - 2}"


# --- what the archive holds -----------------------------------------------------------

def test_a_word_file_whose_body_unzips_past_the_cap_is_refused(tmp_path):
    path = docx_of_paragraphs(tmp_path / "ke-hoach.docx", MAX_UNZIPPED_BYTES + MiB, 2 * MiB)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert sum(i.file_size for i in infos) / sum(i.compress_size for i in infos) < 20
    assert refusal(read_plan, path).key == "docx_bomb"


def test_a_word_file_with_more_text_than_the_cap_is_refused(tmp_path):
    paragraph = ("Tổ chức rà soát, kiện toàn các hội đồng của nhà trường. " * 40).strip()
    path = plan_docx(tmp_path / "p.docx",
                     paragraphs=[paragraph] * (MAX_CHARS // len(paragraph) + 1))
    error = refusal(read_plan, path)
    assert (error.key, error.params["what"]) == ("file_too_long", "chars")


def test_a_word_file_whose_body_lies_about_its_size_is_refused(tmp_path):
    path = docx_lying_about_its_size(tmp_path / "p.docx", 4 * MiB)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1024
    assert refusal(read_plan, path).key == "docx_broken"


def test_a_workbook_that_lies_about_its_size_is_refused(tmp_path):
    path = xlsx_of_shared_strings(tmp_path / "p.xlsx", 4 * MiB)
    lie_about_size(path, "xl/sharedStrings.xml", 1024)
    assert refusal(read_plan, path).key == "sheet_broken"


def test_a_workbook_of_shared_strings_past_the_cap_is_refused(tmp_path):
    path = xlsx_of_shared_strings(tmp_path / "p.xlsx", MAX_UNZIPPED_BYTES + MiB)
    assert path.stat().st_size < MiB
    assert refusal(read_plan, path).key == "sheet_bomb"


def test_a_workbook_with_more_texts_than_a_sheet_could_use_is_refused(tmp_path):
    path = xlsx_of_shared_strings(tmp_path / "p.xlsx", (MAX_CELLS + 1) * len(b"<si><t>x</t></si>"))
    error = refusal(read_plan, path)
    assert (error.key, error.params["what"]) == ("file_too_long", "cells")


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_an_entity_bomb_in_a_workbook_is_refused(tmp_path, part):
    assert refusal(read_plan, xlsx_laughing(tmp_path / "p.xlsx", part)).key == "sheet_broken"


def test_an_entity_bomb_in_a_word_file_is_refused(tmp_path):
    assert refusal(read_plan, docx_laughing(tmp_path / "p.docx")).key == "docx_broken"


# --- what the text is -----------------------------------------------------------------

@pytest.mark.parametrize("name, key", [("p.csv", "csv_not_text"), ("p.txt", "text_not_text"),
                                       ("p.xlsx", "sheet_broken"), ("p.docx", "docx_broken")])
def test_garbage_gets_one_sentence(tmp_path, name, key):
    error = refusal(read_plan, garbage(tmp_path / name))
    assert error.key == key
    assert "\n" not in sentence(error).strip()


def test_an_excel_unicode_text_export_is_read(tmp_path):
    path = plan_csv(tmp_path / "p.csv", encoding="utf-16")
    assert path.read_bytes().startswith(b"\xff\xfe")
    assert read_rows(path) == PLAN
    assert [c.id for c in read_plan(path).criteria] == ["1.1", "2.2"]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese: letters with ^, ˘ or ơ/ư whole, tone marks apart."""
    out = []
    for char in text:
        marks = unicodedata.normalize("NFD", char)
        base = "".join(m for m in marks if m not in TONES)
        out.append(unicodedata.normalize("NFC", base) + "".join(m for m in marks if m in TONES))
    return "".join(out).encode("cp1258")


def test_a_windows_vietnamese_csv_is_read(tmp_path):
    path = plan_csv(tmp_path / "p.csv")
    path.write_bytes(cp1258(path.read_text(encoding="utf-8")))
    assert read_rows(path) == PLAN


@pytest.mark.parametrize("build", [
    lambda p: plan_csv(p.with_suffix(".csv"), [HEADER, ["1.1", "Rà\0 soát", "HT\0"]]),
    lambda p: shared_string_holding(p.with_suffix(".xlsx"), "Rà soát", "Rà_x0000_ soát"),
])
def test_a_nul_in_a_cell_never_reaches_the_database(tmp_path, sessions, clock, build):
    draft = read_plan(build(tmp_path / "ke-hoach"))
    with sessions.begin() as session:
        save_plan(session, pick_school(session, "nul", clock, create=True), draft, clock)
    with sessions() as session:
        stored = [json.dumps(value, ensure_ascii=False) for table in Base.metadata.sorted_tables
                  for row in session.execute(select(table)) for value in row
                  if isinstance(value, (str, list, dict))]
    assert any("Rà soát" in value for value in stored)
    assert not [value for value in stored if "\\u0000" in value]


INVISIBLE = ["1\u200b.1", "\ufeff1.1", "1.\u20661\u2069", "1.1\u200e", "1\u00ad.1"]


@pytest.mark.parametrize("write", [plan_xlsx, plan_csv, plan_docx])
def test_invisible_characters_do_not_split_a_criterion_code(tmp_path, write):
    rows = [HEADER] + [[code, f"Việc {n}", "HT"] for n, code in enumerate(INVISIBLE)]
    suffix = {plan_xlsx: ".xlsx", plan_csv: ".csv", plan_docx: ".docx"}[write]
    (criterion,) = read_plan(write(tmp_path / f"p{suffix}", rows)).criteria
    assert criterion.id == "1.1" and len(criterion.tasks) == len(INVISIBLE)


def test_an_error_quotes_only_visible_text(tmp_path):
    rows = [HEADER, ["1.1", "Rà soát", "HT"], ["\u2067x\u200by\u2069\u202e", "Việc", "HT"]]
    text = sentence(refusal(read_plan, plan_xlsx(tmp_path / "p.xlsx", rows)))
    assert "«xy»" in text
    assert unseen(text) == []


# --- the process that reads uploads ---------------------------------------------------

def test_the_isolated_reader_gives_what_the_reader_gives(tmp_path):
    path = plan_docx(tmp_path / "ke-hoach.docx")
    assert read_plan_isolated(path) == read_plan(path)


def test_a_refusal_crosses_from_the_reading_process(tmp_path):
    error = refusal(read_plan_isolated, garbage(tmp_path / "p.csv"))
    assert (error.key, error.params) == ("csv_not_text", {"name": "p.csv"})


def eat_memory(path: Path) -> None:
    blocks = []
    while True:
        blocks.append(bytearray(64 * MiB))


def die(path: Path) -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def never_finish(path: Path) -> None:
    import time

    while True:
        time.sleep(1)


def fail(path: Path) -> None:
    raise KeyError("a fault of ours")


@pytest.mark.parametrize("reader", [eat_memory, die])
def test_a_reader_that_runs_out_of_memory_or_dies_refuses_the_file(tmp_path, reader):
    error = refusal(lambda p: isolated(reader, p), tmp_path / "p.docx")
    assert error.key == "file_too_complex"
    assert "quá phức tạp" in sentence(error)


def test_a_reader_that_does_not_finish_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr("readers.isolated.READ_SECONDS", 0.5)
    assert refusal(lambda p: isolated(never_finish, p), tmp_path / "p.docx").key == \
        "file_too_complex"


def test_a_fault_of_ours_is_not_blamed_on_the_file(tmp_path):
    with pytest.raises(ReaderFailed, match="a fault of ours"):
        isolated(fail, tmp_path / "p.docx")
