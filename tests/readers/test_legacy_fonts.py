"""Plans typed before Unicode, in TCVN3 (.VnTime) or VNI (VNI-Times) fonts: every letter
checked against references nobody here wrote, then whole documents read to the same plan
as their Unicode originals, and texts that must be left alone left alone."""

import json
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from core.errors import InputError
from readers.docx_file import read_blocks
from readers.docx_fonts import MAX_STYLES
from readers.legacy_fonts import decode_by_font, encoding_of_font
from readers.plan_docx import parse_plan_docx
from readers.plan_files import read_plan
from readers.sheets import read_rows
from readers.text_file import read_text
from tests.conftest import DEMO
from tests.readers.legacy_docs import (
    LETTERS,
    PLAIN_CAPITALS,
    iconv,
    lower_toned_capitals,
    reencode_docx,
    replace_part,
    tcvn3_letters,
    tcvn3_pieces,
    vni_letters,
    vni_pieces,
    windows,
)

TABLE_PLAN = "plan-thcs-table-2023-2024.docx"
TEXT_PLAN = "plan-thcs-table-2023-2024.txt"
LEGACY_NOTES = {"legacy_font_tcvn3", "legacy_font_vni"}


# --- the tables, letter by letter ------------------------------------------------------

@pytest.mark.parametrize("name, encoding", [
    (".VnTime", "tcvn3"), (".vnarial", "tcvn3"), (".VnArial Narrow", "tcvn3"),
    (".VnTimeH", "tcvn3_caps"), (".VnArial NarrowH", "tcvn3_caps"), (".VNTIMEH", "tcvn3_caps"),
    ("VNI-Times", "vni"), ("vni-helve", "vni"), ("VNI-Aptima", "vni"),
    ("Times New Roman", None), ("Arial", None), ("", None), (None, None),
])
def test_fonts_are_known_by_name(name, encoding):
    assert encoding_of_font(name) == encoding


def test_every_tcvn3_letter_reads_as_glibc_says():
    coded = tcvn3_letters()
    assert len(coded) == 12 * 6 + 1 + len(PLAIN_CAPITALS)
    for letter, stored in coded.items():
        assert decode_by_font(stored, ".VnTime") == letter, (letter, stored)


def test_every_capital_with_its_tone_reads_from_a_capitals_font():
    coded = tcvn3_letters()
    for letter in LETTERS:
        assert decode_by_font(coded[letter], ".VnTimeH") == letter.upper(), letter
    assert decode_by_font("ke ho¹ch n¨m häc", ".VnArialH") == "KE HOẠCH NĂM HỌC"


def test_codes_only_the_full_standard_has_stay_what_a_vn3_font_shows():
    # glibc's TCVN5712-1 is VN1: toned capitals at 0x80-0x9F, 0xC4 …; a .VnTime font shows
    # Windows' own characters there (smart quotes, dashes), and so do we.
    full = iconv("Ấ Ồ Ứ", "TCVN5712-1")
    assert decode_by_font(windows(full), ".VnTime") == windows(full)
    assert decode_by_font("“Tèt” – 25°C", ".VnTime") == "“Tốt” – 25°C"


def test_every_vni_letter_reads_as_the_published_table_says():
    coded = vni_letters()
    assert len(coded) == 2 * (12 * 6 + 1)
    for letter, stored in coded.items():
        assert decode_by_font(stored, "VNI-Times") == letter, (letter, stored)


def test_decoding_gives_nfc_and_leaves_unicode_typed_in_a_legacy_font_alone():
    decoded = decode_by_font("Keá hoaïch", "VNI-Times")
    assert decoded == "Kế hoạch" and unicodedata.is_normalized("NFC", decoded)
    assert decode_by_font("Kế hoạch cải tiến", ".VnTime") == "Kế hoạch cải tiến"
    assert decode_by_font("Kế hoạch", "VNI-Times") == "Kế hoạch"
    assert decode_by_font("KÕ ho¹ch", "Arial") == "KÕ ho¹ch"
    # A symbol no 8-bit font has does not make the run Unicode.
    assert decode_by_font("Tû lÖ ≥ 90% → ®¹t", ".VnTime") == "Tỷ lệ ≥ 90% → đạt"


