"""A school's reports: the page that offers them, and each file for the period asked."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from bot.web.console import DOCX, XLSX, NotFound, download
from bot.web.pages import Ask
from reports.report_data import period_of, report_data
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from storage.plans import current_plan

FILES = (("report", "docx"), ("report", "xlsx"), ("monitoring", "docx"))


def reports_page(ask: Ask) -> Response:
    return ask.page("web/reports.j2", school=ask.school,
                    plan=current_plan(ask.session, ask.school.id),
                    problem=ask.query.get("problem"))


def report_file(ask: Ask) -> Response:
    kind, ext = ask.params["kind"], ask.params["ext"]
    if (kind, ext) not in FILES:
        raise NotFound
    key = ask.query.get("period", "hk1")
    if key == "range":
        key = f"{ask.query.get('from', '')}:{ask.query.get('to', '')}"
    session, school, renderer = ask.session, ask.school, ask.console.renderer
    period = data = None
    if current_plan(session, school.id) is not None:
        try:
            period = period_of(session, school, key)
        except ValueError:
            pass
        else:
            data = report_data(session, school, period, ask.today,
                               ask.console.app.settings.public_url)
    if data is None:
        problem = "no_plan" if period is None and key in ("hk1", "year") else "bad_period"
        return RedirectResponse(f"{ask.base}/reports?problem={problem}", status_code=303)
    if kind == "monitoring":
        name = renderer.text("reports/monitoring_file_name.j2", school=school, period=period)
        return download(monitoring_docx(data, renderer), f"{name}.docx", DOCX)
    name = renderer.text("reports/file_name.j2", school=school, period=period)
    if ext == "xlsx":
        return download(report_xlsx(data, renderer), f"{name}.xlsx", XLSX)
    return download(report_docx(data, renderer), f"{name}.docx", DOCX)
