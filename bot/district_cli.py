"""`caitien district add|member|list`, `caitien school add|bot` and `caitien web link`: the
districts (Phòng GD&ĐT) and their accounts, the schools they oversee and the bots each
school's staff talk to, and a one-time sign-in link to the web console for a staff member
or a district account."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.command_line import Context
from core.clock import Clock
from core.errors import InputError
from core.phones import normalize_phone
from storage.db import writing
from storage.districts import (
    add_district,
    add_member,
    attach_school,
    districts,
    find_district,
    find_member_by_phone,
)
from storage.models import School, Staff
from storage.schools import pick_school
from storage.web_access import LINK_LIFETIME, issue_sign_in


def district_add(ctx: Context) -> int:
    with writing(ctx.app.sessions) as session:
        district = add_district(session, ctx.args.code, ctx.args.name, ctx.app.clock.now())
        text = ctx.renderer.text("cli/district_added.j2", district=district)
    print(text)
    return 0


def district_member(ctx: Context) -> int:
    args = ctx.args
    with writing(ctx.app.sessions) as session:
        district = find_district(session, args.code)
        member = add_member(session, district, args.name, args.phone, ctx.app.clock.now())
        text = ctx.renderer.text("cli/district_member_added.j2", district=district,
                                 member=member)
    print(text)
    return 0


def district_list(ctx: Context) -> int:
    with ctx.app.sessions() as session:
        ctx.say("cli/district_list.j2", listings=districts(session))
    return 0


def school_add(ctx: Context) -> int:
    """Creates the school, or names an existing one and attaches it to a district."""
    args, app = ctx.args, ctx.app
    with writing(app.sessions) as session:
        created = session.scalar(select(School.id).where(School.code == args.code)) is None
        school = pick_school(session, args.code, app.clock, create=True,
                             timezone=ctx.settings.timezone)
        if args.name:
            school.name = args.name
        district = find_district(session, args.district) if args.district else None
        if district is not None:
            attach_school(session, school, district)
        text = ctx.renderer.text("cli/school_added.j2", school=school, created=created,
                                 district=district)
    print(text)
    return 0


def school_bot(ctx: Context) -> int:
    """A Zalo bot added to the school's pool, or its own Telegram bot set, removed or shown;
    shown, the Zalo pool is listed after it. The channels' modules are imported here, when
    needed: their clients are heavy for the commands that do not talk to a channel."""
    from bot.telegram.school_bot_cli import school_bot_command
    from bot.zalo.pool_cli import add_zalo_bot, show_zalo_pool

    if ctx.args.zalo_token:
        return add_zalo_bot(ctx)
    code = school_bot_command(ctx)
    if not (ctx.args.telegram_token or ctx.args.remove):
        show_zalo_pool(ctx)
    return code


def web_link(ctx: Context) -> int:
    """A sign-in link for whoever has the phone: with --school, that school's staff member;
    without, the district account with it, else the one staff member with it. Not on the
    audit trail: signing in with it is."""
    public_url = ctx.settings.public_url
    if not public_url:
        raise InputError("no_public_url")
    app = ctx.app
    with writing(app.sessions) as session:
        name, staff_id, member_id = _sign_in_owner(session, ctx.args.phone, ctx.args.school,
                                                   app.clock)
        token = issue_sign_in(session, app.clock.now(), staff_id=staff_id, member_id=member_id)
    ctx.say("cli/web_link.j2", name=name, url=f"{public_url}/web/login/{token}",
            minutes=int(LINK_LIFETIME.total_seconds() // 60))
    return 0


def _sign_in_owner(session: Session, phone: str, school_code: str | None, clock: Clock
                   ) -> tuple[str, int | None, int | None]:
    """(their name, staff id, district member id) for the phone."""
    phone_norm = normalize_phone(phone)
    if phone_norm is None:
        raise InputError("phone_bad", phone=phone)
    if school_code is None:
        member = find_member_by_phone(session, phone_norm)
        if member is not None:
            return member.name, None, member.id
    query = select(Staff).where(Staff.phone_norm == phone_norm, Staff.active)
    if school_code is not None:
        query = query.where(Staff.school_id == pick_school(session, school_code, clock).id)
    found = session.scalars(query.order_by(Staff.id)).all()
    if not found:
        raise InputError("web_link_nobody", phone=phone)
    if len(found) > 1:
        raise InputError("web_link_several", phone=phone,
                         codes=sorted(m.school.code for m in found))
    return found[0].name, found[0].id, None
