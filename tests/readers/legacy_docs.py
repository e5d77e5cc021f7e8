"""Legacy Vietnamese text made for tests from references nobody here wrote: TCVN3 bytes
from glibc's TCVN5712-1 (the `iconv` command), VNI from a published converter's table.
Then Word files, workbooks and text files holding it as a school's old computer saved it."""

from __future__ import annotations

import copy
import subprocess
import unicodedata
import zipfile
from itertools import groupby
from pathlib import Path

from lxml import etree

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
BASES = "aăâeêioôơuưy"
LETTERS = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES] + ["đ"]
PLAIN_CAPITALS = "ĂÂÊÔƠƯĐ"  # the capitals a .VnTime font has

# VNI for each vowel with no tone, huyền, sắc, hỏi, ngã, nặng; capitals are the same
# characters in capitals. Transcribed from the open-source converter duydev/
# vietnamese-conversion (MIT), src/charsets.ts at commit 46413a052f322ab113482df902c71ed1
# f32738bf. (Its later versions give «ỷ» as «ë» and «ỹ» as «ì», the VNI of «ặ»'s mark and
# of «ì»: a regression there, not VNI.)
VNI_REFERENCE = {
    "a": "a aø aù aû aõ aï", "ă": "aê aè aé aú aü aë", "â": "aâ aà aá aå aã aä",
    "e": "e eø eù eû eõ eï", "ê": "eâ eà eá eå eã eä", "i": "i ì í æ ó ò",
    "o": "o oø où oû oõ oï", "ô": "oâ oà oá oå oã oä", "ơ": "ô ôø ôù ôû ôõ ôï",
    "u": "u uø uù uû uõ uï", "ư": "ö öø öù öû öõ öï", "y": "y yø yù yû yõ î",
}
VNI_D = "ñ"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
UNICODE_FONT = "Times New Roman"


def iconv(text: str, encoding: str) -> bytes:
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", encoding], input=text.encode(),
                          capture_output=True, check=True).stdout


def windows(data: bytes) -> str:
    """Bytes as Word stores them in an 8-bit font: their Windows-1252 characters."""
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in data)


def tcvn3_letters() -> dict[str, str]:
    """Each lowercase letter and plain capital, as stored in a .VnTime run (glibc's bytes)."""
    letters = LETTERS + list(PLAIN_CAPITALS)
    coded = iconv("\n".join(letters), "TCVN5712-1").split(b"\n")
    return {letter: windows(code) for letter, code in zip(letters, coded)}


def vni_letters() -> dict[str, str]:
    letters: dict[str, str] = {"đ": VNI_D, "Đ": VNI_D.upper()}
    for base, forms in VNI_REFERENCE.items():
        for tone, form in zip(TONES, forms.split()):
            letter = unicodedata.normalize("NFC", base + tone)
            letters[letter] = form
            letters[letter.upper()] = form.upper()
    return letters


def lower_toned_capitals(text: str) -> str:
    """What a TCVN3 text file can hold: no capital with a tone (VN3 has none)."""
    return "".join(ch.lower() if ch.isupper() and not ch.isascii()
                   and ch not in PLAIN_CAPITALS else ch for ch in text)


def tcvn3_pieces(text: str, caps: bool, coded: dict[str, str]) -> list[tuple[str, str]]:
    """(font, stored text) pieces of `text` as a VN3 typist made them: a capital with a tone
    in a .VnTimeH run, a whole heading in .VnTimeH; what no 8-bit font holds, in Unicode."""
    pieces = []
    for ch in text.lower() if caps else text:
        if ch in coded:
            pieces.append((".VnTimeH" if caps else ".VnTime", coded[ch]))
        elif ch.lower() in coded:
            pieces.append((".VnTimeH", coded[ch.lower()]))
        elif _windows_char(ch):
            pieces.append((".VnTimeH" if caps else ".VnTime", ch))
        else:
            pieces.append((UNICODE_FONT, ch))
    return pieces


def vni_pieces(text: str, caps: bool, coded: dict[str, str]) -> list[tuple[str, str]]:
    return [("VNI-Times", coded[ch]) if ch in coded
            else ("VNI-Times", ch) if _windows_char(ch) else (UNICODE_FONT, ch)
            for ch in text]


def _windows_char(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def reencode_docx(source: Path, target: Path, pieces, coded, keep_unicode_every: int = 5):
    """`source` with its runs' text in a legacy font, run by run; every
    `keep_unicode_every`th run left in Unicode Times New Roman, as a document edited
    since holds. Headings in capitals go whole into the capitals font."""
    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    headings = {p for p in root.iter(f"{W}p") if "".join(p.itertext()).isupper()}
    for number, run in enumerate(list(root.iter(f"{W}r"))):
        if run.find(f"{W}t") is None:
            continue
        heading = next(run.iterancestors(f"{W}p")) in headings
        unicode_run = number % keep_unicode_every == 0
        replacement = []
        props = run.find(f"{W}rPr")
        for child in run:
            if child.tag == f"{W}rPr":
                continue
            if child.tag != f"{W}t":
                replacement.append(_run(props, None, child))
                continue
            parts = [(UNICODE_FONT, child.text or "")] if unicode_run else \
                pieces(child.text or "", heading, coded)
            for font, group in groupby(parts, key=lambda piece: piece[0]):
                text = etree.Element(f"{W}t")
                text.text = "".join(piece[1] for piece in group)
                text.set(XML_SPACE, "preserve")
                replacement.append(_run(props, font, text))
        parent = run.getparent()
        at = parent.index(run)
        parent.remove(run)
        for offset, new in enumerate(replacement):
            parent.insert(at + offset, new)
    replace_part(source, target, "word/document.xml", etree.tostring(root))


def _run(props, font: str | None, content):
    run = etree.Element(f"{W}r")
    props = copy.deepcopy(props) if props is not None else etree.Element(f"{W}rPr")
    if font is not None:
        for old in props.findall(f"{W}rFonts"):
            props.remove(old)
        fonts = etree.Element(f"{W}rFonts")
        fonts.set(f"{W}ascii", font)
        fonts.set(f"{W}hAnsi", font)
        props.insert(1 if props.find(f"{W}rStyle") is not None else 0, fonts)
    run.append(props)
    run.append(copy.deepcopy(content))
    return run


def replace_part(source: Path, target: Path, member: str, data: bytes) -> Path:
    """A copy of the package `source` with `member` holding `data`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, data if info.filename == member else old.read(info))
        if member not in old.namelist():
            new.writestr(member, data)
    return target
