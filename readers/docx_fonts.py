"""Which font a run of a Word document is shown in, as far as legacy Vietnamese text needs:
the run's own w:rFonts, else its character style's, else its paragraph style's (each style
with its w:basedOn chain), else the document defaults (w:docDefaults), a theme font
(w:asciiTheme …) resolved through word/theme/theme1.xml. Table styles and the fonts Word
substitutes for missing ones are left out: legacy plans set their font on runs or styles.

Then the run's text, decoded when that font is a TCVN3 or VNI one (readers.legacy_fonts)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from readers.legacy_fonts import TCVN3, VNI, decode, encoding_of_font
from readers.limits import Unzipping, xml_elements

STYLES, THEME = "word/styles.xml", "word/theme/theme1.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P, P_PR, P_STYLE, R_PR, R_STYLE, R_FONTS, VAL = (
    f"{_W}{t}" for t in ("p", "pPr", "pStyle", "rPr", "rStyle", "rFonts", "val"))
STYLE, BASED_ON, R_PR_DEFAULT, STYLE_ID, TYPE, DEFAULT = (
    f"{_W}{t}" for t in ("style", "basedOn", "rPrDefault", "styleId", "type", "default"))
MAJOR, MINOR, LATIN = (f"{_A}{t}" for t in ("majorFont", "minorFont", "latin"))
# The rFonts attributes for the characters legacy text is made of, strongest first: Word
# shows a character above 0x7F in the hAnsi font, and a theme font overrides a named one.
_FONT_ATTRIBUTES = tuple(f"{_W}{t}" for t in ("hAnsiTheme", "hAnsi", "asciiTheme", "ascii"))
# A basedOn chain longer than this is a loop or a hostile file; Word's own are a few deep.
MAX_STYLE_DEPTH = 32
# Styles read from one document: a real plan has about 160 (Word writes its whole gallery).
# Past this the rest are not read, so a styles part of a million costs nothing.
MAX_STYLES = 4_000


@dataclass
class _Style:
    font: str | None
    based_on: str | None


class DocxFonts:
    """The fonts of one document's styles; `decoded` collects the legacy encodings (TCVN3,
    VNI) whose text was converted."""

    def __init__(self, theme: dict[str, str], default: str | None,
                 styles: dict[str, _Style], default_paragraph: str | None) -> None:
        self.theme = theme
        self.default = default
        self.styles = styles
        self.default_paragraph = default_paragraph
        self.decoded: set[str] = set()
        self._style_fonts: dict[str, str | None] = {}

    @classmethod
    def read(cls, archive: zipfile.ZipFile, unzipping: Unzipping) -> DocxFonts:
        names = set(archive.namelist())
        theme = _theme(unzipping) if THEME in names else {}
        default, styles, default_paragraph = None, {}, None
        if STYLES in names:
            default, styles, default_paragraph = _styles(unzipping, theme)
        return cls(theme, default, styles, default_paragraph)

    def run_text(self, run, text: str) -> str:
        """`text`, a piece of `run`, as its font shows it."""
        encoding = encoding_of_font(self.font_of(run))
        if encoding is None:
            return text
        decoded = decode(text, encoding)
        if decoded != text:
            self.decoded.add(VNI if encoding == VNI else TCVN3)
        return decoded

    def font_of(self, run) -> str | None:
        """The font `run` is shown in, None when nothing names one."""
        props = run.find(R_PR)
        if props is not None:
            own = _font(props.find(R_FONTS), self.theme.get)
            if own is not None:
                return own
            character = _val(props.find(R_STYLE))
            if character and (font := self._style_font(character)):
                return font
        paragraph = next(run.iterancestors(P), None)
        style = None if paragraph is None else _val(_child(paragraph.find(P_PR), P_STYLE))
        if style not in self.styles:  # none, or one the document lacks: Word shows Normal
            style = self.default_paragraph
        return self._style_font(style) or self.default

    def _style_font(self, style_id: str | None) -> str | None:
        """The font a style sets itself or inherits through basedOn; loops end."""
        if style_id is None:
            return None
        if style_id not in self._style_fonts:
            font, seen, current = None, set(), style_id
            while current in self.styles and current not in seen and len(seen) < MAX_STYLE_DEPTH:
                seen.add(current)
                font = self.styles[current].font
                if font is not None:
                    break
                current = self.styles[current].based_on
            self._style_fonts[style_id] = font
        return self._style_fonts[style_id]


def _styles(unzipping: Unzipping, theme: dict[str, str]):
    default, styles, default_paragraph = None, {}, None
    with unzipping.open(STYLES) as stream:
        for element in xml_elements(stream, (STYLE, R_PR_DEFAULT)):
            fonts = _child(element.find(R_PR), R_FONTS)
            if element.tag == R_PR_DEFAULT:
                default = _font(fonts, theme.get)
            elif len(styles) == MAX_STYLES:
                break
            elif (style_id := element.get(STYLE_ID)) is not None:
                styles[style_id] = _Style(_font(fonts, theme.get),
                                          _val(element.find(BASED_ON)))
                if element.get(TYPE) == "paragraph" and element.get(DEFAULT) in ("1", "true"):
                    default_paragraph = style_id
            _let_go(element)
    return default, styles, default_paragraph


def _theme(unzipping: Unzipping) -> dict[str, str]:
    """The theme's heading (major) and body (minor) Latin fonts."""
    found: dict[str, str] = {}
    with unzipping.open(THEME) as stream:
        for element in xml_elements(stream, (MAJOR, MINOR)):
            latin = element.find(LATIN)
            if latin is not None and latin.get("typeface"):
                found["major" if element.tag == MAJOR else "minor"] = latin.get("typeface")
            _let_go(element)
    return found


def _let_go(element) -> None:
    """Forget an element read, and what came before it, so a part costs one element."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _font(fonts, theme) -> str | None:
    """The font an rFonts element names for legacy text, None when it names none."""
    if fonts is None:
        return None
    for attribute in _FONT_ATTRIBUTES:
        value = fonts.get(attribute)
        if not value:
            continue
        if attribute.endswith("Theme"):
            value = theme("major" if value.startswith("major") else "minor")
            if value is None:
                continue
        return value
    return None


def _child(element, tag: str):
    return None if element is None else element.find(tag)


def _val(element) -> str | None:
    return None if element is None else element.get(VAL)
