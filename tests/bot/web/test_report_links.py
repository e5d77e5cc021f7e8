"""The evidence links in the report the principal downloads lead into the console: the
file for someone signed in who may see it, nothing for anyone else."""

from __future__ import annotations

from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from storage.db import writing
from storage.models import Staff, Task
from storage.updates import record_update
from tests.bot.web.conftest import PRINCIPAL, school_id

PHOTO = b"\x89PNG-the-minutes-photo"


async def test_the_reports_evidence_links_open_the_file_in_the_console(web_app, sign_in,
                                                                       clock):
    school = school_id(web_app)
    with writing(web_app.sessions) as session:
        task = session.scalar(select(Task).where(Task.school_id == school).order_by(Task.id))
        author = session.scalar(select(Staff).where(Staff.phone_norm == PRINCIPAL))
        stored = web_app.engine.evidence.save("demo", task.criterion.code, "photo", PHOTO,
                                              "anh.png", "image/png", clock.now())
        update = record_update(session, task, author.id, "done", "Đã họp.", None,
                               [stored.to_dict()], clock)
        (item,) = update.evidence
        evidence_page = f"{web_app.settings.public_url}/web/s/{school}/evidence/{item.id}"
    principal = await sign_in(PRINCIPAL)
    answer = await principal.get(f"/web/s/{school}/reports/report.docx?period=year")
    assert answer.status_code == 200
    document = docx.Document(BytesIO(answer.content))
    (link,) = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert link == evidence_page
    opened = await principal.get(link)
    assert opened.status_code == 200 and opened.content == PHOTO

    workbook = await principal.get(f"/web/s/{school}/reports/report.xlsx?period=year")
    book = openpyxl.load_workbook(BytesIO(workbook.content))
    assert [r[4].hyperlink.target for r in book["Minh chứng"].iter_rows(min_row=2)] == [link]

    stranger = await sign_in(None)
    refused = await stranger.get(link)
    assert refused.status_code == 401 and refused.content != PHOTO
