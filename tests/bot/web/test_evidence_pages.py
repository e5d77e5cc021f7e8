"""The evidence list in the console: the board reads it, downloads it and the box, renames
an item, dates it, withdraws it and lists it under a second criterion; a teacher gets
nothing of it."""

from __future__ import annotations

import zipfile
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from storage.db import writing
from storage.models import Evidence, Staff, Task
from storage.updates import record_update
from tests.bot.web.conftest import PRINCIPAL, TEACHER, school_id
from tests.bot.web.test_forget import csrf_of

PDF = b"%PDF-1.4 minutes of the meeting"


def hand_in(web_app, clock) -> tuple[int, str, str]:
    """A PDF handed in with an update of the school's first task: (its id, its criterion,
    another criterion of the plan)."""
    school = school_id(web_app)
    with writing(web_app.sessions) as session:
        tasks = session.scalars(select(Task).where(Task.school_id == school)
                                .order_by(Task.id)).all()
        author = session.scalar(select(Staff).where(Staff.phone_norm == PRINCIPAL))
        stored = web_app.engine.evidence.save("demo", tasks[0].criterion.code, "document",
                                              PDF, "bien-ban.pdf", "application/pdf",
                                              clock.now())
        update = record_update(session, tasks[0], author.id, "done", "Đã họp.", None,
                               [stored.to_dict()], clock)
        other = next(t.criterion.code for t in tasks
                     if t.criterion.code != tasks[0].criterion.code)
        return update.evidence[0].id, tasks[0].criterion.code, other


async def test_the_board_edits_an_item_and_attaches_it_to_a_second_criterion(web_app,
                                                                             sign_in, clock):
    school = school_id(web_app)
    item_id, own, other = hand_in(web_app, clock)
    principal = await sign_in(PRINCIPAL)
    listing = await principal.get(f"/web/s/{school}/evidence-list")
    assert listing.status_code == 200 and f"MC.{own}.01" in listing.text
    form = await principal.get(f"/web/s/{school}/evidence-list/{item_id}")
    csrf = csrf_of(form)
    saved = await principal.post(f"/web/s/{school}/evidence-list/{item_id}", data={
        "csrf": csrf, "action": "save", "title": "Biên bản họp hội đồng",
        "issued_ref": "Số 12/BB-THCS", "issued_on": "2026-10-05",
        "issuer": "Hội đồng trường", "note": "Bản chụp"})
    assert saved.status_code == 303
    attached = await principal.post(f"/web/s/{school}/evidence-list/{item_id}", data={
        "csrf": csrf, "action": "attach", "criterion": other})
    assert attached.status_code == 303
    twice = await principal.post(f"/web/s/{school}/evidence-list/{item_id}", data={
        "csrf": csrf, "action": "attach", "criterion": other})
    assert twice.headers["location"].endswith("problem=bad_criterion")

    book = await principal.get(f"/web/s/{school}/evidence-list.xlsx")
    rows = [r for r in openpyxl.load_workbook(BytesIO(book.content)).active.iter_rows(
        values_only=True) if isinstance(r[0], int)]
    code = f"MC.{own}.01"
    assert rows == [(1, code, "Biên bản họp hội đồng", "Số 12/BB-THCS, 05/10/2026",
                     "Hội đồng trường", "Bản chụp"),
                    (2, code, "Biên bản họp hội đồng", "Số 12/BB-THCS, 05/10/2026",
                     "Hội đồng trường", "Bản chụp")]
    word = await principal.get(f"/web/s/{school}/evidence-list.docx")
    assert docx.Document(BytesIO(word.content)).tables[1].rows[0].cells[0].text == "TT"
    box = await principal.get(f"/web/s/{school}/evidence-list.zip")
    assert box.status_code == 200 and "attachment" in box.headers["content-disposition"]
    names = zipfile.ZipFile(BytesIO(box.content)).namelist()
    assert f"Tiêu chuẩn {own[0]}/Tiêu chí {own}/{code} Biên bản họp hội đồng.pdf" in names
    assert f"Tiêu chuẩn {other[0]}/Tiêu chí {other}/{code} Biên bản họp hội đồng.pdf" in names


async def test_withdrawn_keeps_the_code_and_bad_input_changes_nothing(web_app, sign_in,
                                                                      clock):
    school = school_id(web_app)
    item_id, own, _ = hand_in(web_app, clock)
    principal = await sign_in(PRINCIPAL)
    csrf = csrf_of(await principal.get(f"/web/s/{school}/evidence-list/{item_id}"))
    page = f"/web/s/{school}/evidence-list/{item_id}"
    bad_date = await principal.post(page, data={"csrf": csrf, "issued_on": "05/10/2026"})
    assert bad_date.headers["location"].endswith("problem=bad_date")
    long = await principal.post(page, data={"csrf": csrf, "title": "x" * 301})
    assert long.headers["location"].endswith("problem=too_long")
    stranger_code = await principal.post(page, data={"csrf": csrf, "action": "attach",
                                                     "criterion": "../9.9"})
    assert stranger_code.headers["location"].endswith("problem=bad_criterion")
    no_csrf = await principal.post(page, data={"title": "x"})
    assert no_csrf.status_code == 403
    with web_app.sessions() as session:
        item = session.get(Evidence, item_id)
        assert (item.title, item.issued_on, item.withdrawn_at) == (None, None, None)
    await principal.post(page, data={"csrf": csrf, "withdrawn": "1"})
    listing = await principal.get(f"/web/s/{school}/evidence-list")
    assert f"MC.{own}.01" in listing.text and "Đã rút ngày" in listing.text


async def test_a_teacher_sees_no_list_and_edits_nothing(web_app, sign_in, clock):
    school = school_id(web_app)
    item_id, _, _ = hand_in(web_app, clock)
    teacher = await sign_in(TEACHER)
    for path in ("", ".xlsx", ".zip", f"/{item_id}"):
        assert (await teacher.get(f"/web/s/{school}/evidence-list{path}")).status_code == 404
