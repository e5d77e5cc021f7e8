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
           "/tamdung": "Ai nghỉ phép", "/lich": "Lịch năm học", "/huongdan": "Hướng dẫn"}
REFUSED = {"/tiendo": "dành cho Ban giám hiệu, Tổ giám sát và tổ trưởng",
           "/baocao": "chỉ dành cho Ban giám hiệu và Tổ giám sát",
           "/quahan": "dành cho Ban giám hiệu và Tổ giám sát",
           "/tamdung": "dành cho Ban giám hiệu"}
MATRIX = {  # Tốt: HT; Sát: tổ giám sát; Đức: TTCM; Nam: GVBM
    "/nhiemvu": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": OK},
    "/tiendo": {"Tốt": OK, "Sát": OK, "Đức": OK, "Nam": NO},
    "/baocao": {"Tốt": OK, "Sát": OK, "Đức": NO, "Nam": NO},
    "/quahan": {"Tốt": OK, "Sát": OK, "Đức": NO, "Nam": NO},
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