def test_private_use_bytes_decode_as_their_byte():
    # Some converters store a legacy font's byte b as U+F000 + b.
    stored = "".join(chr(0xF000 + b) for b in "KÕ ho¹ch".encode("cp1252"))
    assert decode_by_font(stored, ".VnTime") == "Kế hoạch"


# --- Word files ------------------------------------------------------------------------

def same_plan(legacy, original, note: str) -> None:
    assert (legacy.school, legacy.framework, legacy.level, legacy.school_year) == (
        original.school, original.framework, original.level, original.school_year)
    assert legacy.criteria == original.criteria
    assert legacy.checkpoints == original.checkpoints
    assert [w for w in legacy.warnings if w.key != note] == original.warnings
    assert [w.key for w in legacy.warnings if w.key in LEGACY_NOTES] == [note]


def test_a_tcvn3_plan_reads_as_its_unicode_original(tmp_path, seed):
    legacy = tmp_path / "tcvn3.docx"
    reencode_docx(seed(TABLE_PLAN), legacy, tcvn3_pieces, tcvn3_letters())
    text = "\n".join(block.text or "" for block in read_blocks(legacy))
    assert "KÕ" not in text and "KẾ HOẠCH" in text
    same_plan(parse_plan_docx(legacy), parse_plan_docx(seed(TABLE_PLAN)), "legacy_font_tcvn3")


def test_a_vni_plan_reads_as_its_unicode_original(tmp_path, seed):
    legacy = tmp_path / "vni.docx"
    reencode_docx(seed(TABLE_PLAN), legacy, vni_pieces, vni_letters())
    same_plan(parse_plan_docx(legacy), parse_plan_docx(seed(TABLE_PLAN)), "legacy_font_vni")


def test_the_legacy_document_really_is_legacy(tmp_path, seed):
    # Read with no fonts at all, the re-encoded plan is the mojibake a school sees.
    legacy = tmp_path / "tcvn3.docx"
    reencode_docx(seed(TABLE_PLAN), legacy, tcvn3_pieces, tcvn3_letters())
    bare = replace_part(legacy, tmp_path / "bare.docx", "word/document.xml",
                        _without_fonts(legacy))
    text = " ".join(block.text or "" for block in read_blocks(bare))
    assert "c¶i tiÕn" in text


