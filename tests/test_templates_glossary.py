"""One word for one thing: templates/GLOSSARY.md names the word the product uses for each
concept and the spelling style; no template a user reads may use a rejected variant."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
GLOSSARY = TEMPLATES / "GLOSSARY.md"
QUOTED = re.compile(r"«([^»]+)»")
PATHS = re.compile(r"`([^`]+)`")
# Jinja: comments say nothing to users; of a tag only its string literals can reach them.
COMMENT = re.compile(r"\{#.*?#\}", re.S)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
LITERAL = re.compile(r"\"([^\"]*)\"|'([^']*)'")
# HTML: a tag's name and attributes are code, except the ones a person reads.
HTML_TAG = re.compile(r"<[^>]*>")
READ_ATTRIBUTE = re.compile(r"\b(?:title|placeholder|alt|aria-label|data-label)=\"([^\"]*)\"")
# Spelling: an open syllable ending in oa, oe or uy (not qu-) carries its tone on the first
# vowel in the style we chose («hòa», «xóa», «hủy»); a tone on the last is the other style.
OTHER_STYLE = re.compile(r"\w*(?:o[àáảãạ]|o[èéẻẽẹ]|(?<!q)u[ỳýỷỹỵ])(?!\w)", re.I)


@dataclass
class Concept:
    title: str
    chosen: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    # (phrase, file patterns; none: anywhere)
    allowed: list[tuple[str, list[str]]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_glossary(text: str) -> list[Concept]:
    """Each «## » section: «- Dùng:», «- Không dùng:», «- Được phép:» lines, the words in
    «», an allowance's files (if limited) in backticks; «- Không kiểm tra:» lists files."""
    concepts: list[Concept] = []
    for line in nfc(text).splitlines():
        if line.startswith("## "):
            concepts.append(Concept(line[3:].strip()))
        elif concepts and line.startswith("- "):
            head, _, rest = line[2:].partition(":")
            concept = concepts[-1]
            if head == "Dùng":
                concept.chosen += QUOTED.findall(rest)
            elif head == "Không dùng":
                concept.rejected += QUOTED.findall(rest)
            elif head == "Được phép":
                concept.allowed += [(phrase, PATHS.findall(rest)) for phrase in QUOTED.findall(rest)]
            elif head == "Không kiểm tra":
                concept.excluded += PATHS.findall(rest)
    return concepts


def phrase(words: str) -> re.Pattern[str]:
    """Whole words, case-insensitive, any spacing: «việc» never matches inside another word,
    and a rule names a phrase when the word alone is not wrong («việc khác», not «việc»)."""
    parts = [re.escape(w) for w in nfc(words).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.I)


def readable(source: str, html: bool = False) -> str:
    """What a person can read of a template: its text, and the strings inside its tags."""
    text = COMMENT.sub(" ", nfc(source))

    def literals(match: re.Match[str]) -> str:
        found = [a or b for a, b in LITERAL.findall(match.group())]
        return " ¦ " + " ¦ ".join(found) + " ¦ " if found else " "

    text = TAG.sub(literals, text)
    if html:
        text = HTML_TAG.sub(lambda m: " ¦ " + " ¦ ".join(READ_ATTRIBUTE.findall(m.group())) + " ¦ ", text)
    return text


