"""Schools' own bots: which school talks through which bot, and each bot's webhook secret."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.clock import Clock
from core.errors import InputError
from storage.models import Account, OutboxMessage, School, SchoolBot
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


def bot_of_school(session: Session, school_id: int, channel: str) -> SchoolBot | None:
    return session.scalar(select(SchoolBot).where(SchoolBot.school_id == school_id,
                                                  SchoolBot.channel == channel))


def give_school_bot(session: Session, school: School, channel: str, key: str, token: str,
                    username: str | None, clock: Clock) -> SchoolBot:
    """The school talks through this bot from now on (instead of the one it had)."""
    taken = session.get(SchoolBot, key)
    if taken is not None and taken.school_id != school.id:
        raise InputError("bot_taken", username=username or key,
                         school=session.get(School, taken.school_id).code)
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


def _forget(session: Session, bot: SchoolBot) -> None:
    """Whoever talked through this bot is reached through the default bot again."""
    session.execute(update(Account).where(Account.bot == bot.key).values(bot=None))
    session.execute(update(School).where(School.board_bot == bot.key).values(board_bot=None))
    session.execute(update(OutboxMessage).where(OutboxMessage.bot == bot.key,
                                                OutboxMessage.status.in_((PENDING, SENDING)))
                    .values(bot=None))
    session.delete(bot)
    session.flush()
