"""How the product's report workbooks look on screen and on paper: A4 with the margins of
Nghị định 30/2020, the table's header rows repeated on every printed page, thin grid lines
and bold headings. Shared by the implementation report and the evidence list, so the two
print alike."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

MM = 1 / 25.4  # openpyxl's margins are in inches
# One object a style: openpyxl looks each cell's style up by value, a new object costs more.
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER = Alignment(wrap_text=True, horizontal="center", vertical="center")
GRID = Border(*(Side(style="thin"),) * 4)
BOLD = Font(bold=True)


def print_setup(sheet, title_rows: str, landscape: bool) -> None:
    """A4, the margins of Nghị định 30/2020, the table's header rows on every page, as wide
    as the page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=30 * MM, right=15 * MM, top=20 * MM,
                                     bottom=20 * MM, header=10 * MM, footer=10 * MM)
    sheet.print_title_rows = title_rows


def grid(sheet, first: int, columns: int) -> None:
    """Thin lines around every cell of the table from row `first` down."""
    for line in sheet.iter_rows(min_row=first, max_col=columns):
        for cell in line:
            cell.border = GRID


def bold(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = BOLD