def docx_text(path: Path) -> str:
    """The words of a Word template: every paragraph of its body, headers and footers."""
    with zipfile.ZipFile(path) as docx:
        parts = [n for n in docx.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        xml = "\n".join(docx.read(n).decode("utf-8") for n in parts)
    xml = re.sub(r"</w:p>|<w:tab/>|<w:br/>", "\n", xml)
    text = re.sub(r"<[^>]+>", "", xml)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')


def template_texts() -> dict[str, str]:
    texts = {}
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        if path.suffix == ".j2":
            texts[name] = readable(path.read_text(encoding="utf-8"), html=name.startswith("web/"))
        elif path.suffix == ".docx":
            texts[name] = readable(docx_text(path))
    return texts


def offences(concepts: list[Concept], name: str, text: str) -> list[str]:
    found = []
    for concept in concepts:
        if any(fnmatch(name, pattern) for pattern in concept.excluded):
            continue
        masked = text
        for words, files in concept.allowed:
            if not files or any(fnmatch(name, pattern) for pattern in files):
                masked = phrase(words).sub(lambda m: "□" * len(m.group()), masked)
        for i, variant in enumerate(concept.rejected):
            # The spelling lists pair each word with its other spelling.
            instead = concept.chosen[i] if len(concept.chosen) == len(concept.rejected) else concept.chosen[0]
            for match in phrase(variant).finditer(masked):
                around = masked[max(0, match.start() - 30): match.end() + 30].replace("\n", " ")
                found.append(f"{name}: «{match.group()}» ({concept.title}; dùng «{instead}») …{around}…")
    return found


def style_offences(name: str, text: str, excluded: list[str]) -> list[str]:
    if any(fnmatch(name, pattern) for pattern in excluded):
        return []
    return [f"{name}: «{m.group()}» (chính tả: dấu đặt như «hòa, xóa, hủy»)" for m in OTHER_STYLE.finditer(text)]


@pytest.fixture(scope="module")
def glossary() -> list[Concept]:
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_names_a_word_and_its_rejected_variants_for_each_concept(glossary):
    spelling = [c for c in glossary if c.title.startswith("Chính tả")]
    words = [c for c in glossary if not c.title.startswith("Chính tả")]
    assert len(spelling) == 1 and spelling[0].chosen and spelling[0].rejected
    assert len(words) >= 11
    for concept in glossary:
        assert concept.chosen and concept.rejected, concept.title
        assert not {w.lower() for w in concept.chosen} & {w.lower() for w in concept.rejected}
    # The chosen words are the ones the templates use.
    everything = "\n".join(template_texts().values())
    for concept in words:
        assert any(phrase(w).search(everything) for w in concept.chosen), concept.title


def test_no_template_uses_a_rejected_word(glossary):
    found = [o for name, text in template_texts().items() for o in offences(glossary, name, text)]
    assert found == []


def test_every_template_follows_one_spelling_style(glossary):
    spelling = next(c for c in glossary if c.title.startswith("Chính tả"))
    found = [o for name, text in template_texts().items()
             for o in offences([spelling], name, text) + style_offences(name, text, spelling.excluded)]
    assert found == []


def test_the_rules_are_phrases_of_whole_words_with_the_glossary_allowances(glossary):
    def check(text: str, name: str = "chat/x.j2") -> list[str]:
        return [o.split(" (")[0] for o in offences(glossary, name, readable(text))]

    # Someone writes the rejected word for «Tình trạng», in text or in a string of a tag.
    assert check("Trạng thái: {{ status }}") == ["chat/x.j2: «Trạng thái»"]
    assert check('{% set names = {"a": "trạng thái"} %}{{ names[a] }}') == ["chat/x.j2: «trạng thái»"]
    # «việc» is wrong only where it stands for a task; inside another word or phrase it is not.
    assert check("➡️ Cập nhật việc khác") == ["chat/x.j2: «việc khác»"]
    assert check("Tạm dừng nhắc việc. Việc đã làm: {{ done }}") == []
    assert check("3 công việc") == ["chat/x.j2: «công việc»"]
    # The seed report's headings are the report's own words.
    assert check("Công việc chưa triển khai (lý do)", "reports/report_words.j2") == []
    # Names in code and comments are nobody's reading.
    assert check("{# Trạng thái #}{{ trang_thai }}{{ x.status }}") == []
    assert style_offences("chat/x.j2", readable("Đã xoá. Hoàn thành, quý, hủy."), []) == ["chat/x.j2: «xoá» (chính tả: dấu đặt như «hòa, xóa, hủy»)"]
