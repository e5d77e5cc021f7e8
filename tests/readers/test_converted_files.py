"""Every file a school sends opens: the seed plans saved as Word 97, OpenDocument, RTF and
PDF (by LibreOffice, at test time) read as their .docx does; workbooks saved as Excel 97
and .ods as their .xlsx; and what cannot be read — a photo, a scan, a password, a broken
file, a server without LibreOffice — gets one sentence, whatever the file is named."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
from pathlib import Path

import olefile
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import load_workbook
from PIL import Image

import readers.convert
from core.errors import InputError
from readers.isolated import read_plan_isolated
from readers.limits import CONVERT_SECONDS, PDF_SECONDS, Budget
from readers.plan_files import SUFFIXES, extra_seconds, read_plan
from reports.plan_template import plan_template_bytes
from templates.render import Renderer

PLANS = ("plan-thcs-table-2023-2024", "plan-tt57-thcs-2026-2027",
         "plan-thcs-narrative-2020-2021")


def soffice(tmp: Path, target: str, *files: Path) -> list[Path]:
    """The files saved as `target` by LibreOffice, as a school's computer would."""
    assert shutil.which("soffice"), "LibreOffice (soffice) must be installed for these tests"
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                    "--convert-to", target, "--outdir", str(tmp), *map(str, files)],
                   check=True, capture_output=True)
    return [tmp / f"{f.stem}.{target.split(':')[0]}" for f in files]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, seed) -> dict[str, Path]:
    """Each seed plan as .docx (the original) and as .doc, .odt, .rtf and .pdf."""
    tmp = tmp_path_factory.mktemp("seeds")
    files = {f"{name}.docx": seed(f"{name}.docx") for name in PLANS}
    for kind in ("doc", "odt", "rtf", "pdf"):
        for path in soffice(tmp, kind, *files.values()):
            files[path.name] = path
    return files


def tasks(draft) -> set[tuple[str, str, str]]:
    """What a plan says: each task's criterion, words and owners."""
    return {(c.id, t.text, ",".join(t.owners)) for c in draft.criteria for t in c.tasks}


def task_words(draft) -> set[tuple[str, str]]:
    """Each task's criterion and words, spaces aside: the seeds' tables print in columns
    so narrow that LibreOffice breaks words («trườn / g») where Word would not."""
    return {(c.id, "".join(t.text.split())) for c in draft.criteria for t in c.tasks}


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_plan(path)
    return caught.value


@pytest.mark.parametrize("kind", ["doc", "odt", "rtf"])
def test_a_plan_saved_in_an_older_or_open_format_reads_as_its_docx(seeds, kind):
    for name in PLANS[:2]:
        original = read_plan(seeds[f"{name}.docx"])
        converted = read_plan(seeds[f"{name}.{kind}"])
        assert tasks(converted) == tasks(original)
        assert (converted.school, converted.school_year, converted.framework) == (
            original.school, original.school_year, original.framework)


@pytest.mark.parametrize("name", PLANS)
def test_a_pdf_of_a_plan_reads_as_its_docx(seeds, name):
    original = read_plan(seeds[f"{name}.docx"])
    pdf = read_plan(seeds[f"{name}.pdf"])
    assert [c.id for c in pdf.criteria] == [c.id for c in original.criteria]
    assert task_words(pdf) == task_words(original)


def test_a_pdf_of_a_plan_in_prose_reads_with_its_owners_and_timelines(seeds):
    original = read_plan(seeds["plan-thcs-narrative-2020-2021.docx"])
    pdf = read_plan(seeds["plan-thcs-narrative-2020-2021.pdf"])
    assert tasks(pdf) == tasks(original)
    assert [t.schedule for c in pdf.criteria for t in c.tasks] == \
        [t.schedule for c in original.criteria for t in c.tasks]


def test_a_task_row_a_page_break_cut_is_read_whole(seeds):
    """In the PDF of the table plan, criterion 5.2's row runs from page 8 onto page 9."""
    draft = read_plan(seeds["plan-thcs-table-2023-2024.pdf"])
    (task,) = next(c for c in draft.criteria if c.id == "5.2").tasks
    assert "khó khăn. Tạo mọi điều kiện" in " ".join(task.text.split())


