"""The README and docs/ stay true: every link leads somewhere, every `caitien` command they
show is one the command line accepts, the systemd units start commands that exist, and the
README opens with the two commands a newcomer copies."""

from __future__ import annotations

import configparser
import re
import shlex
import unicodedata
from pathlib import Path

import pytest

from bot.cli import parser

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
UNITS = sorted((ROOT / "deploy").glob("*.service"))

DEMO = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/caitien demo"
TESTS = ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
         ".venv/bin/python -m pytest")

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6} (.+)$", re.M)
ASSIGNMENT = re.compile(r"^[A-Z_]+=")
# An optional part written as a usage line writes it: `[--out FILE]`, `[--assume a|b]`.
OPTIONAL = re.compile(r"\s\[[^\]]*\]")


def _prose(text: str) -> str:
    """The text outside code blocks (a link inside one is an example, not a link)."""
    return FENCE.sub("", text)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation gone, spaces to hyphens."""
    heading = re.sub(r"[`*_]", "", heading).strip().lower()
    kept = "".join(c for c in heading if c in " -" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def _links() -> list[tuple[Path, str]]:
    return [(doc, a or b) for doc in DOCUMENTS
            for a, b in LINK.findall(_prose(doc.read_text(encoding="utf-8")))]


def _invocations(line: str) -> list[list[str]]:
    """The caitien commands a shell line runs: each part of an `&&` chain, inside a
    `sh -c '…'` too (the units and the IT person's lines run as another user through one),
    with variables set before it, a trailing `&` and optional `[…]` parts left out."""
    found, chain = [], shlex.split(OPTIONAL.sub("", line), comments=True)
    while chain:
        end = chain.index("&&") if "&&" in chain else len(chain)
        words, chain = chain[:end], chain[end + 1:]
        if "-c" in words and Path(words[words.index("-c") - 1]).name == "sh":
            found += _invocations(words[words.index("-c") + 1])
            continue
        while words and (ASSIGNMENT.match(words[0]) or words[0] == "exec"):
            words.pop(0)
        if words and words[-1] == "&":  # started in the background
            words.pop()
        if words and Path(words[0]).name == "caitien":
            found.append(words[1:])
    return found


def _commands() -> list[tuple[str, str]]:
    """Every caitien command of a ```sh block: (where, the line)."""
    found = []
    for doc in DOCUMENTS:
        for language, body in FENCE.findall(doc.read_text(encoding="utf-8")):
            if language == "sh":
                found += [(doc.relative_to(ROOT).as_posix(), line)
                          for line in body.splitlines() if _invocations(line)]
    return found


def _unit_commands() -> list[tuple[str, str]]:
    """What each unit starts (its commented-out alternative too): (unit, the command)."""
    found = []
    for unit in UNITS:
        for line in unit.read_text(encoding="utf-8").splitlines():
            key, _, value = line.lstrip("#").partition("=")
            if key == "ExecStart":
                assert _invocations(value), f"{unit.name} starts something else: {value}"
                found.append((unit.name, value))
    return found


def _parses(line: str) -> None:
    for argv in _invocations(line):
        try:
            parser().parse_args(argv)
        except SystemExit:
            pytest.fail(f"`{shlex.join(['caitien', *argv])}` is not a command caitien accepts")


def test_the_readme_opens_with_the_demo_then_the_tests():
    blocks = FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert [body.strip() for _, body in blocks[:2]] == [DEMO, TESTS]


def test_the_readme_fits_a_screen_or_so():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 60


@pytest.mark.parametrize("doc, target", _links(),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_a_link_leads_to_a_file_and_heading(doc, target):
    if re.match(r"[a-z]+:", target):
        pytest.skip("a link outside the repository")
    path, _, anchor = target.partition("#")
    file = (doc.parent / path).resolve() if path else doc
    assert file.is_file(), f"{doc.name} links to {path}, which is not there"
    if anchor:
        headings = HEADING.findall(_prose(file.read_text(encoding="utf-8")))
        assert anchor in {_slug(h) for h in headings}, \
            f"{doc.name} links to #{anchor}, a heading {file.name} does not have"


def test_the_screenshots_are_small():
    for image in (ROOT / "docs" / "img").glob("*.png"):
        assert image.stat().st_size < 200_000, image.name


@pytest.mark.parametrize("where, line", _commands())
def test_a_command_in_the_docs_is_one_caitien_accepts(where, line):
    _parses(line)


@pytest.mark.parametrize("unit, line", _unit_commands())
def test_a_service_starts_a_command_caitien_accepts(unit, line):
    _parses(line)


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read(ROOT / "deploy" / name, encoding="utf-8")
    return unit


def test_the_nightly_backup_reads_what_the_bot_writes():
    bot, backup = _unit("caitien.service"), _unit("caitien-backup.service")
    for key in ("User", "WorkingDirectory"):  # the same .env, so the same database
        assert backup["Service"][key] == bot["Service"][key], key
    assert backup["Service"]["Type"] == "oneshot"
    assert _unit("caitien-backup.timer")["Timer"]["OnCalendar"]
