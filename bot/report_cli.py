"""`caitien report` and `caitien digest`: the implementation report as Word or Excel, and
the principal's weekly digest with its chart, as of a day."""

from __future__ import annotations

from pathlib import Path

from bot.command_line import Context, day
from core.errors import InputError
from reports.charts import progress_chart
from reports.digest_data import digest_data
from reports.report_data import period_of, report_data
from reports.report_files import monitoring_docx, report_docx, report_xlsx
from storage.plans import current_plan
from storage.schools import school_tz


def report(ctx: Context) -> int:
    args = ctx.args
    kind = args.format or args.out.suffix.lower().lstrip(".")
    if kind not in ("docx", "xlsx"):
        raise InputError("report_format", name=args.out.name)
    app = ctx.app
    with app.sessions() as session:
        school = ctx.school(session)
        if current_plan(session, school.id) is None:
            raise InputError("report_no_plan")
        try:
            period = period_of(session, school, args.period)
        except ValueError as exc:
            raise InputError("report_period", text=args.period) from exc
        today = app.clock.now().astimezone(school_tz(school)).date()
        data = report_data(session, school, period, today, ctx.settings.public_url)
    write = report_docx if kind == "docx" else report_xlsx
    if args.monitoring:
        write = monitoring_docx
    args.out.write_bytes(write(data, ctx.renderer))
    ctx.say("cli/report_written.j2", file=args.out, data=data)
    return 0


def digest(ctx: Context) -> int:
    args, app = ctx.args, ctx.app
    with app.sessions() as session:
        school = ctx.school(session)
        as_of = day(args.as_of) if args.as_of else app.clock.now().astimezone(
            school_tz(school)).date()
        found = digest_data(session, school, as_of)
    if found is None:
        raise InputError("report_no_plan")
    chart = args.chart or Path(f"digest-{as_of.isoformat()}.png")
    chart.write_bytes(progress_chart(found, ctx.renderer))
    ctx.say("reports/digest.j2", digest=found)
    ctx.say("cli/digest_chart.j2", file=chart)
    return 0