def test_a_file_is_read_for_what_it_is_not_what_it_is_named(seeds, tmp_path):
    original = task_words(read_plan(seeds["plan-tt57-thcs-2026-2027.docx"]))
    docx_as_doc = tmp_path / "ke-hoach.doc"
    shutil.copyfile(seeds["plan-tt57-thcs-2026-2027.docx"], docx_as_doc)
    doc_as_docx = tmp_path / "ke-hoach.docx"
    shutil.copyfile(seeds["plan-tt57-thcs-2026-2027.doc"], doc_as_docx)
    pdf_as_txt = tmp_path / "ke-hoach.txt"
    shutil.copyfile(seeds["plan-tt57-thcs-2026-2027.pdf"], pdf_as_txt)
    assert task_words(read_plan(docx_as_doc)) == original
    assert task_words(read_plan(doc_as_docx)) == original
    assert task_words(read_plan(pdf_as_txt)) == original


def test_a_doc_reads_in_the_isolated_process_two_at_once(seeds):
    """The reading process's 512 MiB does not bind LibreOffice; two conversions at once
    have profiles of their own."""
    results: dict[int, object] = {}

    def read(i: int) -> None:
        results[i] = read_plan_isolated(seeds["plan-thcs-table-2023-2024.doc"])

    threads = [threading.Thread(target=read, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = tasks(read_plan(seeds["plan-thcs-table-2023-2024.docx"]))
    assert [tasks(results[i]) for i in range(2)] == [expected, expected]


def plan_workbook(path: Path) -> Path:
    """The plan template with two tasks filled in."""
    book = load_workbook(io.BytesIO(plan_template_bytes(Renderer())))
    sheet = book.active
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Tiêu chí")
    for offset, (criterion, task) in enumerate([("1.2", "Kiện toàn Hội đồng trường"),
                                                ("2.1", "Bồi dưỡng giáo viên")]):
        sheet.cell(header + 1 + offset, 1, criterion)
        sheet.cell(header + 1 + offset, 4, task)
        sheet.cell(header + 1 + offset, 5, "HT")
        sheet.cell(header + 1 + offset, 7, "Tháng 10/2026")
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_workbook_saved_as_excel_97_or_ods_reads_as_its_xlsx(tmp_path, kind):
    xlsx = plan_workbook(tmp_path / "ke-hoach.xlsx")
    (converted,) = soffice(tmp_path, kind, xlsx)
    original = read_plan(xlsx, "2026-2027")
    assert tasks(read_plan(converted, "2026-2027")) == tasks(original) == {
        ("1.2", "Kiện toàn Hội đồng trường", "HT"), ("2.1", "Bồi dưỡng giáo viên", "HT")}
    cut = tmp_path / f"cat-doi.{kind}"
    cut.write_bytes(converted.read_bytes()[:4000])
    assert refused(cut).key == "file_broken"


def test_a_photo_or_a_scan_sent_as_a_plan_gets_what_to_send_instead(tmp_path):
    page = Image.new("RGB", (200, 280), "white")
    page.save(tmp_path / "anh.jpg")
    page.save(tmp_path / "anh.png")
    page.save(tmp_path / "scan.pdf")  # a PDF holding only a picture of the page
    shutil.copyfile(tmp_path / "anh.jpg", tmp_path / "anh-doi-ten.docx")
    for name in ("anh.jpg", "anh.png", "scan.pdf", "anh-doi-ten.docx"):
        error = refused(tmp_path / name)
        assert (error.key, error.params) == ("plan_scanned", {"name": name})
    assert Renderer().text("errors/plan_scanned.j2", name="scan.pdf") == (
        "Tệp scan.pdf là ảnh chụp hoặc bản scan, không có chữ để đọc. Hãy gửi bản Word "
        "(.docx) của kế hoạch, hoặc bản PDF xuất thẳng từ Word.")


def test_a_pdf_under_a_password_or_broken_is_refused_in_one_sentence(seeds, tmp_path):
    (locked,) = soffice(tmp_path, 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean",'
                        '"value":"true"},"DocumentOpenPassword":{"type":"string",'
                        '"value":"matkhau"}}', seeds["plan-tt57-thcs-2026-2027.docx"])
    assert refused(locked).key == "pdf_encrypted"
    whole = seeds["plan-tt57-thcs-2026-2027.pdf"].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    assert refused(cut).key == "pdf_broken"
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    assert refused(fake).key == "pdf_broken"


def test_a_pdf_longer_than_the_page_cap_is_refused_naming_the_cap(seeds, monkeypatch):
    monkeypatch.setitem(Budget.LIMITS, "pages", 3)
    error = refused(seeds["plan-thcs-table-2023-2024.pdf"])
    assert (error.key, error.params["what"], error.params["limit"]) == ("file_too_long",
                                                                         "pages", 3)
    assert "hơn 3 trang" in Renderer().text("errors/file_too_long.j2", **error.params)


def encrypt_fib(path: Path) -> Path:
    """Word 97's «encrypted» flag set in the file's FIB, as Word writes it with a password
    (the text after it is then unreadable without one)."""
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[11] |= 0x01
        ole.write_stream("WordDocument", bytes(stream))
    return path


def test_office_files_under_a_password_are_refused_in_one_sentence(seeds, tmp_path):
    doc = tmp_path / "mat-khau.doc"
    shutil.copyfile(seeds["plan-tt57-thcs-2026-2027.doc"], doc)
    assert refused(encrypt_fib(doc)).key == "docx_encrypted"
    for name in ("mat-khau.docx", "mat-khau-doi-ten.doc"):
        with seeds["plan-tt57-thcs-2026-2027.docx"].open("rb") as plain, \
                (tmp_path / name).open("wb") as locked:
            office = OOXMLFile(plain)
            office.encrypt("matkhau", locked)
        assert refused(tmp_path / name).key == "docx_encrypted"


def test_a_broken_doc_or_workbook_is_refused_in_one_sentence(tmp_path, seeds):
    garbage = tmp_path / "hong.doc"
    garbage.write_bytes(os.urandom(20_000))
    ole_garbage = tmp_path / "hong-ole.xls"
    ole_garbage.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(20_000))
    cut = tmp_path / "cat-doi.doc"
    cut.write_bytes(seeds["plan-tt57-thcs-2026-2027.doc"].read_bytes()[:3000])
    for path in (garbage, ole_garbage, cut):
        error = refused(path)
        assert (error.key, error.params) == ("file_broken", {"name": path.name})


def test_without_libreoffice_a_doc_gets_a_sentence_not_a_crash(seeds, monkeypatch):
    monkeypatch.setattr(readers.convert, "SOFFICE", "khong-co-soffice")
    error = refused(seeds["plan-tt57-thcs-2026-2027.doc"])
    assert (error.key, error.params) == ("convert_missing",
                                         {"name": "plan-tt57-thcs-2026-2027.doc"})


def test_a_converter_that_hangs_is_killed_with_its_children(seeds, tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    hanging = tmp_path / "soffice"
    hanging.write_text(f"#!/bin/sh\nsleep 600 &\necho $$ $! > {pids}\nwait\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(readers.convert, "SOFFICE", str(hanging))
    monkeypatch.setattr(readers.convert, "CONVERT_SECONDS", 1.0)
    error = refused(seeds["plan-tt57-thcs-2026-2027.doc"])
    assert error.key == "file_too_complex"
    for pid in map(int, pids.read_text().split()):
        while alive(pid):  # the sleep, killed with its parent's session, is reaped by init
            os.sched_yield()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_every_kind_the_chat_takes_is_named_in_the_refusal():
    sentence = Renderer().text("errors/plan_wrong_type.j2", name="x.zip")
    assert all(suffix in sentence for suffix in SUFFIXES if suffix != ".xlsm")


def test_the_reading_budget_grows_for_the_kinds_converted_and_for_pdfs(seeds):
    """Told from the first bytes, in the bot's own process, before anything opens the file."""
    assert {name: extra_seconds(path) for name, path in seeds.items()
            if "tt57" in name} == {
        "plan-tt57-thcs-2026-2027.docx": 0.0, "plan-tt57-thcs-2026-2027.doc": CONVERT_SECONDS,
        "plan-tt57-thcs-2026-2027.odt": CONVERT_SECONDS,
        "plan-tt57-thcs-2026-2027.rtf": CONVERT_SECONDS,
        "plan-tt57-thcs-2026-2027.pdf": PDF_SECONDS}
