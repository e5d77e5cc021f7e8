"""Who may do what: every command against every role, a stranger included."""

from __future__ import annotations

import pytest

from tests.chat import Chat
from tests.phuhuu import chat_of

OK, NO = True, False
STRANGER = "stranger"
# What each command answers when it is allowed, and the sentence when it is refused.
ALLOWED = {"/nhiemvu": "hiệm vụ",  # "Nhiệm vụ của …", or "chưa được giao nhiệm vụ"
           "/tiendo": "📊 Tiến độ", "/baocao": "giai đoạn nào", "/quahan": "quá hạn",
           "/tamdung": "Ai nghỉ phép", "/lich": "Lịch năm học", "/huongdan": "Hướng dẫn",
           "/capnhat": "hiệm vụ"}
REFUSED = {"/tiendo": "dành cho Ban giám hiệu, Tổ giám sát và tổ trưởng",
           "/baocao": "chỉ dành cho Ban giám hiệu và Tổ giám sát",
           "/quahan": "dành cho Ban giám hiệu, Tổ giám sát và tổ trưởng",
           "/tamdung": "dành cho Ban giám hiệu"}
MATRIX = {  # Tốt: HT; Sát: tổ giám sát; Đức: TTCM; Nam: GVBM
    "/nhiemvu": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": OK},
    "/capnhat": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": OK},
    "/tiendo": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": NO},
    "/baocao": {"Tốt": OK, "Sát": OK, "Đức": NO, "Nam": NO},
    "/quahan": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": NO},
    "/tamdung": {"Tốt": OK, "Sát": NO, "Đức": NO, "Nam": NO},
    "/lich": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": OK},
    "/huongdan": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": OK},
}
CASES = [(command, who, allowed) for command, row in MATRIX.items()
         for who, allowed in row.items()] + [(command, STRANGER, NO) for command in MATRIX]


@pytest.mark.parametrize("command, who, allowed", CASES)
async def test_the_matrix(engine, phuhuu, command, who, allowed):
    chat = Chat(engine, 555_000 if who == STRANGER else int(chat_of(who)))
    reply = await chat.send(command)
    if who == STRANGER:
        assert "chưa biết thầy/cô là ai" in reply or "Để bắt đầu" in reply
        assert all(r.document is None for r in chat.last)
    elif allowed:
        assert ALLOWED[command] in reply
    else:
        assert REFUSED[command] in reply


async def test_a_group_leader_sees_their_tổ(engine, phuhuu):
    duc = Chat(engine, int(chat_of("Đức")))
    reply = await duc.send("/tiendo")
    assert "của Tổ Toán - Tin" in reply
    assert "Toàn kế hoạch: 0/2" in reply  # 3.3 and 5.2: tasks of Đức and Hà, his tổ
    assert "1.2" not in reply


async def test_only_the_board_registers_its_group_for_the_digest(engine, phuhuu, sessions):
    from core.messages import Incoming
    from storage.models import School

    async def in_group(who: str) -> str:
        user = chat_of(who)
        replies = await engine.handle(Incoming(channel="test", user_id=user, chat_id="-100900",
                                               event_id=f"g-{user}", private=False,
                                               command="dangky"))
        return "\n".join(r.text for r in replies)

    assert "Chỉ Ban giám hiệu" in await in_group("Nam")
    assert "Nhóm này sẽ nhận bản tin" in await in_group("Tốt")
    with sessions() as session:
        assert session.get(School, phuhuu.id).board_chat_id == "-100900"
