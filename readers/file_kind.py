"""What an uploaded file really is, from its first bytes and its container, never its name:
schools rename files («kế hoạch.doc» saved as .docx, a .docx renamed .doc) and phones send
photos of pages as plans."""

from __future__ import annotations

import zipfile
from pathlib import Path

import olefile

from core.errors import InputError
from readers.limits import MAX_FILE_BYTES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The first bytes of the picture formats a phone or a scanner sends.
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00",
               b"MM\x00*", b"BM")
IMAGE_BOX = (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif")  # HEIC/AVIF, at byte 4
OPEN_DOCUMENT = {b"application/vnd.oasis.opendocument.text": "odt",
                 b"application/vnd.oasis.opendocument.spreadsheet": "ods"}
# Word 97's File Information Block: its magic, and fEncrypted among the flags at byte 10.
WORD_IDENT = b"\xec\xa5"
WORD_ENCRYPTED = 0x0100
# What a file the content does not tell is taken for, by its name: the reader of that kind
# then says what is wrong with it (a broken .docx, a .txt that is not text).
BY_NAME = {".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".pdf": "pdf", ".csv": "csv",
           ".txt": "text", ".md": "text", ".markdown": "text"}
CONVERTED_BY_NAME = (".doc", ".xls", ".odt", ".ods", ".rtf")
HEAD = 1024


def kind_of(path: Path) -> str:
    """One of docx, xlsx, odt, ods, doc, xls, rtf, pdf, csv, text; or a refusal: a photo
    (plan_scanned), an encrypted Office file, a broken one, one of no kind a plan comes in."""
    if not path.is_file():
        raise InputError("file_missing", name=str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if not head:  # a download or a sync that never finished
        raise InputError("file_empty", name=path.name)
    if b"%PDF-" in head:  # a PDF may have bytes before its header; readers allow 1 KB
        return "pdf"
    if _is_web_page(head):  # «Save as Web Page», renamed: no reader takes the markup
        raise InputError("plan_wrong_type", name=path.name)
    if head.startswith(IMAGE_MAGIC) or head[4:12] in IMAGE_BOX or \
            (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        raise InputError("plan_scanned", name=path.name)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(b"PK"):
        return _zip_kind(path)
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    return _by_name(path)


def first_guess(path: Path) -> str:
    """From the first bytes alone, without opening the container (the bot's own process
    asks, before a reading process opens the file): "pdf", "converted" (Word 97 or Excel
    97, RTF, OpenDocument — whose first member is its mimetype, stored as is) or "other"."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return "other"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE_MAGIC) or head.lstrip().startswith(b"{\\rtf") or \
            (head.startswith(b"PK") and b"mimetypeapplication/vnd.oasis.opendocument" in head):
        return "converted"
    return "other"


def _is_web_page(head: bytes) -> bool:
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _by_name(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in BY_NAME:
        return BY_NAME[suffix]
    if suffix in CONVERTED_BY_NAME:
        raise InputError("file_broken", name=path.name)
    raise InputError("plan_wrong_type", name=path.name)


def _ole_kind(path: Path) -> str:
    """Word 97 or Excel 97 by the stream the container holds; an Office 2007+ file under a
    password is also an OLE container, holding its encrypted package."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                raise InputError("docx_encrypted", name=path.name)
            if ole.exists("WordDocument"):
                with ole.openstream("WordDocument") as stream:
                    fib = stream.read(12)
                if fib[:2] == WORD_IDENT and int.from_bytes(fib[10:12], "little") \
                        & WORD_ENCRYPTED:
                    raise InputError("docx_encrypted", name=path.name)
                return "doc"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except (OSError, ValueError, IndexError, TypeError) as exc:  # olefile's broken files
        raise InputError("file_broken", name=path.name) from exc
    raise InputError("plan_wrong_type", name=path.name)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:  # a few bytes only: the member may claim anything
                with archive.open("mimetype") as member:
                    mimetype = member.read(HEAD).strip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError):
        return _by_name(path)
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype in OPEN_DOCUMENT:
        return OPEN_DOCUMENT[mimetype]
    return _by_name(path)
