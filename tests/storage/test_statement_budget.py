"""Statements a turn sends to the database, by kind of turn, so that what speed work took
out cannot creep back unseen. Each budget is what the turn took when it was set, on SQLite
(whose explicit BEGIN IMMEDIATE is one statement more than PostgreSQL's): BEGIN, who is
writing, the mark that they can be reached, the conversation, what the step reads, the
conversation's one UPDATE and the event's one INSERT. A turn that needs more is a change to
look at, and to budget for here on purpose."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.handlers.test_update_flow import TRANG

BUDGETS = {"/nhiemvu": 7, "/capnhat": 7, "pick": 8, "button": 7, "note": 7,
           "photo": 11, "save": 11}


@contextmanager
def counted(db, spent: list[str]):
    def count(_conn, _cursor, statement, *_args):
        spent.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(db, "before_cursor_execute", count)


async def test_each_kind_of_turn_stays_within_its_statement_budget(db, chat_as, school):
    trang = chat_as(TRANG)
    await trang.send("/huongdan")  # the engine's one-off look at who is linked, not a turn's

    async def turn(kind: str, say) -> str:
        spent: list[str] = []
        with counted(db, spent):
            answer = await say()
        assert len(spent) <= BUDGETS[kind], (kind, len(spent), spent)
        return answer

    assert "Nhiệm vụ của" in await turn("/nhiemvu", lambda: trang.send("/nhiemvu"))
    assert "nhiệm vụ nào" in await turn("/capnhat", lambda: trang.send("/capnhat"))
    assert "Tình trạng hiện nay" in await turn("pick", lambda: trang.press("1."))
    assert "đã làm được gì" in await turn("button", lambda: trang.press("Hoàn thành"))
    assert "minh chứng" in await turn("note", lambda: trang.send("Đã sinh hoạt tổ 2 buổi."))
    assert "Đã nhận 1 tệp" in await turn("photo", lambda: trang.send_file(b"\xff\xd8jpeg-1"))
    assert "Hoàn thành" in await turn("button", lambda: trang.press("✅ Xong"))
    assert "Đã lưu" in await turn("save", lambda: trang.press("💾 Lưu"))
