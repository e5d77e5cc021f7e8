"""Each bot's messages this month, counted in the database so every replica shares one
count: an atomic increment in the transaction that records the send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Account, BotMonth, SchoolBot

TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # the month turns at midnight, school time


def month_of(now: datetime) -> str:
    return now.astimezone(TZ).strftime("%Y-%m")


def local_month(now: datetime) -> int:
    return now.astimezone(TZ).month


@dataclass(frozen=True)
class Meter:
    """One bot's month, as the dashboard and /tiendo show it."""

    channel: str
    bot: str | None
    month: int
    used: int
    limit: int
    spent: bool  # the channel said so

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


def meter(session: Session, channel: str, bot: str | None, limit: int,
          now: datetime) -> Meter:
    row = bot_month(session, channel, bot, month_of(now))
    return Meter(channel, bot, local_month(now), row.sent if row else 0, limit,
                 row is not None and row.quota_at is not None)


def meters(session: Session, school_id: int, budgets: dict[str, int],
           now: datetime) -> list[Meter]:
    """The month's meter of each bot with a quota that the school's people use."""
    return [meter(session, channel, bot, limit, now)
            for channel, limit in sorted(budgets.items())
            for bot in school_bots(session, school_id, channel)]


def school_bots(session: Session, school_id: int, channel: str) -> list[str | None]:
    """The bots of `channel` the school's people are linked through (the default: None),
    and the school's own."""
    bots = set(session.scalars(select(Account.bot).where(Account.school_id == school_id,
                                                         Account.channel == channel)))
    own = session.scalar(select(SchoolBot.key).where(SchoolBot.school_id == school_id,
                                                     SchoolBot.channel == channel))
    return sorted(bots | ({own} if own else set()), key=lambda b: b or "")


def _where(channel: str, bot: str | None, month: str):
    return (BotMonth.channel == channel, BotMonth.bot == (bot or ""), BotMonth.month == month)


def bot_month(session: Session, channel: str, bot: str | None, month: str) -> BotMonth | None:
    return session.scalar(select(BotMonth).where(*_where(channel, bot, month)))


def _ensure(session: Session, channel: str, bot: str | None, month: str) -> None:
    if bot_month(session, channel, bot, month) is not None:
        return
    try:
        with session.begin_nested():
            session.add(BotMonth(channel=channel, bot=bot or "", month=month, sent=0))
    except IntegrityError:
        pass  # another replica made it first


def add_sent(session: Session, channel: str, bot: str | None, month: str,
             count: int) -> tuple[int, bool]:
    """Count `count` more messages: the month's total after them, and whether the quota
    was marked spent (messages went, so it is not any more)."""
    _ensure(session, channel, bot, month)
    total, spent = session.execute(update(BotMonth).where(*_where(channel, bot, month))
                                   .values(sent=BotMonth.sent + count)
                                   .returning(BotMonth.sent, BotMonth.quota_at)).one()
    return total, spent is not None


def _first(session: Session, channel: str, bot: str | None, month: str, *condition,
           **values) -> bool:
    _ensure(session, channel, bot, month)
    won = session.scalar(update(BotMonth).where(*_where(channel, bot, month), *condition)
                         .values(**values).returning(BotMonth.month))
    return won is not None


def warn_once(session: Session, channel: str, bot: str | None, month: str,
              now: datetime) -> bool:
    """True for the one caller that notes the month's warning first."""
    return _first(session, channel, bot, month, BotMonth.warned_at.is_(None), warned_at=now)


def quota_spent(session: Session, channel: str, bot: str | None, month: str,
                now: datetime) -> bool:
    """The channel said the month's quota is spent: True the first time this month."""
    return _first(session, channel, bot, month, BotMonth.quota_at.is_(None), quota_at=now,
                  probed_at=now)


def quota_back(session: Session, channel: str, bot: str | None, month: str) -> None:
    session.execute(update(BotMonth).where(*_where(channel, bot, month))
                    .values(quota_at=None, probed_at=None))


def take_probe(session: Session, channel: str, bot: str | None, month: str, now: datetime,
               every: timedelta) -> bool:
    """The one try allowed per `every` while the quota is spent: True for who takes it."""
    return _first(session, channel, bot, month, BotMonth.quota_at.is_not(None),
                  or_(BotMonth.probed_at.is_(None), BotMonth.probed_at <= now - every),
                  probed_at=now)
