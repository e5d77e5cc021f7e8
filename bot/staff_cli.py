"""`caitien staff import|pause|resume` and `caitien invite`: the staff list, someone on
leave, and the personal links that link each person's Telegram or Zalo."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from sqlalchemy.orm import Session

from bot.app import App
from bot.command_line import Context, day
from core.errors import InputError
from core.phones import normalize_phone
from core.text import fold_words
from readers.staff_sheet import parse_staff_sheet
from storage.db import writing
from storage.linking import issue_invites
from storage.models import Staff
from storage.school_bots import bot_of_school, pool_of_school, spread
from storage.settings import setting
from storage.staff_repo import active_staff, import_staff, set_pause


def staff_import(ctx: Context) -> int:
    rows = parse_staff_sheet(ctx.args.file)
    with writing(ctx.app.sessions) as session:
        report = import_staff(session, ctx.school(session, create=True), rows)
    ctx.say("cli/staff_imported.j2", report=report, count=len(rows))
    return 0


def staff_pause(ctx: Context) -> int:
    return _pause(ctx, day(ctx.args.until))


def staff_resume(ctx: Context) -> int:
    return _pause(ctx, None)


def _pause(ctx: Context, until) -> int:
    app = ctx.app
    with writing(app.sessions) as session:
        (member,) = named_staff(session, ctx.school(session).id, [ctx.args.who])
        set_pause(session, member, until, app.clock.now(), "cli")
        name = member.name
    ctx.say("cli/staff_paused.j2", name=name, until=until)
    return 0


def invite(ctx: Context) -> int:
    """One code a person: the Telegram link carries it, and it is sent as it is to the Zalo
    bot. Either channel alone is enough."""
    args, app, settings = ctx.args, ctx.app, ctx.settings
    with app.sessions() as session:
        school_id = ctx.school(session).id
        own = bot_of_school(session, school_id, "telegram")
        username = own.username if own is not None else None
        pool = pool_of_school(session, school_id, "zalo", settings.zalo_users_per_bot,
                              default=bool(settings.zalo_token))
    username = username or telegram_username(app)
    if settings.zalo_token and pool and pool[0].key is None and pool[0].name is None:
        pool[0] = replace(pool[0], name=zalo_name(app))
    if username is None and not pool:
        raise InputError("no_bot_username")
    with writing(app.sessions) as session:
        school = ctx.school(session)
        only = named_staff(session, school.id, args.staff) if args.staff else None
        issued = issue_invites(session, school, app.clock, days=args.days, only=only,
                               include_linked=args.all, via="cli")
        rows = [{"name": i.staff.name, "phone": i.staff.phone, "code": i.code,
                 "link": f"https://t.me/{username}?start={i.code}" if username else None,
                 **({"zalo": zalo} if pool else {})}
                for i, zalo in zip(issued, spread(pool, len(issued)))]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        ctx.say("cli/invites.j2", rows=rows, days=args.days, zalo=bool(pool),
                zalo_name=pool[0].name if len(pool) == 1 else None, pooled=len(pool) > 1)
    return 0


def named_staff(session: Session, school_id: int, wanted: list[str]) -> list[Staff]:
    """The active staff member each phone or full name names, exactly one each."""
    staff = active_staff(session, school_id)
    chosen = []
    for item in wanted:
        phone = normalize_phone(item)
        match = [m for m in staff if (phone and m.phone_norm == phone)
                 or fold_words(m.name) == fold_words(item)]
        if len(match) != 1:
            raise InputError("staff_not_found", who=item)
        chosen.append(match[0])
    return chosen


def telegram_username(app: App) -> str | None:
    """From TELEGRAM_BOT_USERNAME, else what the running bot last reported, else getMe;
    None when there is no Telegram bot."""
    from bot.telegram.connection import USERNAME_SETTING, fetch_username

    if app.settings.bot_username:
        return app.settings.bot_username
    with app.sessions() as session:
        stored = setting(session, USERNAME_SETTING)
        if stored is not None:
            return stored
    if app.settings.telegram_token:
        return asyncio.run(fetch_username(app.settings))
    return None


def zalo_name(app: App) -> str | None:
    """The Zalo bot's name, as the running bot last reported it, else getMe."""
    from bot.zalo.connection import NAME_SETTING, fetch_name

    with app.sessions() as session:
        stored = setting(session, NAME_SETTING)
        if stored is not None:
            return stored
    return asyncio.run(fetch_name(app.settings))
