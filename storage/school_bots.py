"""Schools' own bots: which school talks through which bot, and each bot's webhook secret.

Telegram: one bot a school. Zalo: a pool. The Basic plan of the Zalo Bot Platform carries
50 users a bot (3 bots an account), so a school may have several Zalo bots; a person is
linked through a bot with room and keeps it. A school without Zalo bots of its own is in
the default pool: the deployment's bot (ZALO_BOT_TOKEN), whose users are counted across
every school it serves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import InputError
from storage.models import Account, OutboxMessage, School, SchoolBot, Setting
from storage.outbox import PENDING, SENDING


def school_bots(session: Session, channel: str) -> list[SchoolBot]:
    return list(session.scalars(select(SchoolBot).where(SchoolBot.channel == channel)
                                .order_by(SchoolBot.school_id)))


def bot_tokens(session: Session, channel: str) -> dict[str, tuple[str, str]]:
    """Each school bot's key: its token, and its school's code."""
    rows = session.execute(select(SchoolBot.key, SchoolBot.token, School.code)
                           .join(School, School.id == SchoolBot.school_id)
                           .where(SchoolBot.channel == channel))
    return {key: (token, code) for key, token, code in rows}


DEFAULT_NAME_SETTING = "zalo.bot_name"  # the default Zalo bot's name, as getMe gave it
POOL_WARN_AT = 0.9  # share of a pool's room taken when the board is told to add a bot


@dataclass(frozen=True)
class PoolBot:
    key: str | None  # None: the deployment's default bot
    name: str | None  # as people see it in Zalo
    users: int
    limit: int

    @property
    def room(self) -> int:
        return max(self.limit - self.users, 0)


def bot_users(session: Session, channel: str, key: str | None) -> int:
    """People linked through this bot (a person linked in two schools counts once)."""
    return session.scalar(select(func.count(func.distinct(Account.external_user_id)))
                          .where(Account.channel == channel,
                                 Account.bot.is_(None) if key is None else Account.bot == key)
                          ) or 0


def pool_of_school(session: Session, school_id: int, channel: str, limit: int,
                   default: bool = True) -> list[PoolBot]:
    """The bots a school's people are linked through: its own, else the deployment's
    default one (when there is one), each with its users."""
    own = session.scalars(select(SchoolBot).where(SchoolBot.school_id == school_id,
                                                  SchoolBot.channel == channel)
                          .order_by(SchoolBot.created_at, SchoolBot.key)).all()
    if own:
        return [PoolBot(b.key, b.username, bot_users(session, channel, b.key), limit)
                for b in own]
    if not default:
        return []
    name = session.scalar(select(Setting.value).where(Setting.key == DEFAULT_NAME_SETTING))
    return [PoolBot(None, name, bot_users(session, channel, None), limit)]


def roomiest(pool: list[PoolBot]) -> PoolBot | None:
    """The bot with the most room (the first added, between equals); None when all are
    full."""
    best = max(pool, key=lambda b: b.room, default=None)
    return best if best is not None and best.room > 0 else None


def spread(pool: list[PoolBot], count: int) -> list[str | None]:
    """The bot named on each of `count` invitations: each goes to the bot with the most
    room left once the invitations before it are counted (the first added, between
    equals), so a batch of invitations fills the pool evenly."""
    rooms = [b.room for b in pool]
    names: list[str | None] = []
    for _ in range(count):
        if not pool:
            names.append(None)
            continue
        best = max(range(len(pool)), key=lambda i: rooms[i])
        rooms[best] -= 1
        names.append(pool[best].name)
    return names


def pool_nearly_full(pool: list[PoolBot]) -> bool:
    room = sum(b.limit for b in pool)
    return bool(pool) and sum(b.users for b in pool) >= POOL_WARN_AT * room


def add_pool_bot(session: Session, school: School, channel: str, key: str, token: str,
                 name: str | None, clock: Clock) -> SchoolBot:
    """One more bot in the school's pool (or the same bot with a new token or name)."""
    taken = _not_elsewhere(session, school, key, "zalo_bot_taken", name=name or key)
    if taken is None:
        taken = SchoolBot(key=key, channel=channel, school_id=school.id,
                          created_at=clock.now())
        session.add(taken)
    taken.token, taken.username = token, name
    session.flush()
    return taken


def bot_of_school(session: Session, school_id: int, channel: str) -> SchoolBot | None:
    return session.scalar(select(SchoolBot).where(SchoolBot.school_id == school_id,
                                                  SchoolBot.channel == channel))


def give_school_bot(session: Session, school: School, channel: str, key: str, token: str,
                    username: str | None, clock: Clock) -> SchoolBot:
    """The school talks through this bot from now on (instead of the one it had)."""
    taken = _not_elsewhere(session, school, key, "bot_taken", username=username or key)
    if taken is None:
        previous = bot_of_school(session, school.id, channel)
        if previous is not None:
            _forget(session, previous)
        taken = SchoolBot(key=key, channel=channel, school_id=school.id, created_at=clock.now())
        session.add(taken)
    taken.token, taken.username = token, username
    session.flush()
    return taken


def take_school_bot(session: Session, school: School, channel: str) -> SchoolBot | None:
    """The school goes back to the deployment's default bot; returns the bot it had."""
    found = bot_of_school(session, school.id, channel)
    if found is not None:
        _forget(session, found)
    return found


def _not_elsewhere(session: Session, school: School, key: str, error: str,
                   **names: str) -> SchoolBot | None:
    """The bot stored under `key`, if any; `error` when another school has it."""
    taken = session.get(SchoolBot, key)
    if taken is not None and taken.school_id != school.id:
        raise InputError(error, school=session.get(School, taken.school_id).code, **names)
    return taken


def _forget(session: Session, bot: SchoolBot) -> None:
    """Whoever talked through this bot is reached through the default bot again."""
    session.execute(update(Account).where(Account.bot == bot.key).values(bot=None))
    session.execute(update(School).where(School.board_bot == bot.key).values(board_bot=None))
    session.execute(update(OutboxMessage).where(OutboxMessage.bot == bot.key,
                                                OutboxMessage.status.in_((PENDING, SENDING)))
                    .values(bot=None))
    session.delete(bot)
    session.flush()
