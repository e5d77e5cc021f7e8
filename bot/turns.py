"""Running turns for every channel: different people's at the same time, one person's in
the order their messages came (in this process; across processes the conversation row lock
does it), and their replies sent in order behind them."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import DBAPIError

from core.messages import Fetch, Incoming, Reply, reply_to_body
from handlers.engine import Engine
from reminders.budget import record_quota, record_sent
from reminders.sender import Transport, file_not_sent, send_paced
from storage.db import writing
from storage.conversations import mark_answered
from storage.inbox import forget_update
from storage.outbox import mark_unreachable, queue_replies
from templates.render import Renderer
from templates.shaping import joined

log = logging.getLogger(__name__)

# A stranger is not answered when the bot has this many seconds of sends booked ahead, or
# their chat must wait longer than this.
BEST_EFFORT_BACKLOG = 0.2
BEST_EFFORT_CHAT_WAIT = 1.5


class NotHandled(Exception):
    """The turn could not run (the database stayed away): the update must come again."""


class Turns:
    def __init__(self, engine: Engine, renderer: Renderer) -> None:
        self.engine = engine
        self.renderer = renderer
        # Per person: their lock, and how many of their turns hold or wait for it.
        self._people: dict[tuple[str, str], list] = {}
        self._sending: set[asyncio.Task] = set()

    async def submit(self, incoming: Incoming, fetch: Fetch | None,
                     transport: Transport, kept: int | None = None) -> asyncio.Task:
        """Run the turn and return once it committed, with the task sending its replies
        (still ahead of this person's next turn): the caller confirms the update once they
        are out, so a process that dies in between answers again rather than never. `kept`,
        the update's inbox row, is forgotten in the transaction that records the turn
        answered (one write, not two). Raises NotHandled when the turn did not commit."""
        key = (incoming.channel, incoming.user_id)
        person = self._people.setdefault(key, [asyncio.Lock(), 0])
        person[1] += 1
        try:
            await person[0].acquire()
        except BaseException:
            self._leave(key, person, locked=False)
            raise
        try:
            replies = await self._run(incoming, fetch)
        except BaseException:
            self._leave(key, person)
            raise
        task = asyncio.create_task(self._send(key, person, transport, incoming, replies,
                                              kept))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        return task

    async def drain(self) -> None:
        """Wait for the replies still being sent (at shutdown)."""
        while self._sending:
            await asyncio.gather(*list(self._sending), return_exceptions=True)

    async def _run(self, incoming: Incoming, fetch: Fetch | None) -> list[Reply]:
        try:
            return await self.engine.handle(incoming, fetch)
        except DBAPIError as exc:
            log.error("turn for event %s not handled: the database did not answer",
                      incoming.event_id)
            raise NotHandled() from exc
        except Exception:
            # A fault in our code: the person hears so, and the update is not retried for
            # ever (it would fail the same way).
            log.exception("turn for event %s failed", incoming.event_id)
            return [Reply(self.renderer.text("chat/error.j2"))]

    async def _send(self, key: tuple[str, str], person: list, transport: Transport,
                    incoming: Incoming, replies: list[Reply], kept: int | None) -> None:
        chat_id = incoming.chat_id
        out = joined(replies)
        if out and all(r.best_effort for r in out):
            # A stranger's answers keep no order worth waiting for: their next message is
            # handled at once, and these go only if they can go soon.
            self._leave(key, person)
            for reply in out:
                try:
                    await self._try_once(transport, chat_id, reply)
                except Exception:
                    log.exception("an answer to a stranger failed")
            if kept is not None:
                await self._forget_alone(kept)
            return
        try:
            left: list[Reply] = []
            count, quota = 0, False
            for n, reply in enumerate(out):
                delivery = await send_paced(transport, chat_id, reply)
                count += delivery.count
                if delivery.outcome == "rejected" and reply.document is not None:
                    # The channel will not carry this file (too big, a type it refuses):
                    # the person is told where to get it instead of getting nothing.
                    log.warning("a file to chat %s was refused (%s); a sentence goes instead",
                                chat_id, delivery.error)
                    delivery = await send_paced(transport, chat_id,
                                                file_not_sent(self.renderer, reply.document[0]))
                    count += delivery.count
                if delivery.outcome == "blocked":
                    # As for a reminder: nothing more goes there until they write again.
                    await asyncio.to_thread(self._unreachable, incoming)
                if delivery.outcome != "sent":
                    log.warning("a reply to chat %s was not delivered (%s): %s", chat_id,
                                delivery.outcome, delivery.error)
                    if delivery.outcome in ("retry_after", "error", "quota"):
                        left = out[n:]  # the channel is away for now, not for good
                    quota = delivery.outcome == "quota"
                    break
            if incoming.event_id is not None and out:
                # (A turn that said nothing — a stranger silenced — has nothing to record.)
                await asyncio.to_thread(self._answered, incoming, left, transport, count,
                                        quota, kept)
                kept = None
        except Exception:
            log.exception("sending replies failed")
        finally:
            self._leave(key, person)
        if kept is not None:
            await self._forget_alone(kept)

    async def _forget_alone(self, kept: int) -> None:
        """The inbox row of a turn with nothing recorded answered (or whose record failed):
        left there, it would be swept and its turn run again."""
        try:
            await asyncio.to_thread(self._forget, kept)
        except Exception:
            log.exception("an answered update stayed in the inbox")

    def _forget(self, kept: int) -> None:
        with writing(self.engine.sessions) as session:
            forget_update(session, kept)

    async def _try_once(self, transport: Transport, chat_id: str, reply: Reply) -> None:
        """A stranger's answer: sent if the bot has no backlog and the chat is free, else
        dropped — never queued ahead of staff, never tried again."""
        limiter = transport.limiter
        if limiter.backlog() > BEST_EFFORT_BACKLOG or \
                limiter.chat_wait(chat_id) > BEST_EFFORT_CHAT_WAIT:
            log.info("an answer to a stranger dropped: the bot is busy")
            return
        await limiter.take(chat_id)
        delivery = await transport.deliver(chat_id, reply)
        if delivery.count and getattr(transport, "monthly_budget", None):
            await asyncio.to_thread(self._count, transport.caps.name, transport,
                                    delivery.count)
        if delivery.outcome != "sent":
            log.info("an answer to a stranger was not delivered (%s)", delivery.outcome)

    def _answered(self, incoming: Incoming, left: list[Reply], transport: Transport,
                  count: int, quota: bool, kept: int | None) -> None:
        """The turn's replies are out, or handed to the outbox when the channel kept refusing
        them: either way the update, if it comes again, is not answered again (only the one
        on the wire when a process dies can go out twice). What went out is counted against
        the bot's monthly budget in the same transaction."""
        with writing(self.engine.sessions) as session:
            limit = getattr(transport, "monthly_budget", None)
            now = self.engine.clock.now()
            if limit and count:
                transport.used = record_sent(session, self.renderer, incoming.channel,
                                             incoming.bot, count, limit, now)
            if limit and quota:
                record_quota(session, self.renderer, incoming.channel, incoming.bot, limit,
                             now)
            bodies = [reply_to_body(r) for r in left]
            if bodies and not queue_replies(session, incoming.channel, incoming.user_id,
                                            incoming.chat_id, incoming.bot,
                                            incoming.event_id, bodies,
                                            self.engine.clock.now()):
                log.warning("replies to event %s dropped: not a linked person's",
                            incoming.event_id)
            mark_answered(session, incoming.channel, incoming.event_id,
                          self.engine.clock.now())
            if kept is not None:
                forget_update(session, kept)

    def _count(self, channel: str, transport: Transport, count: int) -> None:
        with writing(self.engine.sessions) as session:
            transport.used = record_sent(session, self.renderer, channel,
                                         getattr(transport, "key", None), count,
                                         transport.monthly_budget, self.engine.clock.now())

    def _unreachable(self, incoming: Incoming) -> None:
        with writing(self.engine.sessions) as session:
            mark_unreachable(session, incoming.channel, incoming.chat_id,
                             self.engine.clock.now(), incoming.bot)

    def _leave(self, key: tuple[str, str], person: list, locked: bool = True) -> None:
        if locked:
            person[0].release()
        person[1] -= 1
        if person[1] == 0:
            self._people.pop(key, None)
