"""The conversation engine: one transaction per incoming message, whatever the channel.

A turn runs its database work in a worker thread, so other people's turns go on meanwhile;
the caller keeps one person's turns in order. A turn is all or nothing: it is retried while
the database is briefly away, and what it answered is kept with the record of the event so
that a redelivery gets the same answer and changes nothing."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.errors import FileRefused
from core.messages import (EVERYTHING, Attachment, Capabilities, Fetch, Incoming, Reply,
                           reply_from_body, reply_to_body)
from core.text import file_name, visible
from handlers import (
    board_chat,
    calendar_chat,
    evidence_chat,
    onboarding,
    overdue_chat,
    pause_chat,
    plan_upload,
    progress,
    reminder_actions,
    report_chat,
    task_list,
    update_flow,
    web_chat,
)
from handlers.dialogue import FILES, Command, Dialogue
from handlers.turn import Later, PlanRead, Turn
from handlers.typed import is_cancel, says_only, words_as
from storage.conversations import (
    HOLD_FILES,
    claim_event,
    earlier_replies,
    expired_files,
    held_files,
    hold_files,
    open_conversation,
    record_event,
    save_conversation,
    save_step,
)
from storage.db import writing, yield_writes
from storage.evidence_store import EvidenceStore
from storage.models import Account, Conversation, ProcessedEvent, School, Staff
from storage.staff_repo import is_board, linked_staff, mark_reachable
from templates.render import Renderer
from templates.shaping import shaped

log = logging.getLogger(__name__)

DIALOGUES = {d.flow: d for d in (update_flow.DIALOGUE, calendar_chat.DIALOGUE,
                                  pause_chat.DIALOGUE, report_chat.DIALOGUE,
                                  plan_upload.DIALOGUE)}
COMMANDS = (*task_list.COMMANDS, *progress.COMMANDS, *overdue_chat.COMMANDS,
            *evidence_chat.COMMANDS,
            *web_chat.COMMANDS, *onboarding.COMMANDS)
# What each command name opens or does: one place, from the declarations.
BY_COMMAND: dict[str, Dialogue | Command] = {
    **{name: c for c in COMMANDS for name in c.names},
    **{name: d for d in DIALOGUES.values() for name in d.commands}}
# Buttons that work with any dialogue open or none (a reminder's).
BUTTONS = reminder_actions.BUTTONS
HELD_FOLDER = "gui-truoc"  # photos sent before /capnhat, waiting for it
# Waits before trying a turn again while the database does not answer: about 30 s in all.
DB_RETRIES = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
# People who are not linked: this many messages a minute get an answer, then silence.
STRANGER_MESSAGES = 5
STRANGER_WINDOW = 60.0
# All strangers together: this many answers a second (after a burst), the rest unanswered,
# so a crowd of them cannot use the bot's own limit (30 a second on Telegram) for staff.
STRANGER_ANSWERS_PER_SECOND = 2.0
STRANGER_BURST = 10
# Strangers waiting for their turn at most; past this, their messages are dropped unread (a
# crowd guessing codes; who really links tries again and gets in once it has passed).
STRANGERS_WAITING = 20
# Strangers' database work runs on a thread of its own: a crowd of them never takes the
# threads staff's turns run on.
STRANGERS_THREAD = ThreadPoolExecutor(1, thread_name_prefix="strangers",
                                      initializer=yield_writes)
# A button's data we made ourselves: short, ASCII (a «³» is a digit to str.isdigit(), not
# to int()), and its numbers fit a database id.
SANE_CHOICE = re.compile(r"^(?!.*\d{10})[\w:.\-]{1,64}$", re.ASCII)


class _Redelivered(Exception):
    """The event was handled before: the turn's transaction is undone, its answer is the
    one kept then."""


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    kept_files: bool = False
    discarded: list[str] = field(default_factory=list)
    later: list[Later] = field(default_factory=list)  # only once the turn has committed
    stranger: bool = False
    linked: bool = False  # a stranger's turn that linked them


class Engine:
    def __init__(self, sessions: sessionmaker[Session], renderer: Renderer,
                 evidence: EvidenceStore, clock: Clock,
                 channels: dict[str, Capabilities] | None = None,
                 public_url: str | None = None) -> None:
        self.sessions = sessions
        self.renderer = renderer
        self.evidence = evidence
        self.clock = clock
        self.channels = channels or {}
        self.public_url = public_url
        self._strangers: dict[tuple[str, str], deque[float]] = {}
        self._stranger_tokens = float(STRANGER_BURST)
        self._stranger_refill = time.monotonic()
        self._strangers_lane = asyncio.Semaphore(1)
        self._strangers_waiting = 0
        self._strangers_thread = STRANGERS_THREAD
        self._staff: set[tuple[str, str]] | None = None  # loaded at the first message

    def caps(self, channel: str) -> Capabilities:
        return self.channels.get(channel, EVERYTHING)

    def budgets(self) -> dict[str, int]:
        """Channels whose bots have a monthly message quota: messages a month per bot."""
        return {name: caps.monthly_messages for name, caps in self.channels.items()
                if caps.monthly_messages}

    async def handle(self, msg: Incoming, fetch: Fetch | None = None) -> list[Reply]:
        _tidy(msg)
        if self._silenced(msg):
            return []
        if not msg.private or await self._known(msg):
            return await self._turn(msg, fetch, None)
        if self._strangers_waiting >= STRANGERS_WAITING:
            self._note_stranger(msg)
            return []
        # Someone we do not know: unless they are linking, nothing at all once the strangers'
        # budget is spent; their turns one at a time, so a crowd of them never holds the
        # threads and the database staff's turns need.
        if not onboarding.may_link(msg) and not self._stranger_budget(take=False):
            self._note_stranger(msg)
            return []
        self._strangers_waiting += 1
        try:
            async with self._strangers_lane:
                return await self._turn(msg, fetch, self._strangers_thread)
        finally:
            self._strangers_waiting -= 1

    async def _known(self, msg: Incoming) -> bool:
        return await self.is_staff(msg.channel, msg.user_id)

    async def is_staff(self, channel: str, user_id: str) -> bool:
        """Whether the sender is linked (kept once seen: it only picks the lane; every
        account linked when the process started is known from the start). Someone not seen
        yet is looked up on the strangers' thread, unless too many already wait there."""
        loop = asyncio.get_running_loop()
        if self._staff is None:
            self._staff = await loop.run_in_executor(None, self._linked_accounts)
        key = (channel, user_id)
        if key in self._staff:
            return True
        if key in self._strangers or self._strangers_waiting >= STRANGERS_WAITING:
            return False

        def look() -> bool:
            with self.sessions() as session:
                return bool(linked_staff(session, channel, user_id))
        self._strangers_waiting += 1
        try:
            known = await loop.run_in_executor(self._strangers_thread, look)
        finally:
            self._strangers_waiting -= 1
        if known:
            self._staff.add(key)  # at most every account there is
        return known

    def _linked_accounts(self) -> set[tuple[str, str]]:
        with self.sessions() as session:
            return set(session.execute(select(Account.channel, Account.external_user_id)
                                       .join(Staff, Staff.id == Account.staff_id)
                                       .where(Staff.active)).all())

    async def _turn(self, msg: Incoming, fetch: Fetch | None,
                    executor: ThreadPoolExecutor | None) -> list[Reply]:
        """The turn, its database work on `executor` (None: the default threads)."""
        caps = self.caps(msg.channel)
        stored: list[dict] = []
        problems: list[str] = []
        target = None
        if msg.attachments and fetch is not None:
            target = await asyncio.to_thread(self._download_target, msg)
            if target is not None:
                stored, problems = await self._download(msg.attachments, target, fetch, caps)
        try:
            plan_read = await self._read_plan(target, stored)
            outcome = await self._with_retries(msg, caps, stored, problems, plan_read,
                                               executor)
        except Exception:
            self._discard(stored)
            raise
        if not outcome.kept_files:
            self._discard(stored)
        for path in outcome.discarded:
            self.evidence.discard(path)
        for work in outcome.later:
            outcome.replies += shaped(await work(self.sessions, self.renderer, self.evidence),
                                      caps, self.renderer)
        if outcome.stranger:
            self._note_stranger(msg)
            if not self._stranger_budget():
                return []
            for reply in outcome.replies:
                reply.best_effort = True
        if outcome.linked:  # no stranger any more: what they send next is heard
            self._strangers.pop((msg.channel, msg.user_id), None)
            if self._staff is not None:
                self._staff.add((msg.channel, msg.user_id))
        return outcome.replies

    async def _with_retries(self, msg: Incoming, caps: Capabilities, stored: list[dict],
                            problems: list[str], plan_read: PlanRead | None = None,
                            executor: ThreadPoolExecutor | None = None) -> Outcome:
        loop = asyncio.get_running_loop()
        for delay in (*DB_RETRIES, None):
            try:
                return await loop.run_in_executor(executor, partial(
                    self._transaction, msg, caps, stored, problems, plan_read))
            except DBAPIError as exc:
                if delay is None or not _transient(exc):
                    raise
                log.warning("database unavailable (%s); turn retried in %.1f s",
                            type(exc.orig).__name__, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    # --- strangers ------------------------------------------------------------------------

    def _silenced(self, msg: Incoming) -> bool:
        sent = self._strangers.get((msg.channel, msg.user_id))
        if not sent:
            return False
        while sent and sent[0] < time.monotonic() - STRANGER_WINDOW:
            sent.popleft()
        return len(sent) >= STRANGER_MESSAGES

    def _stranger_budget(self, take: bool = True) -> bool:
        """Whether an answer to a stranger may go: a token bucket shared by all of them."""
        now = time.monotonic()
        self._stranger_tokens = min(float(STRANGER_BURST), self._stranger_tokens + (
            now - self._stranger_refill) * STRANGER_ANSWERS_PER_SECOND)
        self._stranger_refill = now
        if self._stranger_tokens < 1:
            return False
        if take:
            self._stranger_tokens -= 1
        return True

    def _note_stranger(self, msg: Incoming) -> None:
        sent = self._strangers.setdefault((msg.channel, msg.user_id), deque())
        sent.append(time.monotonic())
        if len(self._strangers) > 10_000:  # forget the ones whose minute is over
            horizon = time.monotonic() - STRANGER_WINDOW
            self._strangers = {k: v for k, v in self._strangers.items() if v and v[-1] > horizon}

    # --- inside the transaction -----------------------------------------------------------

    def _transaction(self, msg: Incoming, caps: Capabilities, stored: list[dict],
                     problems: list[str], plan_read: PlanRead | None = None) -> Outcome:
        try:
            with writing(self.sessions) as session:
                return self._handle_in(session, msg, caps, stored, problems, plan_read)
        except _Redelivered:
            log.info("redelivered event %s: answered again, not applied", msg.event_id)
            with self.sessions() as session:
                return Outcome([reply_from_body(r) for r in earlier_replies(
                    session, msg.channel, msg.event_id)])

    def _handle_in(self, session: Session, msg: Incoming, caps: Capabilities,
                   stored: list[dict], problems: list[str],
                   plan_read: PlanRead | None = None) -> Outcome:
        staff = linked_staff(session, msg.channel, msg.user_id)
        turn = Turn(session, msg, staff, None, self.renderer, self.clock, self.evidence, caps,
                    public_url=self.public_url, budgets=self.budgets(), plan_read=plan_read)
        if not msg.private:
            if msg.command == board_chat.REGISTER:
                board_chat.register(turn)
            elif msg.command:
                turn.say("chat/private_only.j2")
            return Outcome(self._shaped(turn))
        if not staff:
            linking = self._stranger(turn)
            replies = self._shaped(turn)
            if linking is not None and msg.event_id is not None:
                linking.replies = _kept(replies)  # a redelivery answers as this time did
            if linking is not None and linked_staff(session, msg.channel, msg.user_id):
                return Outcome(replies, linked=True)
            return Outcome(replies, stranger=True)
        mark_reachable(session, msg.channel, msg.user_id, msg.bot, self.clock.now())
        turn.conversation, before = open_conversation(session, msg.channel, msg.user_id,
                                                      self.clock)
        self._typed_choice(turn)
        kept = self._route(turn, stored, problems)
        turn.conversation.offered = _offered(turn.replies) or None
        save_conversation(session, turn.conversation, before)
        replies = self._shaped(turn)
        if not record_event(session, msg.channel, msg.event_id, self.clock, msg.user_id,
                            _kept(replies)):
            raise _Redelivered  # undoes all the above
        return Outcome(replies, kept, turn.discarded, turn.later)

    def _typed_choice(self, turn: Turn) -> None:
        """Typing the number or the words of a choice offered last picks it."""
        msg, offered = turn.msg, turn.conversation.offered or []
        if msg.text is None or msg.choice is not None or not offered:
            return
        said = words_as(msg.text, msg.text)
        for number, (label, data) in enumerate(offered, start=1):
            if said in (str(number), words_as(label, msg.text)):
                msg.choice, msg.text = data, None
                return

    def _shaped(self, turn: Turn) -> list[Reply]:
        return shaped(turn.replies, turn.caps, self.renderer)

    def _stranger(self, turn: Turn) -> ProcessedEvent | None:
        """Only linking is open to someone we do not know; nothing is written otherwise.
        A message that links is recorded as handled, like any turn of staff: returned, to
        keep its answer with; when it comes again it gets that answer and changes nothing."""
        msg = turn.msg
        if msg.command == "start" and msg.args.strip():
            link = onboarding.start
        elif msg.command is None and onboarding.looks_like_code(msg.text):
            link = partial(onboarding.redeem, code=msg.text.strip())
        elif msg.contact_phone is not None:
            link = onboarding.contact
        else:
            if msg.command in ("huongdan", "help"):
                turn.say("chat/help_stranger.j2")
            else:
                onboarding.ask_to_link(turn)
            return None
        event = claim_event(turn.session, msg.channel, msg.event_id, self.clock, msg.user_id)
        if event is None:
            turn.replies = [reply_from_body(r) for r in earlier_replies(
                turn.session, msg.channel, msg.event_id)]
        else:
            link(turn)
        return event

    def _route(self, turn: Turn, stored: list[dict], problems: list[str]) -> bool:
        """Apply the message to the dialogue the person is in, or to none, from the
        dialogues' and commands' declarations. Returns whether the downloaded files were
        kept."""
        msg, conversation = turn.msg, turn.conversation
        for item in expired_files(conversation, turn.clock):
            turn.discard(item["path"])
        dialogue = DIALOGUES.get(conversation.flow or "")
        if dialogue is not None and dialogue.step(conversation.step) is None:
            save_step(conversation, None, None, {}, turn.clock)  # a step no longer declared
            dialogue = None
        said = None if msg.choice is not None else msg.text
        if msg.command == "huy" or is_cancel(said, turn.renderer):
            if dialogue is not None:
                dialogue.cancel(turn)
            else:
                turn.say("chat/nothing_to_cancel.j2")
            return False
        command = msg.command or (None if dialogue else _typed_command(said, turn))
        if command:
            self._command(turn, dialogue, command)
        elif msg.contact_phone is not None:
            onboarding.contact(turn)
            self._resume(turn, dialogue)
        elif msg.choice is not None:
            self._button(turn, dialogue)
        elif msg.unsupported:
            turn.say("chat/unsupported.j2", kind=msg.unsupported,
                     upload=web_chat.upload_page(turn))
            self._resume(turn, dialogue)
        elif msg.attachments:
            return self._files(turn, dialogue, stored, problems)
        elif dialogue is not None:
            dialogue.step(conversation.step).answer(turn)
        else:
            turn.say("chat/idle.j2")
        return False

    def _command(self, turn: Turn, dialogue: Dialogue | None, command: str) -> None:
        """A command ends a short dialogue; mid-update it is answered and the question asked
        again; a command that opens another dialogue waits for the one open to end."""
        starts = BY_COMMAND.get(command)
        if dialogue is not None and dialogue.leaves:
            save_step(turn.conversation, None, None, {}, turn.clock)
            dialogue = None
        if dialogue is not None and isinstance(starts, Dialogue):
            turn.say(dialogue.busy)
            self._resume(turn, dialogue)
            return
        if isinstance(starts, Dialogue):
            starts.begin(turn)
        elif starts is not None:
            starts.run(turn)
        else:
            turn.say("chat/unknown_command.j2", command=command, updating=dialogue is not None)
        self._resume(turn, dialogue)

    def _button(self, turn: Turn, dialogue: Dialogue | None) -> None:
        """A button of the step asked answers it; a button of the dialogue open, or of one
        that works anywhere (a reminder's), is handled and the question asked again; any
        other is from an older message."""
        choice, conversation = turn.msg.choice, turn.conversation
        step = dialogue.step(conversation.step) if dialogue is not None else None
        if not SANE_CHOICE.match(choice):
            turn.say("chat/stale_button.j2")
            self._resume(turn, dialogue)
            return
        if step is not None and step.accepts(choice):
            step.answer(turn)
            return
        owner = next((d for d in DIALOGUES.values() if d.handles(choice)), None)
        anywhere = next((handle for callback, handle in BUTTONS
                         if callback.unpack(choice) is not None), None)
        if owner is not None and dialogue is not None and owner is not dialogue:
            if not dialogue.leaves:
                turn.say("chat/stale_button.j2")
                self._resume(turn, dialogue)
                return
            save_step(conversation, None, None, {}, turn.clock)
            dialogue = None
        before = (conversation.flow, conversation.step)
        if owner is not None:
            owner.button(turn)
        elif anywhere is not None:
            anywhere(turn)
        else:
            turn.say("chat/stale_button.j2")
        if (conversation.flow, conversation.step) == before:
            self._resume(turn, dialogue)

    def _files(self, turn: Turn, dialogue: Dialogue | None, stored: list[dict],
               problems: list[str]) -> bool:
        """Files go to the step that takes them; with no dialogue open, a plan file from the
        board is previewed and anything else is held for the next update."""
        for problem in problems:
            turn.say(f"chat/file_{problem}.j2", limit_mb=turn.caps.max_file_bytes // 2**20)
        step = dialogue.step(turn.conversation.step) if dialogue is not None else None
        if step is not None and FILES in step.takes:
            if not stored:
                step.ask(turn)
                return False
            step.files(turn, stored)
            return step.keeps_files
        if dialogue is not None and not dialogue.leaves:
            turn.say("chat/file_not_now.j2", updating=True)
            self._resume(turn, dialogue)
            return False
        if dialogue is not None:
            save_step(turn.conversation, None, None, {}, turn.clock)
        if all(plan_upload.is_plan_file(a) for a in turn.msg.attachments) and \
                self._board_school(turn.session, turn.msg) is not None:
            if stored:  # else it could not be downloaded: already said why
                plan_upload.receive(turn, self._board_school(turn.session, turn.msg),
                                    stored[0])
            return False
        if not stored:
            if not problems:
                turn.say("chat/file_not_now.j2", updating=False)
            return False
        if all(plan_upload.is_plan_file(a) for a in turn.msg.attachments):
            turn.say("chat/plan_board_only.j2")
        for item in hold_files(turn.conversation, stored, turn.clock):
            turn.discard(item["path"])
        turn.say("chat/files_held.j2", count=len(held_files(turn.conversation, turn.clock)),
                 minutes=int(HOLD_FILES.total_seconds() // 60))
        return True

    def _resume(self, turn: Turn, dialogue: Dialogue | None) -> None:
        """The question of the dialogue still open, asked again."""
        if dialogue is not None and turn.conversation.flow == dialogue.flow:
            dialogue.step(turn.conversation.step).ask(turn)

    # --- files, outside the transaction ---------------------------------------------------

    def _download_target(self, msg: Incoming) -> tuple[str, str] | None:
        """(school code, folder) when this file is wanted: at a step that takes files, where
        it says; with no dialogue open (or a short one, which a file ends), a plan file from
        the board, or any file a linked person sends, held for their next update."""
        with self.sessions() as session:
            conversation = session.scalar(select(Conversation).where(
                Conversation.channel == msg.channel,
                Conversation.external_user_id == msg.user_id))
            dialogue = DIALOGUES.get(conversation.flow or "") if conversation else None
            step = dialogue.step(conversation.step) if dialogue is not None else None
            if step is not None and FILES in step.takes and step.stores is not None:
                return step.stores(session, conversation.data, msg.attachments)
            if dialogue is not None and step is not None and not dialogue.leaves:
                return None
            board = self._board_school(session, msg)
            if board is not None and all(plan_upload.is_plan_file(a) for a in msg.attachments):
                return board.code, plan_upload.FOLDER
            member = next(iter(linked_staff(session, msg.channel, msg.user_id)), None)
            if member is None:
                return None
            return session.get(School, member.school_id).code, HELD_FOLDER

    async def _read_plan(self, target: tuple[str, str] | None,
                         stored: list[dict]) -> PlanRead | None:
        """A plan file downloaded to be previewed is read here, before the transaction: the
        turn then only writes what was read (handlers/plan_upload.receive)."""
        if target is None or target[1] != plan_upload.FOLDER or not stored:
            return None
        return await asyncio.to_thread(plan_upload.read_ahead, self.sessions, self.evidence,
                                       target[0], stored[0])

    def _board_school(self, session: Session, msg: Incoming) -> School | None:
        member = next((m for m in linked_staff(session, msg.channel, msg.user_id)
                       if is_board(m)), None)
        return session.get(School, member.school_id) if member else None

    async def _download(self, attachments: list[Attachment], target: tuple[str, str],
                        fetch: Fetch, caps: Capabilities) -> tuple[list[dict], list[str]]:
        stored, problems = [], []
        for attachment in attachments:
            if attachment.size and attachment.size > caps.max_file_bytes:
                problems.append("too_big")
                continue
            try:
                data = await fetch(attachment)
            except FileRefused as refused:
                problems.append(refused.reason)
                continue
            except Exception:
                log.exception("could not download a %s", attachment.kind)
                problems.append("failed")
                continue
            if len(data) > caps.max_file_bytes:
                problems.append("too_big")
                continue
            saved = await asyncio.to_thread(
                self.evidence.save, target[0], target[1], attachment.kind, data,
                attachment.file_name, attachment.mime_type, self.clock.now())
            stored.append(saved.to_dict())
        return stored, problems

    def _discard(self, stored: list[dict]) -> None:
        for item in stored:
            self.evidence.discard(item["path"])


def _tidy(msg: Incoming) -> None:
    """What a person typed, without the characters nobody types on purpose (a NUL breaks
    PostgreSQL's text); file names made safe to keep."""
    if msg.text is not None:
        msg.text = visible(msg.text)
    msg.args = visible(msg.args)
    msg.attachments = [Attachment(a.kind, a.ref, file_name(a.file_name), a.mime_type, a.size)
                       for a in msg.attachments]


def _transient(exc: DBAPIError) -> bool:
    """The database went away or is busy, as opposed to a query that is wrong."""
    return (exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError)))


def _offered(replies: list[Reply]) -> list[list[str]]:
    return [[b.label, b.data] for r in replies for row in r.buttons for b in row]


def _kept(replies: list[Reply]) -> list[dict]:
    """The replies kept with the record of an event, to answer its redelivery: not the
    files, too big to keep there."""
    return [reply_to_body(r, files=False) for r in replies
            if r.document is None and r.photo is None]


def _typed_command(text: str | None, turn: Turn) -> str | None:
    """A main command typed without its slash («cập nhật», «nhiệm vụ»): the whole message is
    one of its words (typed_words.j2)."""
    if not text:
        return None
    return next((name for name, target in BY_COMMAND.items()
                 if target.words and says_only(text, turn.renderer, target.words)), None)
