"""The implementation report as files: a Word document from templates/reports/
bao-cao-thuc-hien.docx (docxtpl: Jinja2 inside Word, restyled by a school in Word) and an
Excel workbook with the same cells, both laid out as Nghị định 30/2020 asks (A4, header rows
repeated on every page); templates/reports/word_templates.py builds the Word templates."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from docxtpl import DocxTemplate, Listing, RichText
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.cells import append_text
from reports.sheet_style import HEADER, WRAP, bold, grid, print_setup

from templates.render import Renderer
from reports.report_data import ReportData

WORD_TEMPLATE = "reports/bao-cao-thuc-hien.docx"
MONITORING_TEMPLATE = "reports/bao-cao-giam-sat.docx"
COLUMNS = ("criterion", "planned", "adjusted", "done", "ongoing", "not_started", "no_update",
           "note")
WIDTHS = (22, 38, 30, 45, 38, 32, 30, 24)
# The seed's groups over the columns: (first, last, word key); the others stand alone.
GROUPS = ((1, 2, "group_plan"), (3, 6, "group_result"))
LINK = Font(color="0563C1", underline="single")
PLACE = "………………"  # the school's town, written in by hand as on paper forms


def cells(data: ReportData, renderer: Renderer) -> list[tuple[int, str, list[dict]]]:
    """Each standard with its criteria's seven cells as text, the same in both files."""
    return [(number, title, [{key: renderer.text(f"reports/cell_{key}.j2", row=row)
                              for key in COLUMNS} for row in rows])
            for number, title, rows in data.standards]


def evidence_cells(data: ReportData, renderer: Renderer) -> list[dict]:
    return [{"code": item.code, "criterion": item.criterion,
             "name": renderer.text("reports/evidence_file.j2", item=item),
             "who": renderer.text("reports/evidence_who.j2", item=item),
             "link": renderer.text("reports/evidence_link.j2", item=item), "url": item.url}
            for item in data.evidence]


def heading(data: ReportData, renderer: Renderer) -> dict:
    """What the header block says: school, number line, place and date."""
    return {"school": data.school, "school_year": data.school_year,
            "number_code": data.number_code, **heading_date(data.made_on),
            "period_label": renderer.text("reports/period_names.j2", period=data.period)}


def heading_date(made: date) -> dict:
    """Place and date under the motto (ND30: a day below 10 and the months 1 and 2 written
    with a leading zero)."""
    return {"place": PLACE, "made_on": made, "day": f"{made.day:02d}",
            "month": f"{made.month:02d}" if made.month < 3 else str(made.month)}


def monitoring_cells(data: ReportData, renderer: Renderer) -> list[dict]:
    return [{"when": line.when, "content": line.content, "reviewer": line.reviewer,
             "result": renderer.text("reports/cell_monitoring_result.j2", line=line),
             "adjustment": renderer.text("reports/cell_monitoring_adjustment.j2", line=line)}
            for line in data.monitoring]


