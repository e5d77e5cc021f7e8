"""The evidence box: a .zip with a folder per standard and per criterion, each file named by
its code and name as the evidence list has it, the list (.xlsx) and a README at the root.

Written entry by entry into a file on disk, each evidence file copied in chunks, so a school
with gigabytes of photos needs no more memory than a chunk. Names are UTF-8 (zipfile sets
the UTF-8 flag for them) and cleaned of what a file system refuses or reads as a path; each
begins with its code, which no other item in its criterion's folder has, so two items never
share a name, and the list already tells alike names apart. A file missing on disk is named
in the README, not fatal."""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reports.evidence_files import evidence_list_xlsx
from reports.evidence_list import EvidenceList, ListItem
from storage.evidence_store import EvidenceStore
from templates.render import Renderer

CHUNK = 1 << 20
NAME_LIMIT = 120  # characters before the extension: Windows keeps whole paths under 260
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass
class BoxEntry:
    folder: str  # «Tiêu chuẩn 1/Tiêu chí 1.1»
    name: str  # «[H1-1.1-01] Biên bản họp tổ.pdf»
    item: ListItem


@dataclass
class Box:
    entries: list[BoxEntry] = field(default_factory=list)
    missing: list[BoxEntry] = field(default_factory=list)


def safe_name(text: str, suffix: str = "") -> str:
    """A file or folder name any system takes: diacritics kept (NFC), no separator, no
    control character, no leading dot, at most NAME_LIMIT characters."""
    name = unicodedata.normalize("NFC", text)
    name = " ".join(_UNSAFE.sub(" ", name).split()).strip(". ")[:NAME_LIMIT].rstrip(". ")
    suffix = _UNSAFE.sub("", suffix)[:10]
    return (name or "minh-chung") + suffix


def box_layout(data: EvidenceList, renderer: Renderer) -> list[BoxEntry]:
    """Where each listed item goes, in the list's order; withdrawn items stay out."""
    words = renderer.pairs("reports/evidence_box_words.j2")
    entries: list[BoxEntry] = []
    for standard in data.standards:
        for criterion in standard.criteria:
            folder = "/".join((
                safe_name(words["standard_folder"].replace("{number}", str(standard.number))),
                safe_name(words["criterion_folder"].replace("{code}", criterion.code))))
            for item in criterion.items:
                if item.withdrawn:
                    continue
                entries.append(BoxEntry(folder, safe_name(f"{item.code} {item.name}",
                                                          item.suffix), item))
    return entries


def write_box(data: EvidenceList, store: EvidenceStore, renderer: Renderer,
              target: Path) -> Box:
    """Writes the box to `target` and says what went in and what was missing on disk."""
    words = renderer.pairs("reports/evidence_box_words.j2")
    box = Box()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for entry in box_layout(data, renderer):
            source = store.file_of(entry.item.path)
            if source is None:
                box.missing.append(entry)
                continue
            # Photos and PDFs are compressed already: stored as they are, copied in chunks.
            with source.open("rb") as read, archive.open(
                    f"{entry.folder}/{entry.name}", "w", force_zip64=True) as write:
                shutil.copyfileobj(read, write, CHUNK)
            box.entries.append(entry)
        list_name = safe_name(renderer.text("reports/evidence_list_file_name.j2",
                                            school_code=data.school_code,
                                            school_year=data.school_year), ".xlsx")
        archive.writestr(list_name, evidence_list_xlsx(data, renderer),
                         zipfile.ZIP_DEFLATED)
        readme = renderer.text("reports/evidence_box_readme.j2", data=data, box=box,
                               list_name=list_name, words=words)
        archive.writestr(safe_name(words["readme"], ".txt"), readme.encode("utf-8"),
                         zipfile.ZIP_DEFLATED)
    return box
