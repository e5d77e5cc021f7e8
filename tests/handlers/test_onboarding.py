import copy

from sqlalchemy import func, select

from handlers.engine import STRANGER_MESSAGES
from storage.linking import issue_invites
from storage.models import Account, Conversation, LinkFailure
from tests.chat import Chat


async def test_a_stranger_is_refused_politely_and_nothing_is_created(stranger, sessions, school):
    for text in ("/capnhat", "/nhiemvu", "/tiendo", "xin chào", "/start"):
        answer = await stranger.send(text)
        assert "chưa biết thầy/cô là ai" in answer
        assert bool(stranger.last[0].ask_contact) != stranger.typed
    with sessions() as s:
        assert s.scalar(select(func.count(Account.id))) == 0
        assert s.scalar(select(func.count(Conversation.id))) == 0


async def test_invite_link_links_the_account(stranger, sessions, school, clock):
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[2].code
    assert "Đã liên kết với Lê Thị Thu Trang" in await stranger.send(f"/start {code}")
    assert "Nhiệm vụ của thầy/cô (3)" in await stranger.send("/nhiemvu")


async def test_wrong_or_used_codes_get_a_clear_answer(stranger, engine, sessions, school, clock):
    assert "không đúng" in await stranger.send("/start not-a-real-code")
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[0].code
    await stranger.send(f"/start {code}")
    other = Chat(engine, 999_002, stranger.channel)
    assert "đã được dùng" in await other.send(f"/start {code}")


async def test_one_person_links_both_channels_with_one_code(engine, sessions, school, clock):
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[2].code
    on_telegram, on_zalo = Chat(engine, 1, "test"), Chat(engine, 2, "plain")
    assert "Đã liên kết với Lê Thị Thu Trang" in await on_telegram.send(f"/start {code}")
    assert "Đã liên kết với Lê Thị Thu Trang" in await on_zalo.send(code.lower())
    assert "Nhiệm vụ của thầy/cô (3)" in await on_zalo.send("/nhiemvu")
    assert "Nhiệm vụ của thầy/cô (3)" in await on_telegram.send("/nhiemvu")


async def test_sharing_ones_own_phone_links(stranger, school):
    assert "Đã liên kết với Phạm Quốc Bảo" in await stranger.share_contact("+84901234504")


async def test_a_forwarded_contact_never_links(stranger, sessions, school):
    answer = await stranger.share_contact("0901234504", owner="12345")
    assert "số điện thoại của chính thầy/cô" in answer
    answer = await stranger.share_contact("0901234504", owner=None)
    assert "số điện thoại của chính thầy/cô" in answer
    with sessions() as s:
        assert s.scalar(select(func.count(Account.id))) == 0


async def test_an_unknown_number_is_told_to_ask_the_school(stranger, school):
    assert "chưa có trong danh sách" in await stranger.share_contact("0988000111")


async def test_a_greeting_with_diacritics_is_not_taken_for_a_code(stranger, school):
    answer = await stranger.send("Chào thầy")
    assert "không đúng" not in answer and "chưa biết thầy/cô là ai" in answer




async def test_a_redelivered_linking_message_is_answered_the_same_and_applied_once(
        engine, sessions, school, clock, channel):
    """The process died after the turn committed and before the message was confirmed:
    when it comes again the person hears what they heard the first time, not silence, and
    nothing is applied twice (a wrong code counts once)."""
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[2].code
    wrong, unknown, linking = (Chat(engine, 999_100 + n, channel) for n in range(3))
    for chat, incoming in ((wrong, wrong._incoming(text="ABCD-EFGH")),
                           (unknown, unknown._incoming(contact_phone="0988000111",
                                                       contact_user_id=unknown.user_id)),
                           (linking, linking._incoming(command="start", args=code))):
        first = await chat.replay(copy.deepcopy(incoming))
        assert first and await chat.replay(copy.deepcopy(incoming)) == first
    assert "Đã liên kết với Lê Thị Thu Trang" in first
    with sessions() as s:
        assert s.scalar(select(func.count(Account.id))) == 1
        assert s.scalar(select(func.count(LinkFailure.id))) == 1


async def test_someone_who_links_after_a_few_tries_is_heard_at_once(stranger, sessions,
                                                                    school, clock):
    """The messages of a stranger are throttled; once they have linked they are staff."""
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[2].code
    for _ in range(STRANGER_MESSAGES - 1):
        assert "không đúng" in await stranger.send("ABCD-EFGH")
    assert "Đã liên kết với Lê Thị Thu Trang" in await stranger.send(f"/start {code}")
    assert "Nhiệm vụ của thầy/cô (3)" in await stranger.send("/nhiemvu")
