"""Next year's draft is read before the console writes: the edited copy sent back, and the
draft read again to open the year, each in a process of its own while no write is held."""

from __future__ import annotations

from io import BytesIO

import openpyxl

from bot.web import year_pages
from tests.bot.web.conftest import PRINCIPAL, school_id
from tests.bot.web.test_year_pages import STOCKTAKE, csrf_of, to_june
from tests.writes import writes_open


async def test_the_draft_is_read_while_no_write_is_held(web_app, sign_in, clock, monkeypatch):
    to_june(web_app, clock)
    base = f"/web/s/{school_id(web_app)}/years"
    principal = await sign_in(PRINCIPAL)
    asked = await principal.get(base + "/close")
    assert (await principal.post(base + "/close", data={"csrf": csrf_of(asked)})
            ).status_code == 303
    draft = await principal.get(base + "/draft")
    xlsx = await principal.get(base + "/draft.xlsx")
    workbook = openpyxl.load_workbook(BytesIO(xlsx.content))
    row = next(r for r in workbook.active.iter_rows() if r[3].value == STOCKTAKE)
    row[6].value = "Tháng 10/2027"
    edited = BytesIO()
    workbook.save(edited)

    seen: list[int] = []
    real = year_pages.read_draft

    def watched(*args):
        seen.append(writes_open(web_app.db))
        return real(*args)

    monkeypatch.setattr(year_pages, "read_draft", watched)
    sent = await principal.post(base + "/draft", data={"csrf": csrf_of(draft)},
                                files={"file": ("ke-hoach-sua.xlsx", edited.getvalue())})
    assert sent.status_code == 303 and seen == [0]
    opened = await principal.post(base + "/open", data={"csrf": csrf_of(draft)})
    assert opened.headers["location"].endswith("?done=opened") and seen == [0, 0]
