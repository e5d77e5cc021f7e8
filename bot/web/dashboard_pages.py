"""A school's dashboard: where its plan stands, for whoever of the school signs in."""

from __future__ import annotations

from starlette.responses import Response

from bot.web.pages import Ask
from reports.dashboard_data import dashboard


def dashboard_page(ask: Ask) -> Response:
    console = ask.console
    board = dashboard(ask.session, ask.school, ask.viewer.scope, console.clock.now(),
                      console.app.engine.budgets())
    return ask.page("web/dashboard.j2", school=board.school, d=board)
