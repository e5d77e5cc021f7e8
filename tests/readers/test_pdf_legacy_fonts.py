"""A PDF printed from a plan typed in TCVN3 (.VnTime) or VNI (VNI-Times) reads in Unicode:
by the font each letter names when the font was there to embed, by the words when the
printer put another font in its place. LibreOffice prints the independent plans at test
time, with and without a .VnTime font installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from readers.pdf_fonts import _font_name
from readers.plan_files import read_plan
from templates.render import Renderer

INDEPENDENT = Path(__file__).parent / "independent"


def printed(tmp: Path, document: Path, fonts: Path | None = None) -> Path:
    """`document` printed to PDF by LibreOffice, with the fonts in `fonts` installed."""
    assert shutil.which("soffice"), "LibreOffice (soffice) must be installed for these tests"
    env = dict(os.environ)
    if fonts is not None:
        config = tmp / "fonts.conf"
        config.write_text('<?xml version="1.0"?><fontconfig>'
                          '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                          f"<dir>{fonts}</dir><cachedir>{tmp / 'cache'}</cachedir>"
                          "</fontconfig>")
        env["FONTCONFIG_FILE"] = str(config)
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(document)],
                   check=True, capture_output=True, env=env)
    return tmp / f"{document.stem}.pdf"


def vntime_font(folder: Path) -> Path:
    """A font named .VnTime (DejaVu Serif's letters), as a school's computer has one."""
    source = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Serif"],
                            capture_output=True, text=True, check=True).stdout
    font = TTFont(source)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = ".VnTime"
        elif record.nameID == 6:
            record.string = "VnTime"
    folder.mkdir()
    font.save(folder / "vntime.ttf")
    return folder


def fonts_in(pdf: Path) -> set[str]:
    with pdfplumber.open(pdf) as document:
        return {char["fontname"].partition("+")[2] for page in document.pages
                for char in page.chars}


def tasks(draft) -> list[tuple[str, str, list[str]]]:
    return [(c.id, t.text, t.owners) for c in draft.criteria for t in c.tasks]


def preview_note(draft) -> str:
    return Renderer().text(f"warnings/{draft.warnings[0].key}.j2")


def test_a_vni_plan_printed_without_its_font_reads_as_its_docx(tmp_path):
    document = INDEPENDENT / "tieu-hoc-vni.docx"
    pdf = printed(tmp_path, document)
    assert not any(font.startswith("VNI") for font in fonts_in(pdf))  # a substitute
    draft = read_plan(pdf)
    assert tasks(draft) == tasks(read_plan(document))
    assert tasks(draft)[0] == ("1.5", "Sắp xếp lại sĩ số các lớp khối 1", ["Hiệu trưởng"])
    assert preview_note(draft) == "Đã chuyển phông VNI sang Unicode."


def test_a_tcvn3_plan_printed_with_its_font_is_decoded_by_the_font(tmp_path):
    pdf = printed(tmp_path, INDEPENDENT / "tieu-hoc-tcvn3.docx", vntime_font(tmp_path / "f"))
    assert fonts_in(pdf) == {"VnTime"}
    draft = read_plan(pdf)
    assert [c.id for c in draft.criteria] == ["1.5", "3.6"]
    assert tasks(draft)[0][:2] == ("1.5", "Sắp xếp lại sĩ số các lớp khối 1")
    assert preview_note(draft) == "Đã chuyển phông TCVN3 sang Unicode."


def test_a_tcvn3_plan_printed_without_its_font_is_decoded_by_its_words(tmp_path):
    """TCVN3's «ư» is a soft hyphen's code: LibreOffice prints none (or a hyphen where it
    breaks the line there), so «thư viện» comes out «th viện» — lost in the PDF itself."""
    pdf = printed(tmp_path, INDEPENDENT / "tieu-hoc-tcvn3.docx")
    assert "VnTime" not in fonts_in(pdf)
    draft = read_plan(pdf)
    assert [(c, text) for c, text, _ in tasks(draft)] == [
        ("1.5", "Sắp xếp lại sĩ số các lớp khối 1"),
        ("3.6", "Bổ sung sách thiếu nhi cho th viện xanh")]
    assert draft.warnings[0].key == "legacy_font_tcvn3"


def test_a_plan_printed_in_unicode_fonts_is_left_as_it_is(tmp_path):
    draft = read_plan(printed(tmp_path, INDEPENDENT / "tieu-hoc-bang.docx"))
    assert not any(w.key.startswith("legacy_font") for w in draft.warnings)
    assert tasks(draft) == tasks(read_plan(INDEPENDENT / "tieu-hoc-bang.docx"))


@pytest.mark.parametrize("embedded, name", [
    ("ABCDEF+.VnTime", ".VnTime"), ("BAAAAA+VnTimeH-Bold", ".VnTimeH"),
    ("VnArial,Bold", ".VnArial"), ("CAAAAA+VNI-Times-Bold", "VNI-Times-Bold"),
    ("DejaVuSans", "DejaVuSans"), ("abcdef+Arial", "abcdef+Arial")])
def test_a_pdf_font_name_is_read_as_word_names_the_font(embedded, name):
    assert _font_name(embedded) == name
