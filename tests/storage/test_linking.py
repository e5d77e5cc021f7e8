import hashlib
import re
from datetime import timedelta

from sqlalchemy import func, select

from reminders.state import addresses
from storage.linking import issue_invites, link_by_contact, redeem_invite
from storage.outbox import mark_unreachable
from storage.staff_repo import mark_reachable
from storage.models import Account, Invite, Staff


def staff_by_phone(session, phone):
    return session.scalar(select(Staff).where(Staff.phone_norm == phone))


def test_an_invite_links_once_and_only_once(sessions, school, clock):
    with sessions.begin() as s:
        codes = {i.staff.phone_norm: i.code for i in issue_invites(s, school, clock)}
    code = codes["0901234503"]
    with sessions.begin() as s:
        assert redeem_invite(s, code, "tg", "1", "1", clock).outcome == "linked"
    with sessions.begin() as s:
        assert redeem_invite(s, code, "tg", "2", "2", clock).outcome == "used"
        assert s.scalar(select(Account.external_user_id)) == "1"


def test_codes_are_short_to_type_yet_distinct(sessions, school, clock):
    with sessions.begin() as s:
        codes = [i.code for i in issue_invites(s, school, clock)]
    assert len(codes) == len(set(codes)) == 8
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", c) for c in codes)


def test_a_code_typed_loosely_still_links(sessions, school, clock):
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[0].code
    typed = f" {code.replace('-', ' ').lower().replace('0', 'o').replace('1', 'l')} "
    with sessions.begin() as s:
        assert redeem_invite(s, typed, "zalo", "z1", "z1", clock).outcome == "linked"


def test_one_code_links_each_channel_once(sessions, school, clock):
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[0].code
    with sessions.begin() as s:
        assert redeem_invite(s, code, "telegram", "1", "1", clock).outcome == "linked"
        assert redeem_invite(s, code, "zalo", "z1", "z1", clock).outcome == "linked"
        assert redeem_invite(s, code, "zalo", "z2", "z2", clock).outcome == "used"
        assert sorted(s.scalars(select(Account.channel))) == ["telegram", "zalo"]


def test_a_code_issued_before_codes_were_short_still_links(sessions, school, clock):
    old = "dG8xAb_9zQkLm3Pq"
    with sessions.begin() as s:
        member = staff_by_phone(s, "0901234503")
        s.add(Invite(school_id=school.id, staff_id=member.id,
                     code_hash=hashlib.sha256(old.encode()).hexdigest(), used_on=[],
                     created_at=clock.now(), expires_at=clock.now() + timedelta(days=3)))
    with sessions.begin() as s:
        assert redeem_invite(s, old, "telegram", "1", "1", clock).outcome == "linked"


def test_an_invite_expires(sessions, school, clock):
    with sessions.begin() as s:
        code = issue_invites(s, school, clock, days=30)[0].code
    clock.advance(days=31)
    with sessions.begin() as s:
        assert redeem_invite(s, code, "tg", "1", "1", clock).outcome == "expired"


def test_reissuing_replaces_the_old_code(sessions, school, clock):
    with sessions.begin() as s:
        member = staff_by_phone(s, "0901234503")
        old = issue_invites(s, school, clock, only=[member])[0].code
        new = issue_invites(s, school, clock, only=[member])[0].code
    with sessions.begin() as s:
        assert redeem_invite(s, old, "tg", "1", "1", clock).outcome == "invalid"
        assert redeem_invite(s, new, "tg", "1", "1", clock).outcome == "linked"


def test_an_invite_moves_a_link_to_a_new_account(sessions, school, clock):
    with sessions.begin() as s:
        member = staff_by_phone(s, "0901234503")
        first = issue_invites(s, school, clock, only=[member])[0].code
        assert redeem_invite(s, first, "tg", "1", "1", clock).outcome == "linked"
        second = issue_invites(s, school, clock, only=[member])[0].code
        assert redeem_invite(s, second, "tg", "2", "2", clock).outcome == "linked"
        assert s.scalar(select(Account.external_user_id)) == "2"


def test_an_account_is_one_person_per_school(sessions, school, clock):
    with sessions.begin() as s:
        codes = [i.code for i in issue_invites(s, school, clock)]
        assert redeem_invite(s, codes[0], "tg", "1", "1", clock).outcome == "linked"
        assert redeem_invite(s, codes[1], "tg", "1", "1", clock).outcome == "taken"
        assert s.scalar(select(func.count(Account.id))) == 1


def test_own_contact_links_by_normalised_phone(sessions, school, clock):
    with sessions.begin() as s:
        result = link_by_contact(s, "+84 901 234 503", "5", "tg", "5", "5", clock)
        assert result.outcome == "linked"
        assert result.staff[0].name == "Lê Thị Thu Trang"


def test_someone_elses_contact_never_links(sessions, school, clock):
    with sessions.begin() as s:
        assert link_by_contact(s, "0901234503", "6", "tg", "5", "5", clock).outcome == "not_own"
        assert link_by_contact(s, "0901234503", None, "tg", "5", "5", clock).outcome == "not_own"
        assert s.scalar(select(func.count(Account.id))) == 0


def test_a_number_not_on_the_staff_list_does_not_link(sessions, school, clock):
    with sessions.begin() as s:
        assert link_by_contact(s, "0999999999", "5", "tg", "5", "5", clock).outcome == "no_match"


def test_a_contact_cannot_take_over_a_linked_record(sessions, school, clock):
    with sessions.begin() as s:
        link_by_contact(s, "0901234503", "5", "tg", "5", "5", clock)
        assert link_by_contact(s, "0901234503", "6", "tg", "6", "6", clock).outcome == "taken"


def test_reminders_go_to_the_channel_written_from_last_and_never_to_both(sessions, school,
                                                                         clock):
    with sessions.begin() as s:
        code = issue_invites(s, school, clock)[0].code
        member_id = redeem_invite(s, code, "telegram", "1", "1", clock).staff[0].id
        redeem_invite(s, code, "zalo", "z1", "z1", clock)
    for channel, user, expected in (("telegram", "1", "telegram"), ("zalo", "z1", "zalo"),
                                    ("telegram", "1", "telegram")):
        clock.advance(minutes=2)
        with sessions.begin() as s:
            mark_reachable(s, channel, user, None, clock.now())
        with sessions() as s:
            assert addresses(s, school.id)[member_id].channel == expected
    with sessions.begin() as s:  # blocked on Telegram: Zalo it is, until they write again
        mark_unreachable(s, "telegram", "1", clock.now(), None)
    with sessions() as s:
        assert addresses(s, school.id)[member_id].channel == "zalo"


def test_a_new_code_voids_one_already_used_on_the_other_channel(sessions, school, clock):
    with sessions.begin() as s:
        member = staff_by_phone(s, "0901234503")
        leaked = issue_invites(s, school, clock, only=[member])[0].code
        assert redeem_invite(s, leaked, "telegram", "1", "1", clock).outcome == "linked"
        issue_invites(s, school, clock, only=[member], include_linked=True)
        assert redeem_invite(s, leaked, "zalo", "z9", "z9", clock).outcome == "invalid"