def _without_fonts(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    return re.sub(r"<w:rFonts [^>]*/>", "", xml).encode()


def small_docx(path: Path, paragraphs) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def with_styles(path: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("word/styles.xml").decode()
    return replace_part(path, target, "word/styles.xml", edit(styles).encode())


def test_a_font_set_only_in_the_document_defaults(tmp_path):
    plain = small_docx(tmp_path / "p.docx", ["KÕ ho¹ch c¶i tiÕn chÊt l­îng"])
    path = with_styles(plain, tmp_path / "d.docx", lambda xml: xml.replace(
        '<w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorEastAsia" '
        'w:hAnsiTheme="minorHAnsi" w:cstheme="minorBidi"/>',
        '<w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/>', 1))
    notes: set[str] = set()
    assert [b.text for b in read_blocks(path, notes)] == ["Kế hoạch cải tiến chất lượng"]
    assert notes == {"legacy_font_tcvn3"}
    # Without the font, «ư» (0xAD) is a soft hyphen, which nobody sees.
    assert [b.text for b in read_blocks(plain)] == ["KÕ ho¹ch c¶i tiÕn chÊt lîng"]


def test_a_theme_font_is_resolved(tmp_path):
    plain = small_docx(tmp_path / "p.docx", ["Keá hoaïch"])
    with zipfile.ZipFile(plain) as archive:
        theme = archive.read("word/theme/theme1.xml").decode()
    minor = theme.index("<a:minorFont>")
    theme = theme[:minor] + theme[minor:].replace('typeface="Cambria"', 'typeface="VNI-Times"', 1)
    path = replace_part(plain, tmp_path / "t.docx", "word/theme/theme1.xml", theme.encode())
    assert [b.text for b in read_blocks(path)] == ["Kế hoạch"]


def test_a_paragraph_style_based_on_a_legacy_style(tmp_path):
    document = docx.Document()
    base = document.styles.add_style("Cu", 1)
    base.font.name = "VNI-Times"
    child = document.styles.add_style("Con", 1)
    child.base_style = base
    document.add_paragraph("Keá hoaïch", style="Con")
    document.add_paragraph("Keá hoaïch")
    run = document.add_paragraph("Tröôøng ").add_run("THCS")
    run.font.name = "Arial"
    document.save(tmp_path / "s.docx")
    assert [b.text for b in read_blocks(tmp_path / "s.docx")] == [
        "Kế hoạch", "Keá hoaïch", "Tröôøng THCS"]


def test_a_paragraph_naming_a_style_the_document_lacks_is_shown_in_normal(tmp_path):
    document = docx.Document()
    document.styles["Normal"].font.name = "VNI-Times"
    paragraph = document.add_paragraph("Keá hoaïch")
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = "Missing"
    document.save(tmp_path / "m.docx")
    assert [b.text for b in read_blocks(tmp_path / "m.docx")] == ["Kế hoạch"]


def test_a_character_style_sets_the_font(tmp_path):
    document = docx.Document()
    style = document.styles.add_style("Cu", 2)  # a character style
    style.font.name = ".VnTimeH"
    paragraph = document.add_paragraph("Trường ")
    paragraph.add_run("thcs ®oµn kÕt", style="Cu")
    document.save(tmp_path / "c.docx")
    assert [b.text for b in read_blocks(tmp_path / "c.docx")] == ["Trường THCS ĐOÀN KẾT"]


def test_a_style_loop_or_a_missing_style_costs_nothing(tmp_path):
    plain = small_docx(tmp_path / "p.docx", ["KÕ ho¹ch"])
    loop = ('<w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style>'
            '<w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/></w:style>'
            '<w:style w:type="paragraph" w:styleId="Normal" w:default="1">'
            '<w:basedOn w:val="A"/></w:style>')
    path = with_styles(plain, tmp_path / "l.docx",
                       lambda xml: xml.replace("</w:styles>", loop + "</w:styles>"))
    assert [b.text for b in read_blocks(path)] == ["KÕ ho¹ch"]


def test_styles_past_the_cap_are_not_read(tmp_path):
    # A real plan has ~160 styles; a part of ten thousand is read up to MAX_STYLES, so the
    # default paragraph style written after them is never reached (its VNI font unused).
    plain = small_docx(tmp_path / "p.docx", ["KÕ ho¹ch"])
    chain = "".join(f'<w:style w:type="paragraph" w:styleId="s{i}"><w:basedOn w:val="s{i + 1}"/>'
                    f"</w:style>" for i in range(MAX_STYLES + 6_000))
    last = ('<w:style w:type="paragraph" w:default="1" w:styleId="Last"><w:rPr>'
            '<w:rFonts w:ascii="VNI-Times" w:hAnsi="VNI-Times"/></w:rPr></w:style>')
    path = with_styles(plain, tmp_path / "many.docx", lambda xml: xml.replace(
        'w:hAnsiTheme="minorHAnsi"', 'w:hAnsi=".VnTime"', 1).replace(
        "</w:styles>", chain + last + "</w:styles>"))
    assert [b.text for b in read_blocks(path)] == ["Kế hoạch"]


def test_a_hostile_styles_part_is_a_broken_document(tmp_path):
    plain = small_docx(tmp_path / "p.docx", ["KÕ ho¹ch"])
    path = replace_part(plain, tmp_path / "h.docx", "word/styles.xml",
                        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><w:styles/>')
    with pytest.raises(InputError) as error:
        read_blocks(path)
    assert error.value.key == "docx_broken"


# --- workbooks and text files ----------------------------------------------------------

def test_workbook_cells_in_legacy_fonts(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["KÕ ho¹ch", "Keá hoaïch", "KÕ ho¹ch", "Kế hoạch"])
    for cell, font in zip(sheet[1], (".VnTime", "VNI-Times", "Arial", ".VnTime")):
        cell.font = Font(name=font)
    book.save(tmp_path / "k.xlsx")
    notes: set[str] = set()
    assert read_rows(tmp_path / "k.xlsx", notes) == [
        ["Kế hoạch", "Kế hoạch", "KÕ ho¹ch", "Kế hoạch"]]
    assert notes == LEGACY_NOTES


def test_workbook_rich_text_runs_in_their_own_fonts(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet["A1"] = CellRichText([TextBlock(InlineFont(rFont="Arial"), "Trường "),
                                TextBlock(InlineFont(rFont=".VnTimeH"), "thcs ®oµn kÕt")])
    # A run with no font of its own is shown in the cell's; one in Arial is not decoded.
    sheet["B1"] = CellRichText(["KÕ ", TextBlock(InlineFont(rFont="Arial", b=True), "ho¹ch")])
    sheet["B1"].font = Font(name=".VnTime")
    book.save(tmp_path / "r.xlsx")
    notes: set[str] = set()
    assert read_rows(tmp_path / "r.xlsx", notes) == [["Trường THCS ĐOÀN KẾT", "Kế ho¹ch"]]
    assert notes == {"legacy_font_tcvn3"}


def test_a_shared_rich_text_decodes_its_runs(tmp_path):
    book = Workbook()
    book.active["A1"] = "placeholder"
    book.active["A1"].font = Font(name="VNI-Times")
    book.save(tmp_path / "inline.xlsx")
    # openpyxl writes inline strings; Excel keeps texts in the shared strings part.
    rich = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>'
            '<r><t xml:space="preserve">Keá </t></r><r><rPr><rFont val=".VnTime"/></rPr>'
            '<t>ho¹ch</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si></sst>')
    with zipfile.ZipFile(tmp_path / "inline.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    sheet = re.sub(r'<c r="A1" (s="\d+") t="inlineStr"><is>.*?</is></c>',
                   r'<c r="A1" \1 t="s"><v>0</v></c>', sheet)
    rels = rels.replace("</Relationships>", '<Relationship Id="rSS" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                        'Target="sharedStrings.xml"/></Relationships>')
    path = replace_part(tmp_path / "inline.xlsx", tmp_path / "a.xlsx",
                        "xl/worksheets/sheet1.xml", sheet.encode())
    path = replace_part(path, tmp_path / "b.xlsx", "xl/_rels/workbook.xml.rels", rels.encode())
    path = replace_part(path, tmp_path / "shared.xlsx", "xl/sharedStrings.xml", rich.encode())
    notes: set[str] = set()
    assert read_rows(path, notes) == [["Kế hoạch"]]
    assert notes == LEGACY_NOTES


def test_a_tcvn3_text_export_reads_as_its_unicode_original(tmp_path, seed):
    original = lower_toned_capitals(seed(TEXT_PLAN).read_text(encoding="utf-8"))
    (tmp_path / "u.txt").write_text(original, encoding="utf-8")
    (tmp_path / "t.txt").write_bytes(_tcvn3_bytes(original))
    legacy, unicode = read_plan(tmp_path / "t.txt"), read_plan(tmp_path / "u.txt")
    same_plan(legacy, unicode, "legacy_font_tcvn3")


def _tcvn3_bytes(text: str) -> bytes:
    coded = tcvn3_letters()
    return "".join(coded.get(ch, ch) for ch in text).encode("cp1252")


def test_a_vni_text_export_reads_as_its_unicode_original(tmp_path, seed):
    coded = vni_letters()
    original = seed(TEXT_PLAN).read_text(encoding="utf-8")
    (tmp_path / "v.txt").write_bytes("".join(coded.get(ch, ch) for ch in original)
                                      .encode("cp1252"))
    same_plan(read_plan(tmp_path / "v.txt"), read_plan(seed(TEXT_PLAN)), "legacy_font_vni")


def test_a_tcvn3_csv_reads_as_its_unicode_original(tmp_path):
    original = lower_toned_capitals((DEMO / "plan.csv").read_text(encoding="utf-8"))
    (tmp_path / "u.csv").write_text(original, encoding="utf-8")
    (tmp_path / "t.csv").write_bytes(_tcvn3_bytes(original))
    same_plan(read_plan(tmp_path / "t.csv"), read_plan(tmp_path / "u.csv"),
              "legacy_font_tcvn3")


def test_a_tcvn3_csv_saved_as_utf8_by_a_program_that_showed_its_font(tmp_path):
    original = lower_toned_capitals((DEMO / "plan.csv").read_text(encoding="utf-8"))
    (tmp_path / "t.csv").write_text(_tcvn3_bytes(original).decode("cp1252"),
                                    encoding="utf-8")
    notes: set[str] = set()
    rows = read_rows(tmp_path / "t.csv", notes)
    assert rows[2][3] == "Rà soát chiến lược phát triển nhà trường giai đoạn 2026-2030"
    assert notes == {"legacy_font_tcvn3"}


FRENCH = ("Le conseil d'école a été réuni en février. Les élèves ont préparé une fête, "
          "et la directrice a présenté le projet d'établissement à côté du théâtre; "
          "ça a été très apprécié par les parents, même ceux qui étaient arrivés tôt.")
ENGLISH = "The school improvement plan for 2024, reviewed by the principal each term."


@pytest.mark.parametrize("name, data", [
    ("unicode.txt", "Kế hoạch cải tiến chất lượng giáo dục năm học 2023 – 2024, "
                    "Trường THCS Đoàn Kết; Hiệu trưởng chỉ đạo thực hiện.".encode()),
    ("cp1258.txt", iconv("Kế hoạch cải tiến chất lượng giáo dục năm học 2023 – 2024, "
                         "Trường THCS Đoàn Kết; Hiệu trưởng chỉ đạo thực hiện.", "CP1258")),
    ("french.txt", FRENCH.encode("cp1252")),
    ("french-utf8.txt", FRENCH.encode("utf-8")),
    ("english.txt", ENGLISH.encode("ascii")),
])
def test_texts_that_are_not_legacy_are_left_as_they_are(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    notes: set[str] = set()
    text = read_text(path, "text_not_text", notes)
    assert notes == set()
    expected = data.decode("cp1258" if name == "cp1258.txt" else
                           "cp1252" if name == "french.txt" else "utf-8")
    assert text == expected


def test_a_real_cp1258_plan_is_not_taken_for_legacy(tmp_path, seed):
    original = seed(TEXT_PLAN).read_text(encoding="utf-8")
    (tmp_path / "w.txt").write_bytes(iconv(original, "CP1258//TRANSLIT"))
    notes: set[str] = set()
    read_text(tmp_path / "w.txt", "text_not_text", notes)
    assert notes == set()


# --- what the person sees --------------------------------------------------------------

def test_the_preview_says_the_font_was_converted(cli, tmp_path, seed):
    legacy = tmp_path / "tcvn3.docx"
    reencode_docx(seed(TABLE_PLAN), legacy, tcvn3_pieces, tcvn3_letters())
    code, out, _ = cli("plan", "import", str(legacy), "--dry-run", "--json")
    assert code == 0
    assert "Đã chuyển phông TCVN3 sang Unicode." in json.loads(out)["warnings"]
