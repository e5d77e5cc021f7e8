"""Evidence files on disk, one folder per school and criterion."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")

# The files a person hands in as evidence outside a chat: PDF, photos and office documents,
# recognised by their name and by their first bytes (a renamed program is not a PDF).
_PDF, _ZIP, _OLE = (b"%PDF-",), (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
EVIDENCE_TYPES: dict[str, tuple[str, str, tuple[bytes, ...]]] = {
    ".pdf": ("document", "application/pdf", _PDF),
    ".jpg": ("photo", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("photo", "image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("photo", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".gif": ("photo", "image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("photo", "image/webp", (b"RIFF",)),
    ".doc": ("document", "application/msword", _OLE),
    ".xls": ("document", "application/vnd.ms-excel", _OLE),
    ".ppt": ("document", "application/vnd.ms-powerpoint", _OLE),
    ".docx": ("document", "application/vnd.openxmlformats-officedocument."
              "wordprocessingml.document", _ZIP),
    ".xlsx": ("document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              _ZIP),
    ".pptx": ("document", "application/vnd.openxmlformats-officedocument."
              "presentationml.presentation", _ZIP),
    ".odt": ("document", "application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("document", "application/vnd.oasis.opendocument.spreadsheet", _ZIP),
}


def evidence_type(file_name: str, head: bytes) -> tuple[str, str] | None:
    """(kind, MIME type) of a file handed in as evidence, or None when it is not one of
    EVIDENCE_TYPES or its content is not what its name says."""
    known = EVIDENCE_TYPES.get(Path(file_name).suffix.lower())
    if known is None or not head.startswith(known[2]):
        return None
    if known[1] == "image/webp" and head[8:12] != b"WEBP":
        return None
    return known[0], known[1]


@dataclass
class StoredFile:
    kind: str
    path: str  # relative to the evidence directory
    file_name: str | None
    mime_type: str | None
    size: int
    sha256: str

    def to_dict(self) -> dict:
        return asdict(self)


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, school_code: str, criterion: str, kind: str, data: bytes,
             file_name: str | None, mime_type: str | None, now: datetime) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        suffix = Path(file_name).suffix if file_name else ""
        if not suffix and mime_type:
            suffix = mimetypes.guess_extension(mime_type) or ""
        if not suffix and kind == "photo":
            suffix = ".jpg"
        suffix = _SAFE.sub("", suffix)[:10]
        # A name of its own, even for the same content saved in the same second (a message
        # that comes again, two people forwarding one photo): a copy that is discarded must
        # never be a file something else keeps.
        relative = Path(_SAFE.sub("_", school_code), criterion,
                        f"{now:%Y%m%d-%H%M%S}-{digest[:12]}-{secrets.token_hex(4)}{suffix}")
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".part")
        temporary.write_bytes(data)
        temporary.replace(target)
        return StoredFile(kind, relative.as_posix(), file_name, mime_type, len(data), digest)

    def save_file(self, school_code: str, folder: str, source: Path, file_name: str,
                  mime_type: str, now: datetime) -> StoredFile:
        """Like save, for a file already written (a box of gigabytes): moved in, read once in
        chunks for its checksum, never held in memory."""
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        suffix = _SAFE.sub("", Path(file_name).suffix)[:10]
        relative = Path(_SAFE.sub("_", school_code), folder,
                        f"{now:%Y%m%d-%H%M%S}-{digest.hexdigest()[:12]}-{secrets.token_hex(4)}"
                        f"{suffix}")
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        size = source.stat().st_size
        shutil.move(source, target)
        return StoredFile("document", relative.as_posix(), file_name, mime_type, size,
                          digest.hexdigest())

    def discard(self, relative: str) -> None:
        if inside(self.root, relative):
            (self.root / relative).unlink(missing_ok=True)

    def path_of(self, relative: str) -> Path:
        """Where a stored path is; a path leading outside the folder (a crafted archive's,
        a row edited by hand) is refused, never followed."""
        if not inside(self.root, relative):
            raise OutsideEvidence(relative)
        return self.root / relative

    def file_of(self, relative: str) -> Path | None:
        """The file a stored path names, if it is there and inside the folder."""
        if not inside(self.root, relative):
            return None
        path = self.root / relative
        return path if path.is_file() else None


class OutsideEvidence(ValueError):
    """A stored evidence path that leads outside the evidence folder."""


def inside(root: Path, relative: str) -> bool:
    """Whether `relative` names something inside `root`: no absolute path, no «..», no
    drive, and no symbolic link on the way that leads out."""
    if not isinstance(relative, str) or not relative or "\\" in relative or "\0" in relative:
        return False
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
        return False
    base = root.resolve()
    return (base / relative).resolve().is_relative_to(base)
