"""A bot's monthly message budget (Zalo's Basic plan: 3,000 outgoing messages a month per
bot, then 429 «Quota exceeded»), counted in the database and spent by priority:

1. replies inside a conversation (and the notices below) always go while any budget is left;
2. then deadlines and the overdue ladder;
3. then check-ins, follow-ups and digests: in the last RESERVE of the month they go through
   Telegram for a person who also has it, else are held back — the row is dropped and the
   planner, which counts only rows not dropped as told, merges what it carried into the
   person's next message (reminders/planner.py Mailer).

When the channel itself says the quota is spent, the bot's scheduled messages stop until the
month turns, except one probe an hour; the board's principal is told once a month at WARN_AT
and once when the quota is spent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from readers.owners import staff_roles
from storage.bot_months import (
    add_sent,
    bot_month,
    local_month,
    month_of,
    quota_back,
    quota_spent,
    take_probe,
    warn_once,
)
from storage.models import Account, OutboxMessage, SchoolBot, Staff
from storage.outbox import DROPPED, PENDING, add_message
from templates.render import Renderer

WARN_AT = 0.8
RESERVE = 0.1  # the month's last tenth: replies, deadlines and the ladder only
PROBE_EVERY = timedelta(hours=1)
FIRST = ("reply", "budget")  # kinds of rows that always go while budget is left
URGENT = ("deadline", "overdue")  # items that make a scheduled message go before the rest
TELEGRAM = "telegram"


def record_sent(session: Session, renderer: Renderer, channel: str, bot: str | None,
                count: int, limit: int, now: datetime) -> int:
    """Count messages that went out; past WARN_AT the board hears so, once a month. The
    month's total."""
    month = month_of(now)
    total, spent = add_sent(session, channel, bot, month, count)
    if spent:  # a probe went through: the quota came back (a new plan, a mistake)
        quota_back(session, channel, bot, month)
    if total >= WARN_AT * limit and warn_once(session, channel, bot, month, now):
        tell_board(session, renderer, "budget_low", channel, bot, total, limit, now)
    return total


def record_quota(session: Session, renderer: Renderer, channel: str, bot: str | None,
                 limit: int, now: datetime) -> bool:
    """The channel answered «Quota exceeded»: the bot's scheduled sends stop for the month.
    True (and the board told) the first time this month."""
    month = month_of(now)
    if not quota_spent(session, channel, bot, month, now):
        return False
    row = bot_month(session, channel, bot, month)
    tell_board(session, renderer, "budget_spent", channel, bot, row.sent, limit, now)
    return True


def tell_board(session: Session, renderer: Renderer, kind: str, channel: str,
               bot: str | None, used: int, limit: int, now: datetime) -> int:
    """One message to the principal (HT; else the board) of each school whose people use the
    bot: through Telegram when they have it, else where they are reached. Keyed by bot and
    month, so it is written once however often it is asked."""
    month = month_of(now)
    schools = set(session.scalars(select(Account.school_id).where(
        Account.channel == channel, Account.bot.is_not_distinct_from(bot))))
    schools |= set(session.scalars(select(SchoolBot.school_id).where(SchoolBot.key == bot)))
    text = renderer.text(f"reminders/{kind}.j2", used=used, limit=limit, bot=bot,
                         month=local_month(now))
    queued = 0
    for school_id in sorted(schools):
        for staff_id in _principals(session, school_id):
            account = _account_for(session, staff_id)
            if account is None:
                continue
            queued += add_message(session, OutboxMessage(
                school_id=school_id, key=f"{kind}:{channel}:{bot or ''}:{month}:{staff_id}",
                kind="budget", period=month, staff_id=staff_id, channel=account.channel,
                chat_id=account.chat_id, bot=account.bot, due_at=now, not_before=now,
                status=PENDING, task_ids=[], criteria=[], body={"text": text}, attempts=0,
                created_at=now))
    return queued


def _principals(session: Session, school_id: int) -> list[int]:
    board = session.scalars(select(Staff).where(Staff.school_id == school_id, Staff.active)
                            .order_by(Staff.id)).all()
    heads = [m.id for m in board if "HT" in staff_roles(m)]
    return heads or [m.id for m in board if staff_roles(m) & {"PHT"}][:1]


def _account_for(session: Session, staff_id: int) -> Account | None:
    """Telegram first (it has no monthly quota), then the account they used last."""
    accounts = session.scalars(select(Account).where(Account.staff_id == staff_id,
                                                     Account.unreachable_at.is_(None))
                               .order_by(Account.last_seen_at.is_(None),
                                         Account.last_seen_at.desc(), Account.id)).all()
    return next((a for a in accounts if a.channel == TELEGRAM), None) or \
        (accounts[0] if accounts else None)


def urgent(row: OutboxMessage) -> bool:
    """A reply, a notice, or a scheduled message that carries a deadline or a rung of the
    overdue ladder."""
    return row.kind in FIRST or row.kind in URGENT or any(
        i.get("kind") in URGENT for i in row.items or [])


def admit(session: Session, rows: list[OutboxMessage], limits: dict[str, int],
          now: datetime) -> list[int]:
    """Of the due rows, those that may go now through a bot with a monthly budget (`limits`:
    by channel); the others are moved to Telegram, dropped to be merged into a later
    message, or wait for the next probe. Rows of channels without a budget all go."""
    month = month_of(now)
    allowed: list[int] = []
    for row in rows:
        limit = limits.get(row.channel)
        if limit is None:
            allowed.append(row.id)
            continue
        state = bot_month(session, row.channel, row.bot, month)
        spent = state is not None and state.quota_at is not None
        low = state is not None and state.sent >= (1 - RESERVE) * limit
        if not spent and (not low or urgent(row)):
            allowed.append(row.id)
        elif spent and take_probe(session, row.channel, row.bot, month, now, PROBE_EVERY):
            allowed.append(row.id)  # the hour's probe: does the quota still hold?
        elif row.kind != "reply" and _to_telegram(session, row):
            allowed.append(row.id)
        elif not urgent(row):
            row.status, row.error = DROPPED, "held back: the bot's monthly budget"
        else:
            probed = state.probed_at if spent and state.probed_at else now
            row.not_before = max(probed + PROBE_EVERY, now + timedelta(minutes=1))
    return allowed


def _to_telegram(session: Session, row: OutboxMessage) -> bool:
    if row.staff_id is None:
        return False
    account = session.scalar(select(Account).where(
        Account.staff_id == row.staff_id, Account.channel == TELEGRAM,
        Account.unreachable_at.is_(None)))
    if account is None:
        return False
    row.channel, row.chat_id, row.bot = TELEGRAM, account.chat_id, account.bot
    return True
