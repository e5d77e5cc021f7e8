"""Linking on a channel whose bots carry a limited number of people (Zalo: 50 a bot on the
Basic plan). A person is linked through the bot they wrote to only while it has room and
belongs to their school's pool; otherwise they are told which bot to write to, or that
every bot is full. When a pool is nearly full (POOL_WARN_AT), the board is told once how to
add a bot, before anyone is turned away."""

from __future__ import annotations

from sqlalchemy import select

from core.messages import Reply, reply_to_body
from handlers.turn import Turn
from reminders.state import addresses
from storage.linking import invited_school
from storage.models import Account, OutboxMessage, School, Staff
from storage.outbox import PENDING, add_message
from storage.school_bots import PoolBot, pool_nearly_full, pool_of_school, roomiest
from storage.staff_repo import is_board


def room_to_link(turn: Turn, code: str) -> bool:
    """True when linking may go on; otherwise the person was told why not."""
    limit, msg = turn.caps.users_per_bot, turn.msg
    if limit is None:
        return True
    school_id = invited_school(turn.session, code)
    if school_id is None or _already_here(turn):
        return True  # a wrong code is answered as it is; a person keeps their bot
    pool = pool_of_school(turn.session, school_id, msg.channel, limit)
    here = next((b for b in pool if b.key == msg.bot), None)
    if here is not None and here.room > 0:
        return True
    other = roomiest(pool)
    if other is not None:
        turn.say("chat/pool_write_to.j2", bot=other.name)
    else:
        turn.say("chat/pool_full.j2")
        warn_board(turn, school_id, pool)
    return False


def after_linking(turn: Turn, school_ids: list[int]) -> None:
    """A pool that has just come near its limit: the board is told how to add a bot."""
    limit = turn.caps.users_per_bot
    if limit is None:
        return
    for school_id in school_ids:
        pool = pool_of_school(turn.session, school_id, turn.msg.channel, limit)
        if pool_nearly_full(pool):
            warn_board(turn, school_id, pool)


def warn_board(turn: Turn, school_id: int, pool: list[PoolBot]) -> None:
    """Once for each size of the pool: a bot added makes room, and a warning again when
    that fills up too. To the board's group, else to each board member."""
    school = turn.session.get(School, school_id)
    room = sum(b.limit for b in pool)
    reply = Reply(turn.renderer.text(
        "chat/pool_nearly_full.j2", school=school.code, users=sum(b.users for b in pool),
        room=room, bots=len(pool), full=roomiest(pool) is None, channel=turn.msg.channel))
    now = turn.clock.now()
    if school.board_chat_id:
        reach = {None: (school.board_channel, school.board_chat_id, school.board_bot)}
    else:
        board = {m.id for m in turn.session.scalars(
            select(Staff).where(Staff.school_id == school_id, Staff.active)) if is_board(m)}
        reach = {staff_id: (a.channel, a.chat_id, a.bot)
                 for staff_id, a in addresses(turn.session, school_id).items()
                 if staff_id in board}
    for staff_id, (channel, chat_id, bot) in reach.items():
        add_message(turn.session, OutboxMessage(
            school_id=school_id, key=f"pool:{turn.msg.channel}:{school_id}:{room}:"
            f"{staff_id or 'group'}", kind="notice", period=f"pool:{room}", staff_id=staff_id,
            channel=channel, chat_id=chat_id, bot=bot, due_at=now, not_before=now,
            status=PENDING, task_ids=[], criteria=[], body=reply_to_body(reply), attempts=0,
            created_at=now))


def _already_here(turn: Turn) -> bool:
    msg = turn.msg
    bot = Account.bot.is_(None) if msg.bot is None else Account.bot == msg.bot
    return turn.session.scalar(select(Account.id).where(
        Account.channel == msg.channel, Account.external_user_id == msg.user_id, bot)
        .limit(1)) is not None
