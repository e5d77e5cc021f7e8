"""Opening a Word file a stranger uploaded: refuse what is not a .docx, or is broken,
encrypted, huge, or a zip bomb, before python-docx parses anything."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import docx
from docx.table import Table

from core.errors import InputError
from core.text import clean

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # real Word parts compress 5–20×; far more is a bomb
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


@dataclass
class Block:
    """A paragraph (text) or a table (rows of cell texts), in document order."""

    text: str | None = None
    rows: list[list[str]] | None = None


def check_docx(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError("file_too_big", name=path.name, limit_mb=MAX_FILE_BYTES // 2**20)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        key = "docx_encrypted" if ENCRYPTED_MARK in path.read_bytes() else "doc_old"
        raise InputError(key, name=path.name)
    if not zipfile.is_zipfile(path):
        raise InputError("docx_broken", name=path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError("docx_broken", name=path.name) from exc
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_RATIO:
        raise InputError("docx_bomb", name=path.name)
    if "word/document.xml" not in {m.filename for m in members}:
        raise InputError("docx_not_word", name=path.name)


def read_blocks(path: Path) -> list[Block]:
    check_docx(path)
    try:
        document = docx.Document(str(path))
        return list(_blocks(document))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises many kinds on malformed XML
        raise InputError("docx_broken", name=path.name) from exc


def _blocks(document) -> Iterator[Block]:
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield Block(rows=[[clean(cell.text) for cell in row.cells] for row in item.rows])
        else:
            text = clean(item.text)
            if text:
                yield Block(text=text)