def report_docx(data: ReportData, renderer: Renderer) -> bytes:
    document = DocxTemplate(renderer.file(WORD_TEMPLATE))
    standards = [{"number": number, "title": title,
                  "rows": [{k: Listing(v) for k, v in row.items()} for row in rows]}
                 for number, title, rows in cells(data, renderer)]
    evidence = evidence_cells(data, renderer)
    for item in evidence:
        item["link"] = (RichText(item["link"], url_id=document.build_url_id(item["url"]),
                                 color="0563C1", underline=True)
                        if item["url"] else RichText(item["link"]))
    document.render({
        **heading(data, renderer), "principal": data.principal,
        "standards": standards, "evidence": evidence,
        "monitoring": monitoring_cells(data, renderer),
    }, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def monitoring_docx(data: ReportData, renderer: Renderer) -> bytes:
    """The monitoring team's periodic report on the same data: what was checked, what was
    found, and room for their recommendations."""
    document = DocxTemplate(renderer.file(MONITORING_TEMPLATE))
    rows = [{"code": row.code, "done": len(row.done), "ongoing": len(row.ongoing),
             "not_started": len(row.not_started), "no_update": len(row.no_update),
             "evidence": len(row.evidence),
             "total": len(row.done) + len(row.ongoing) + len(row.not_started)
             + len(row.no_update)}
            for row in data.rows]
    document.render({
        **heading(data, renderer), "rows": rows,
        "total": sum(r["total"] for r in rows), "criteria": len(rows),
        "evidence": len(data.evidence),
        "findings": Listing(renderer.text("reports/monitoring_findings.j2", data=data)),
    }, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def report_xlsx(data: ReportData, renderer: Renderer) -> bytes:
    words = renderer.pairs("reports/report_words.j2")
    book = Workbook()
    sheet = book.active
    sheet.title = words["sheet_report"]
    top = heading(data, renderer)
    period = top["period_label"]
    append_text(sheet, [data.school.upper()])
    append_text(sheet, [renderer.text("reports/number_line.j2", **top)])
    sheet.append([words["title"]])
    bold(sheet, sheet.max_row)
    append_text(sheet, [renderer.text("reports/subtitle.j2", data=data, period=period)])
    first = sheet.max_row + 1
    groups = {first_column: words[key].replace("{year}", data.school_year)
              for first_column, _, key in GROUPS}
    append_text(sheet, [groups.get(i, words[f"col_{key}"]) for i, key in enumerate(COLUMNS)])
    sheet.append([words[f"col_{key}"] for key in COLUMNS])
    grouped = set()
    for first_column, last_column, _ in GROUPS:
        sheet.merge_cells(start_row=first, end_row=first, start_column=first_column + 1,
                          end_column=last_column + 1)
        grouped.update(range(first_column, last_column + 1))
    for index in range(len(COLUMNS)):
        if index not in grouped:
            sheet.merge_cells(start_row=first, end_row=first + 1, start_column=index + 1,
                              end_column=index + 1)
    for row in (first, first + 1):
        bold(sheet, row)
        for cell in sheet[row]:
            cell.alignment = HEADER
    for number, title, rows in cells(data, renderer):
        append_text(sheet, [renderer.text("reports/standard_heading.j2", number=number,
                                          title=title)])
        sheet.merge_cells(start_row=sheet.max_row, end_row=sheet.max_row, start_column=1,
                          end_column=len(COLUMNS))
        bold(sheet, sheet.max_row)
        for row in rows:
            append_text(sheet, [row[key] for key in COLUMNS])
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for line in sheet.iter_rows(min_row=first + 2):
        for cell in line:
            cell.alignment = WRAP
    grid(sheet, first, len(COLUMNS))
    print_setup(sheet, f"{first}:{first + 1}", landscape=True)
    _table_sheet(book, words, "sheet_evidence", "ev", ("code", "criterion", "name", "who", "link"),
                 evidence_cells(data, renderer), (16, 9, 60, 28, 50))
    if data.monitoring:
        _table_sheet(book, words, "sheet_monitoring", "mon",
                     ("when", "content", "result", "adjustment", "reviewer"),
                     monitoring_cells(data, renderer), (18, 50, 26, 22, 24))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _table_sheet(book: Workbook, words: dict[str, str], title: str, prefix: str,
                 keys: tuple[str, ...], rows: list[dict], widths: tuple[int, ...]) -> None:
    """A sheet with a bold header row (words `prefix_key`), repeated on every printed page,
    and one line a row; a "url" in a row links its "link" cell."""
    sheet = book.create_sheet(words[title])
    sheet.append([words[f"{prefix}_{k}"] for k in keys])
    bold(sheet, 1)
    for row in rows:
        append_text(sheet, [row[k] for k in keys])
        if row.get("url") and "link" in keys:
            cell = sheet.cell(sheet.max_row, keys.index("link") + 1)
            cell.hyperlink = row["url"]
            cell.font = LINK
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for line in sheet.iter_rows():
        for cell in line:
            cell.alignment = WRAP
    grid(sheet, 1, len(keys))
    print_setup(sheet, "1:1", landscape=len(keys) > 4)
