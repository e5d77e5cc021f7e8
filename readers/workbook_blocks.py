"""A workbook as a person reads it, put as the blocks of a Word document so one walk reads
both (readers/plan_reader.py): each sheet in tab order, the lines above its table (a cover
sheet is all such lines: the school, the year, the circular) as paragraphs, the table from
its header row down as one table, whatever it holds — tasks, review moments, levels. A sheet
per standard may name it only on its tab («Tiêu chuẩn 2», «TC2»): the tab's name heads the
sheet then, as a heading above a Word table does."""

from __future__ import annotations

from readers.columns import HEADER_SCAN, find_header
from readers.docx_file import Block
from readers.refs import named_ids, standard_heading
from readers.sheets import Sheet


def sheet_blocks(sheets: list[Sheet]) -> list[Block]:
    blocks: list[Block] = []
    for sheet in sheets:
        rows = [row for row in sheet.rows if any(row)]
        start = _header_start(rows)
        blocks += [Block(text=text) for row in rows[:start] for text in _texts(row)]
        if standard_heading(sheet.name) and not named_ids(sheet.name):
            blocks.append(Block(text=sheet.name))  # right above the table, as a heading
        if start < len(rows):
            blocks.append(Block(rows=rows[start:]))
    return blocks


def _header_start(rows: list[list[str]]) -> int:
    """The row a table's header starts at; past the end when no row labels columns."""
    return next((index for index in range(min(HEADER_SCAN, len(rows)))
                 if find_header(rows[index:], scan=1) is not None), len(rows))


def _texts(row: list[str]) -> list[str]:
    """A row's lines, each once: a title merged across the sheet fills every cell it covers,
    and a cover typed in one cell puts the school, the title and the year on lines of it."""
    return list(dict.fromkeys(line for cell in row for line in cell.split("\n") if line))
