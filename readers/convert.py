"""Word 97 (.doc), .rtf, .odt and .ods made into .docx or .xlsx by LibreOffice headless,
so that the readers we have read them. (Excel 97 is read by xlrd: readers/xls_file.py.)

Why LibreOffice for .doc: no well-kept pure-Python reader of Word 97 exists (olefile only
opens the container; antiword and wvWare are C and unmaintained since the 2000s), and
LibreOffice is the reference open implementation of every format above. Converting a plan
takes it ~1.0 s of CPU and 210 MB resident (bench/import_bench.py --kinds).

LibreOffice runs in a child process of its own, in a session of its own (killed whole if
it outlives CONVERT_SECONDS), under its own memory limit: LibreOffice converts a plan within
the reading process's 512 MiB of address space, but with no room left for a large one. It gets a private profile per conversion,
so two conversions at once never share one. A first start makes the profile (3.8 s
against 1.0 s for a start on a made one, on an idle machine; 2.45 against ~2.0 s with
the machine busy), so the first conversion on a machine keeps its profile as a template
that the next ones copy (10 ms)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from core.errors import InputError
from readers.limits import CONVERT_FILE_BYTES, CONVERT_MEMORY_BYTES, CONVERT_SECONDS

try:
    import resource
except ImportError:  # Windows: only the time limit holds
    resource = None

SOFFICE = "soffice"
TARGET = {"doc": "docx", "rtf": "docx", "odt": "docx", "ods": "xlsx"}


def convert(path: Path, kind: str, folder: Path) -> Path:
    """The file `path` (of `kind`, a key of TARGET) as a .docx or .xlsx in `folder`."""
    program = shutil.which(SOFFICE)
    if program is None:
        raise InputError("convert_missing", name=path.name)
    target = TARGET[kind]
    # The upload under a name of ours: the name it came with never reaches a command line.
    source = folder / f"upload.{kind}"
    shutil.copyfile(path, source)
    profile = folder / "profile"
    _copy_template(profile)
    outdir = folder / "converted"
    child = subprocess.Popen(
        [program, "--headless", "--norestore", "--nolockcheck",
         f"-env:UserInstallation={profile.as_uri()}", "--convert-to", target,
         "--outdir", str(outdir), str(source)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_limit, env={**os.environ, "HOME": str(folder)})
    try:
        child.wait(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        raise InputError("file_too_complex", name=path.name) from None
    finally:
        _kill_session(child)
    converted = outdir / f"upload.{target}"
    if child.returncode != 0 or not converted.is_file():
        raise InputError("file_broken", name=path.name)
    _keep_template(profile)
    return converted


def _limit() -> None:
    """In the converter, before LibreOffice starts: its own memory and file-size limits."""
    if resource is None:
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (CONVERT_MEMORY_BYTES, CONVERT_MEMORY_BYTES))
        resource.setrlimit(resource.RLIMIT_FSIZE, (CONVERT_FILE_BYTES, CONVERT_FILE_BYTES))
    except (ValueError, OSError):  # macOS does not enforce them; the time limit still holds
        pass


def _kill_session(child: subprocess.Popen) -> None:
    """LibreOffice's launcher starts soffice.bin: whatever is left of the session goes."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


def _template() -> Path:
    return Path(tempfile.gettempdir()) / f"caitien-libreoffice-profile-{os.getuid()}"


def _copy_template(profile: Path) -> None:
    """A copy of the kept profile, if there is one and it is ours (in a shared temporary
    folder, anyone could have put one there)."""
    template = _template()
    try:
        owned = template.is_dir() and not template.is_symlink() and \
            template.stat().st_uid == os.getuid()
        if owned:
            shutil.copytree(template, profile, symlinks=True)
    except OSError:  # a template half-removed meanwhile: LibreOffice makes a profile
        shutil.rmtree(profile, ignore_errors=True)


def _keep_template(profile: Path) -> None:
    """Keep the profile of a conversion that worked, when none is kept yet. Put in place by
    a rename, so a conversion starting meanwhile sees no profile or a whole one."""
    template = _template()
    if template.exists() or not profile.is_dir():
        return
    staging = Path(tempfile.mkdtemp(dir=template.parent, prefix=template.name + "."))
    try:
        shutil.copytree(profile, staging / "profile", symlinks=True)
        os.rename(staging / "profile", template)
    except OSError:  # another conversion kept its own first
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
