"""Printable invitations: a card per person with the QR code of their Telegram link and the
code to send the Zalo bot, to cut out and hand over. Word to edit, PDF to print as is."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from io import BytesIO

import segno
from docx import Document
from docx.oxml import OxmlElement
from docx.shared import Cm, Mm, Pt

from core.text import clean
from templates.render import Renderer

QR_ERROR = "m"  # still scans with a crease or a smudge on the paper
QR_BORDER = 4  # the quiet zone a scanner needs around the code, in modules
COLUMNS, ROWS = 2, 4  # cards on a PDF page
CARDS_PER_PAGE = COLUMNS * ROWS

# Word: A4, the QR code on top of each card (~3 cm without its quiet zone).
DOCX_MARGIN = Cm(1.5)
DOCX_QR = Cm(3.8)
DOCX_LINE_CHARS = 45  # about a card's line in Word; a longer text is cut after two

# PDF, in inches from the page's bottom left corner.
PAGE_W, PAGE_H = 8.27, 11.69
MARGIN, TITLE_BAND, GAP, PAD = 0.35, 0.8, 0.12, 0.12
CARD_W = (PAGE_W - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS
CARD_H = (PAGE_H - 2 * MARGIN - TITLE_BAND - (ROWS - 1) * GAP) / ROWS
QR_SIDE = 1.45  # with the quiet zone: the code itself prints about 3 cm wide
TITLE_PT, NOTE_PT, NAME_PT, BODY_PT = 12, 9, 11, 9
LEADING = 1.3  # line height as a multiple of the font size


@dataclass
class Card:
    name: str
    group: str | None
    code: str
    telegram_link: str | None
    zalo_name: str | None


def qr_png(link: str) -> bytes:
    out = BytesIO()
    segno.make(link, error=QR_ERROR).save(out, kind="png", scale=10, border=QR_BORDER)
    return out.getvalue()


def invitation_docx(school_name: str, cards: list[Card], expires_text: str,
                    renderer: Renderer) -> bytes:
    document = Document()
    section = document.sections[0]  # python-docx's blank document is US Letter
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = DOCX_MARGIN
    section.top_margin = section.bottom_margin = DOCX_MARGIN
    title, *notes = _title_lines(school_name, cards, renderer)
    _docx_run(document.add_paragraph(), title, Pt(14), bold=True)
    for note in notes:
        _docx_run(document.add_paragraph(), note, Pt(10)).italic = True
    if not cards:
        document.add_paragraph(renderer.text("reports/invitation_empty.j2"))
    else:
        table = document.add_table(rows=0, cols=COLUMNS)
        table.style = "Table Grid"
        for start in range(0, len(cards), COLUMNS):
            row = table.add_row()
            # A card cut in two by a page break is no use to anyone.
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, card in zip(row.cells, cards[start:start + COLUMNS]):
                _docx_card(cell, card, _card_lines(card, expires_text, renderer))
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def invitation_pdf(school_name: str, cards: list[Card], expires_text: str,
                   renderer: Renderer) -> bytes:
    # Imported here as in charts.py: matplotlib is slow to load and writes a font cache.
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    title = _title_lines(school_name, cards, renderer)
    out = BytesIO()
    with PdfPages(out, metadata={"Title": title[0]}) as pdf:
        # At least one page: with nobody to invite, it says so.
        for start in range(0, max(len(cards), 1), CARDS_PER_PAGE):
            figure = Figure(figsize=(PAGE_W, PAGE_H))
            _pdf_title(figure, title)
            page = cards[start:start + CARDS_PER_PAGE]
            if not page:
                _pdf_text(figure, MARGIN, PAGE_H - MARGIN - TITLE_BAND,
                          renderer.text("reports/invitation_empty.j2"), BODY_PT + 2)
            for index, card in enumerate(page):
                column, row = index % COLUMNS, index // COLUMNS
                _pdf_card(figure, card, _card_lines(card, expires_text, renderer),
                          MARGIN + column * (CARD_W + GAP),
                          PAGE_H - MARGIN - TITLE_BAND - row * (CARD_H + GAP))
            pdf.savefig(figure)
    return out.getvalue()


def _title_lines(school_name: str, cards: list[Card], renderer: Renderer) -> list[str]:
    text = renderer.text("reports/invitation_sheet_title.j2", school_name=school_name,
                         cards=len(cards))
    return [clean(line) for line in text.splitlines() if line.strip()]


def _card_lines(card: Card, expires_text: str, renderer: Renderer) -> list[str]:
    """The card's lines, the name first. clean() makes names typed in decomposed Unicode
    single characters, which the fonts draw with the marks in place."""
    text = renderer.text("reports/invitation_card.j2", card=card, expires_text=expires_text)
    return [clean(line) for line in text.splitlines() if line.strip()]


def _fit(text: str, width: int, max_lines: int) -> list[str]:
    """`text` wrapped at `width` characters, cut with "…" after `max_lines` lines. Codes such
    as ABCD-EF23 are not broken at their hyphen."""
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _docx_card(cell, card: Card, lines: list[str]) -> None:
    paragraph = cell.paragraphs[0]
    if card.telegram_link:
        paragraph.add_run().add_picture(BytesIO(qr_png(card.telegram_link)), width=DOCX_QR)
        paragraph = cell.add_paragraph()
    name, *rest = (" ".join(_fit(line, DOCX_LINE_CHARS, 2)) for line in lines)
    _docx_run(paragraph, name, Pt(12), bold=True)
    for line in rest:
        _docx_run(cell.add_paragraph(), line, Pt(10))


def _docx_run(paragraph, text: str, size: Pt, bold: bool = False):
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(text)
    run.font.size, run.bold = size, bold
    return run


def _chars(width: float, size: float, bold: bool = False) -> int:
    """About how many characters of DejaVu Sans (matplotlib's font, with the Vietnamese
    letters) fit in `width` inches at `size` points, for textwrap."""
    return int(width * 72 / (size * (0.62 if bold else 0.55)))


def _pdf_text(figure, x: float, top: float, text: str, size: float,
              bold: bool = False) -> float:
    """Draws a line of text with its top at `top` inches; returns where the next one goes."""
    figure.text(x, top, text, fontsize=size, fontweight="bold" if bold else "normal",
                va="top", transform=figure.dpi_scale_trans)
    return top - size * LEADING / 72


def _pdf_title(figure, lines: list[str]) -> None:
    title, *notes = lines
    top = PAGE_H - MARGIN
    for line in _fit(title, _chars(PAGE_W - 2 * MARGIN, TITLE_PT, bold=True), 2):
        top = _pdf_text(figure, MARGIN, top, line, TITLE_PT, bold=True)
    for note in notes:
        top = _pdf_text(figure, MARGIN, top, note, NOTE_PT)


def _pdf_card(figure, card: Card, lines: list[str], left: float, top: float) -> None:
    from matplotlib.patches import Rectangle  # lazily, as in invitation_pdf

    # Dashed: the line to cut along.
    figure.add_artist(Rectangle((left, top - CARD_H), CARD_W, CARD_H, fill=False,
                                linestyle="--", linewidth=0.6, edgecolor="#888888",
                                transform=figure.dpi_scale_trans))
    text_left = left + PAD + (QR_SIDE if card.telegram_link else 0)
    width = left + CARD_W - PAD - text_left
    name, *rest = lines
    rows = [(line, NAME_PT, True) for line in _fit(name, _chars(width, NAME_PT, True), 2)]
    rows += [(line, BODY_PT, False)
             for text in rest for line in _fit(text, _chars(width, BODY_PT), 2)]
    text_height = sum(size * LEADING / 72 for _, size, _ in rows)
    # The QR code and the text centred on each other, and together in the card.
    block = max(text_height, QR_SIDE if card.telegram_link else 0)
    block_top = top - (CARD_H - block) / 2
    if card.telegram_link:
        # Drawn from the code's modules, not a PNG: sharp at any print size. The quiet zone
        # is part of the image, so the text can start right after it.
        qr = segno.make(card.telegram_link, error=QR_ERROR)
        bottom = block_top - (block - QR_SIDE) / 2 - QR_SIDE
        axes = figure.add_axes(((left + PAD) / PAGE_W, bottom / PAGE_H,
                                QR_SIDE / PAGE_W, QR_SIDE / PAGE_H))
        axes.imshow(list(qr.matrix_iter(border=QR_BORDER)), cmap="binary", vmin=0, vmax=1,
                    interpolation="none")
        axes.set_axis_off()
    y = block_top - (block - text_height) / 2
    for line, size, bold in rows:
        y = _pdf_text(figure, text_left, y, line, size, bold)
