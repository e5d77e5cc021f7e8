"""A school's staff: the list as the viewer may see it, and the board's changes — pausing
someone's reminders, marking that they left, erasing the personal data of someone who
left, and printing invitation codes."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from bot.web.console import DOCX, NotFound, download
from bot.web.pages import Ask
from core.dates import parse_day
from reports.invitation_sheet import Card, invitation_docx, invitation_pdf
from reports.staff_view import staff_rows
from storage.access import visible_staff
from storage.linking import issue_invites
from storage.models import School, Staff
from storage.personal_data import forget
from storage.school_bots import PoolBot, pool_nearly_full, spread
from storage.staff_repo import active_staff, mark_left, set_pause

# `invitation_names(session, school_id)`: the Telegram bot's username (None without one)
# and the school's pool of Zalo bots, for the invitation cards.
InvitationNames = Callable[[Session, int], tuple[str | None, list[PoolBot]]]


def staff_page(ask: Ask, invitation_names: InvitationNames) -> Response:
    session, viewer, school = ask.session, ask.viewer, ask.school
    board = viewer.scope.board
    # Only people the board marked as having left may be erased: never someone still
    # working at the school.
    departed = session.scalars(select(Staff).where(
        Staff.school_id == school.id, Staff.forgotten_at.is_(None),
        Staff.left_on.is_not(None), Staff.active.is_(False),
        Staff.id != viewer.staff_id).order_by(Staff.left_on.desc(), Staff.name)).all() \
        if board else []
    # Taken off the staff list by an import, not yet marked as having left.
    unlisted = session.scalars(select(Staff).where(
        Staff.school_id == school.id, Staff.forgotten_at.is_(None),
        Staff.left_on.is_(None), Staff.active.is_(False)).order_by(Staff.name)).all() \
        if board else []
    # The board sees the school's Zalo bots filling up, before anyone is turned away.
    pool = invitation_names(session, school.id)[1] if board else []
    people = visible_staff(session, viewer.scope, school.id)
    rows = staff_rows(session, school.id, people, ask.console.clock.now())
    return ask.page("web/staff.j2", school=school, rows=rows, departed=departed,
                    unlisted=unlisted, today=ask.today, pool=pool,
                    pool_warning=pool_nearly_full(pool))


def staff_forget(ask: Ask) -> Response:
    """The board erases the personal data of someone who left (the record stays)."""
    session, form, console = ask.session, ask.form, ask.console
    chosen = str(form.get("staff") or "")
    member = session.get(Staff, int(chosen)) if chosen.isdigit() else None
    if (member is None or member.school_id != ask.school.id or member.active
            or member.left_on is None or member.forgotten_at is not None
            or member.id == ask.viewer.staff_id):
        return _problem(ask, "nobody_chosen")
    if not same_name(str(form.get("name") or ""), member.name):
        return _problem(ask, "wrong_name")
    forget(session, member, console.renderer.text("forgotten_name.j2", id=member.id),
           console.clock.now(), "web", ask.viewer.staff_id)
    return _done(ask)


def staff_left(ask: Ask) -> Response:
    """The board marks someone as having left, on a day up to today: the first step before
    their personal data may be erased."""
    member = ask.session.get(Staff, ask.params["staff"])
    if (member is None or member.school_id != ask.school.id or member.left_on is not None
            or member.forgotten_at is not None):
        raise NotFound  # someone still listed, or taken off the list by an import
    if member.id == ask.viewer.staff_id:
        return _problem(ask, "not_oneself")
    try:
        day = parse_day(str(ask.form.get("on") or ""))
    except ValueError:
        return _problem(ask, "bad_left_date")
    if day > ask.today:
        return _problem(ask, "bad_left_date")
    mark_left(ask.session, member, day, ask.console.clock.now(), "web", ask.viewer.staff_id)
    return _done(ask)


def staff_pause(ask: Ask) -> Response:
    member = _member(ask.session, ask.school, ask.params["staff"])
    until = None
    if ask.form.get("action") == "pause":
        try:
            until = parse_day(str(ask.form.get("until") or ""))
        except ValueError:
            return _problem(ask, "bad_date")
        if until < ask.today:
            return _problem(ask, "bad_date")
    set_pause(ask.session, member, until, ask.console.clock.now(), "web", ask.viewer.staff_id)
    return _done(ask)


def invitations(ask: Ask, invitation_names: InvitationNames) -> Response:
    """Issues new codes (the old ones stop working) and answers with the sheet to print:
    codes are stored hashed, so printing is issuing."""
    session, school, console = ask.session, ask.school, ask.console
    wanted = {int(v) for v in ask.form.getlist("staff") if str(v).isdigit()}
    kind = "pdf" if ask.form.get("format") == "pdf" else "docx"
    username, pool = invitation_names(session, school.id)
    members = [m for m in active_staff(session, school.id) if m.id in wanted]
    issued = issue_invites(session, school, console.clock, only=members, via="web",
                           actor_id=ask.viewer.staff_id)
    cards = [Card(i.staff.name, i.staff.group, i.code,
                  f"https://t.me/{username}?start={i.code}" if username else None, zalo)
             for i, zalo in zip(issued, spread(pool, len(issued)))]
    if not cards:
        return _problem(ask, "nobody_chosen")
    expires = (console.clock.now() + timedelta(days=30)).astimezone(
        ZoneInfo(school.timezone)).strftime("%d/%m/%Y")
    name = console.renderer.text("web/invitation_file_name.j2", school=school)
    build = invitation_pdf if kind == "pdf" else invitation_docx
    content = build(school.name or school.code, cards, expires, console.renderer)
    return download(content, f"{name}.{kind}", "application/pdf" if kind == "pdf" else DOCX)


def _problem(ask: Ask, problem: str) -> Response:
    """What is wrong with a board member's form on the staff page."""
    return ask.page("web/form_problem.j2", 400, problem=problem, back=f"{ask.base}/staff")


def _done(ask: Ask) -> Response:
    return RedirectResponse(f"{ask.base}/staff", status_code=303)


def _member(session: Session, school: School, staff_id: int) -> Staff:
    member = session.get(Staff, staff_id)
    if member is None or member.school_id != school.id or not member.active:
        raise NotFound
    return member


def same_name(typed: str, name: str) -> bool:
    """The name typed to confirm an erasure is the person's: the same words with the same
    marks, whatever the capitals, spacing or keyboard's Unicode form."""
    def plain(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return bool(typed.strip()) and plain(typed) == plain(name)
