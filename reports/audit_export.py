"""The audit trail as a spreadsheet or CSV, its words from templates/web/audit_words.j2."""

from __future__ import annotations

from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from reports.cells import append_text, csv_bytes
from storage.audit import Entry
from templates.render import Renderer

COLUMNS = ("at", "kind", "actor", "via", "subject", "details")


def audit_rows(entries: list[Entry], timezone: str, renderer: Renderer) -> list[list[str]]:
    words = renderer.pairs("web/audit_words.j2")
    fields = renderer.pairs("web/calendar_fields.j2")
    tz = ZoneInfo(timezone)
    header = [words[f"column.{c}"] for c in COLUMNS]
    return [header] + [[
        e.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"), words[f"kind.{e.kind}"],
        e.actor or words["actor.none"], words.get(f"via.{e.via}", e.via or words["via.none"]),
        e.subject or "", renderer.text("web/audit_details.j2", entry=e, words=words,
                                                 fields=fields)]
        for e in entries]


def audit_csv(entries: list[Entry], timezone: str, renderer: Renderer) -> bytes:
    return csv_bytes(audit_rows(entries, timezone, renderer))


def audit_xlsx(entries: list[Entry], timezone: str, renderer: Renderer) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = renderer.pairs("web/audit_words.j2")["sheet"]
    for row in audit_rows(entries, timezone, renderer):
        append_text(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (17, 22, 26, 10, 50, 40)):
        sheet.column_dimensions[letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
