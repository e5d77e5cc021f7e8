"""The evidence list in the console: the board reads it, downloads it and the box, renames
an item, dates it, withdraws it and lists it under a second criterion; a teacher gets
nothing of it."""

from __future__ import annotations

import asyncio
import zipfile
from io import BytesIO

import docx
import openpyxl
from sqlalchemy import select

from storage import evidence_items
from storage.audit import EVIDENCE_EDIT, trail
from storage.db import writing
from storage.evidence_items import attach, other_criteria
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


VICE_PRINCIPAL = "0901234588"  # added here: a second member of the board


async def test_the_boards_edits_are_on_the_audit_trail(web_app, sign_in, clock):
    school = school_id(web_app)
    item_id, own, other = hand_in(web_app, clock)
    principal = await sign_in(PRINCIPAL)
    page = f"/web/s/{school}/evidence-list/{item_id}"
    csrf = csrf_of(await principal.get(page))
    await principal.post(page, data={"csrf": csrf, "title": "Biên bản họp",
                                     "issued_ref": "Số 12/BB-THCS", "issued_on": "2026-10-05",
                                     "issuer": "Hội đồng trường", "note": "Bản chụp"})
    await principal.post(page, data={"csrf": csrf, "title": "Biên bản họp",
                                     "issued_ref": "Số 12/BB-THCS", "issued_on": "2026-10-05",
                                     "issuer": "Hội đồng trường", "note": "Bản chụp"})
    await principal.post(page, data={"csrf": csrf, "title": "Biên bản họp",
                                     "issued_ref": "Số 12/BB-THCS", "issued_on": "2026-10-05",
                                     "issuer": "Hội đồng trường", "withdrawn": "1"})
    await principal.post(page, data={"csrf": csrf, "action": "attach", "criterion": other})
    await principal.post(page, data={"csrf": csrf, "action": "detach", "criterion": other})
    await principal.post(page, data={"csrf": csrf, "action": "detach", "criterion": other})

    with web_app.sessions() as session:
        edits = trail(session, school, kinds={EVIDENCE_EDIT})
    code = f"MC.{own}.01"
    # Newest first; saving the same entry again and detaching twice leave one line each.
    assert [(e.actor, e.via, e.subject) for e in edits] == [
        ("Nguyễn Thị Minh Hạnh", "web", "Biên bản họp")] * 4
    assert [{k: v for k, v in e.details.items() if k != "evidence_id"} for e in edits] == [
        {"code": code, "detached": other},
        {"code": code, "attached": other},
        {"code": code, "changes": {"note": ["Bản chụp", None], "withdrawn": [False, True]}},
        {"code": code, "changes": {"title": [None, "Biên bản họp"],
                                   "issued_ref": [None, "Số 12/BB-THCS"],
                                   "issuer": [None, "Hội đồng trường"],
                                   "note": [None, "Bản chụp"],
                                   "issued_on": [None, "2026-10-05"]}}]
    audit = await principal.get(f"/web/s/{school}/audit?kind=evidence_edit")
    assert audit.text.count("Sửa minh chứng") >= 4
    assert f"{code}: Tên: (trống) → «Biên bản họp»" in audit.text
    assert "Ngày ban hành: (trống) → 05/10/2026" in audit.text
    assert f"{code}: Ghi chú: «Bản chụp» → (trống); rút minh chứng" in audit.text
    assert f"{code}: thêm vào tiêu chí {other}" in audit.text
    assert f"{code}: bỏ khỏi tiêu chí {other}" in audit.text


async def test_two_board_members_attach_the_same_item_at_once(web_app, sign_in, clock):
    school = school_id(web_app)
    item_id, _, other = hand_in(web_app, clock)
    with writing(web_app.sessions) as session:
        session.add(Staff(school_id=school, name="Lê Phó Hiệu", phone=VICE_PRINCIPAL,
                          phone_norm=VICE_PRINCIPAL, roles=["PHT"]))
    page = f"/web/s/{school}/evidence-list/{item_id}"
    board = [await sign_in(PRINCIPAL), await sign_in(VICE_PRINCIPAL)]
    forms = [{"csrf": csrf_of(await b.get(page)), "action": "attach", "criterion": other}
             for b in board]
    answers = await asyncio.gather(*(b.post(page, data=f) for b, f in zip(board, forms)))
    places = sorted(a.headers["location"] for a in answers)
    assert [a.status_code for a in answers] == [303, 303]
    assert places[0].endswith("problem=bad_criterion")
    assert "problem" not in places[1]
    with web_app.sessions() as session:
        assert other_criteria(session, session.get(Evidence, item_id)) == [other]
        assert len(trail(session, school, kinds={EVIDENCE_EDIT})) == 1


def test_an_attach_that_lost_the_race_is_refused_and_its_transaction_lives_on(web_app,
                                                                             clock,
                                                                             monkeypatch):
    """The check before the insert saw no link (the other member's was not committed yet);
    the insert then meets it: the answer is «already there», and the rest of the
    transaction still commits."""
    item_id, _, other = hand_in(web_app, clock)
    with writing(web_app.sessions) as session:
        attach(session, session.get(Evidence, item_id), other, None, clock)
    monkeypatch.setattr(evidence_items, "other_criteria", lambda session, item: [])
    with writing(web_app.sessions) as session:
        item = session.get(Evidence, item_id)
        assert attach(session, item, other, None, clock) is False
        item.note = "Vẫn lưu"
    with web_app.sessions() as session:
        assert session.get(Evidence, item_id).note == "Vẫn lưu"
