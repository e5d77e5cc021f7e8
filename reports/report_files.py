"""The implementation report as files: a Word document from templates/reports/
bao-cao-thuc-hien.docx (docxtpl: Jinja2 inside Word, restyled by a school in Word) and an
Excel workbook with the same cells."""

from __future__ import annotations

from io import BytesIO

from docxtpl import DocxTemplate, Listing
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from reports.cells import append_text

from templates.render import Renderer
from reports.report_data import ReportData

WORD_TEMPLATE = "reports/bao-cao-thuc-hien.docx"
MONITORING_TEMPLATE = "reports/bao-cao-giam-sat.docx"
COLUMNS = ("criterion", "planned", "adjusted", "done", "ongoing", "not_started", "note")
WIDTHS = (22, 38, 30, 45, 38, 32, 24)
PLACE = "………………"  # the school's town, written in by hand as on paper forms


def cells(data: ReportData, renderer: Renderer) -> list[tuple[int, str, list[dict]]]:
    """Each standard with its criteria's seven cells as text, the same in both files."""
    return [(number, title, [{key: renderer.text(f"reports/cell_{key}.j2", row=row)
                              for key in COLUMNS} for row in rows])
            for number, title, rows in data.standards]


def evidence_cells(data: ReportData, renderer: Renderer) -> list[dict]:
    return [{"code": item.code, "criterion": item.criterion,
             "task": renderer.text("reports/evidence_task.j2", item=item),
             "file": renderer.text("reports/evidence_file.j2", item=item),
             "who": renderer.text("reports/evidence_who.j2", item=item)}
            for item in data.evidence]


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
    document.render({
        "school": data.school, "school_year": data.school_year, "place": PLACE,
        "made_on": data.made_on, "principal": data.principal,
        "period_label": renderer.text("reports/period_names.j2", period=data.period),
        "standards": standards, "evidence": evidence_cells(data, renderer),
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
             "not_started": len(row.not_started), "evidence": len(row.evidence),
             "total": len(row.done) + len(row.ongoing) + len(row.not_started)}
            for row in data.rows]
    document.render({
        "school": data.school, "school_year": data.school_year, "place": PLACE,
        "made_on": data.made_on, "rows": rows,
        "period_label": renderer.text("reports/period_names.j2", period=data.period),
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
    period = renderer.text("reports/period_names.j2", period=data.period)
    sheet.append([words["title"]])
    append_text(sheet, [renderer.text("reports/subtitle.j2", data=data, period=period)])
    sheet.append([words[f"col_{key}"] for key in COLUMNS])
    _bold(sheet, sheet.max_row)
    for number, title, rows in cells(data, renderer):
        append_text(sheet, [renderer.text("reports/standard_heading.j2", number=number,
                                          title=title)])
        _bold(sheet, sheet.max_row)
        for row in rows:
            append_text(sheet, [row[key] for key in COLUMNS])
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for line in sheet.iter_rows(min_row=4):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _table_sheet(book, words, "sheet_evidence", "ev", ("code", "criterion", "task", "file", "who"),
                 evidence_cells(data, renderer))
    if data.monitoring:
        _table_sheet(book, words, "sheet_monitoring", "mon",
                     ("when", "content", "result", "adjustment", "reviewer"),
                     monitoring_cells(data, renderer))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _table_sheet(book: Workbook, words: dict[str, str], title: str, prefix: str,
                 keys: tuple[str, ...], rows: list[dict]) -> None:
    """A sheet with a bold header row (words `prefix_key`) and one line a row."""
    sheet = book.create_sheet(words[title])
    sheet.append([words[f"{prefix}_{k}"] for k in keys])
    _bold(sheet, 1)
    for row in rows:
        append_text(sheet, [row[k] for k in keys])


def _bold(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)
