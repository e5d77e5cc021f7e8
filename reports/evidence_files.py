"""The evidence list as files: a Word document from templates/reports/danh-muc-minh-chung.docx
(A4, the layout of Nghị định 30/2020, as the other reports) and an Excel workbook with the
same rows, its header repeated on every printed page."""

from __future__ import annotations

from io import BytesIO

from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from reports.cells import append_text
from reports.evidence_list import EvidenceList
from reports.sheet_style import HEADER, WRAP, bold, grid, print_setup
from templates.render import Renderer

WORD_TEMPLATE = "reports/danh-muc-minh-chung.docx"
KEYS = ("tt", "code", "name", "issued", "issuer", "note")
WIDTHS = (6, 16, 55, 24, 28, 20)


def list_rows(data: EvidenceList, renderer: Renderer) -> list[dict]:
    """The standards, their criteria and items as the Word template and the sheet read them."""
    numbered = {(criterion.code, item.evidence_id): tt for tt, criterion, item in data.rows()}
    return [{"heading": renderer.text("reports/evidence_standard_row.j2",
                                      number=standard.number, title=standard.title),
             "criteria": [{"heading": renderer.text("reports/evidence_criterion_row.j2",
                                                    code=criterion.code, title=criterion.title),
                           "lines": [{"tt": numbered[(criterion.code, item.evidence_id)],
                                      "code": item.code, "name": item.name,
                                      "issued": item.issued, "issuer": item.issuer,
                                      "note": item.note} for item in criterion.items]}
                          for criterion in standard.criteria]}
            for standard in data.standards]


def evidence_list_docx(data: EvidenceList, renderer: Renderer) -> bytes:
    document = DocxTemplate(renderer.file(WORD_TEMPLATE))
    made = data.made_on
    document.render({"school": data.school, "school_year": data.school_year,
                     "place": "………………", "made_on": made, "day": f"{made.day:02d}",
                     "month": f"{made.month:02d}" if made.month < 3 else str(made.month),
                     "principal": data.principal, "standards": list_rows(data, renderer)},
                    autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def evidence_list_xlsx(data: EvidenceList, renderer: Renderer) -> bytes:
    words = renderer.pairs("reports/evidence_list_words.j2")
    book = Workbook()
    sheet = book.active
    sheet.title = words["sheet"]
    append_text(sheet, [data.school.upper()])
    sheet.append([words["title"]])
    bold(sheet, sheet.max_row)
    append_text(sheet, [words["subtitle"].replace("{year}", data.school_year)])
    first = sheet.max_row + 1
    sheet.append([words[f"col_{key}"] for key in KEYS])
    bold(sheet, first)
    for standard in list_rows(data, renderer):
        _group_row(sheet, standard["heading"])
        for criterion in standard["criteria"]:
            _group_row(sheet, criterion["heading"])
            for item in criterion["lines"]:
                append_text(sheet, [item[key] for key in KEYS])
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for line in sheet.iter_rows(min_row=first):
        for cell in line:
            cell.alignment = HEADER if line[0].row == first else WRAP
    grid(sheet, first, len(KEYS))
    print_setup(sheet, f"{first}:{first}", landscape=False)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _group_row(sheet, heading: str) -> None:
    append_text(sheet, [heading])
    sheet.merge_cells(start_row=sheet.max_row, end_row=sheet.max_row, start_column=1,
                      end_column=len(KEYS))
    bold(sheet, sheet.max_row)
