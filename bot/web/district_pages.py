"""The district's page: every school of the district side by side, sorted as asked (on the
server: links in the column headers, no script), and the same table as a spreadsheet.
Only a district account sees it; anyone else gets 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.console import XLSX, Console, Viewer, download
from bot.web.guard import COOKIE, unsign
from reports.district_data import SORTS, SchoolRow, district_rows, district_xlsx, sort_rows
from storage.models import District, DistrictMember

# The direction a column sorts in when first clicked: the schools that need a look first.
FIRST_DESCENDING = {"name": False, "plan": False, "share": False, "overdue": True,
                    "silent": True, "checkpoint": False}


@dataclass(frozen=True)
class Order:
    key: str
    descending: bool

    @classmethod
    def of(cls, query: QueryParams) -> "Order":
        key = query.get("sort") if query.get("sort") in SORTS else "name"
        wanted = query.get("dir")
        return cls(key, wanted == "desc" if wanted in ("asc", "desc") else FIRST_DESCENDING[key])

    @property
    def query(self) -> str:
        return f"sort={self.key}&dir={'desc' if self.descending else 'asc'}"

    def href(self, key: str) -> str:
        """The header link: the other direction on the current column, else its first."""
        descending = not self.descending if key == self.key else FIRST_DESCENDING[key]
        return "?" + Order(key, descending).query


def district_routes(console: Console) -> list[Route]:
    def today() -> date:
        return console.clock.now().astimezone(ZoneInfo(console.app.settings.timezone)).date()

    def read(session: Session, viewer: Viewer) -> tuple[District, list[SchoolRow]]:
        member = session.get(DistrictMember, viewer.member_id)
        district = session.get(District, member.district_id)
        return district, district_rows(session, viewer.scope.school_ids, console.clock.now())

    def district_view(answer: Callable[[Viewer, District, list[SchoolRow], Order], Response]):
        """Resolves the viewer (a stranger gets the sign-in sentence, a school's staff 404)
        and reads the district's schools, in the order the query asks for."""
        @wraps(answer)
        async def wrapped(request: Request) -> Response:
            token = unsign(console.key, request.cookies.get(COOKIE))
            if token is None:
                return console.signed_out(request)

            def resolve(session: Session):
                """The viewer and, for a district account, its schools: one session."""
                viewer = console.viewer_of(session, token)
                if viewer is None or viewer.member_id is None:
                    return viewer, None
                return viewer, read(session, viewer)
            viewer, found = await console.read(resolve)
            if viewer is None:
                return console.signed_out(request)
            if found is None:
                return console.not_found(viewer)
            order = Order.of(request.query_params)
            district, rows = found
            return answer(viewer, district, sort_rows(rows, order.key, order.descending), order)
        return wrapped

    @district_view
    def district_page(viewer, district, rows, order):
        return console.page("web/district.j2", viewer=viewer, district=district, rows=rows,
                            order=order, today=today())

    @district_view
    def district_file(viewer, district, rows, order):
        renderer = console.renderer
        name = renderer.text("web/district_file_name.j2", district=district, today=today())
        return download(district_xlsx(rows, district.name, renderer), f"{name}.xlsx", XLSX)

    return [
        Route("/web/district", district_page),
        Route("/web/district.xlsx", district_file),
    ]
