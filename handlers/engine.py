"""The conversation engine: one transaction per incoming message, whatever the channel."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers import (
    board_chat,
    calendar_chat,
    onboarding,
    overdue_chat,
    pause_chat,
    plan_upload,
    reminder_actions,
    report_chat,
    update_flow,
)
from core.messages import Attachment, Fetch, Incoming, Reply
from handlers.progress import show_progress
from templates.render import Renderer
from handlers.task_list import show_tasks
from handlers.turn import Turn
from core.clock import Clock
from storage.conversations import claim_event, lock_conversation, save_step
from storage.db import writing
from storage.evidence_store import EvidenceStore
from storage.models import Conversation, School, Task
from storage.staff_repo import is_board, linked_staff, mark_reachable

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
SHORT_FLOWS = {m.FLOW: m for m in (calendar_chat, pause_chat, report_chat)}


class Engine:
    def __init__(self, sessions: sessionmaker[Session], renderer: Renderer,
                 evidence: EvidenceStore, clock: Clock,
                 max_file_bytes: int = MAX_FILE_BYTES) -> None:
        self.sessions = sessions
        self.renderer = renderer
        self.evidence = evidence
        self.clock = clock
        self.max_file_bytes = max_file_bytes

    async def handle(self, msg: Incoming, fetch: Fetch | None = None) -> list[Reply]:
        stored: list[dict] = []
        problems: list[str] = []
        if msg.attachments and fetch is not None:
            target = self._download_target(msg)
            if target is not None:
                stored, problems = await self._download(msg.attachments, target, fetch)
        try:
            with writing(self.sessions) as session:
                turn, used = self._handle_in(session, msg, stored, problems)
        except Exception:
            self._discard(stored)
            raise
        if not used:
            self._discard(stored)
        return turn.replies if turn else []

    # --- inside the transaction -----------------------------------------------------------

    def _handle_in(self, session: Session, msg: Incoming, stored: list[dict],
                   problems: list[str]) -> tuple[Turn | None, bool]:
        staff = linked_staff(session, msg.channel, msg.user_id)
        turn = Turn(session, msg, staff, None, self.renderer, self.clock, self.evidence)
        if not msg.private:
            if msg.command == board_chat.REGISTER:
                board_chat.register(turn)
            elif msg.command:
                turn.say("chat/private_only.j2")
            return turn, False
        if not staff:
            self._stranger(turn)
            return turn, False
        if not claim_event(session, msg.channel, msg.event_id, self.clock):
            log.info("skipping redelivered event %s", msg.event_id)
            return None, False
        mark_reachable(session, msg.channel, msg.user_id)
        turn.conversation = lock_conversation(session, msg.channel, msg.user_id, self.clock)
        return turn, self._route(turn, stored, problems)

    def _stranger(self, turn: Turn) -> None:
        """Only linking is open to someone we do not know; nothing is written otherwise."""
        msg = turn.msg
        if msg.command == "start" and msg.args.strip():
            if claim_event(turn.session, msg.channel, msg.event_id, self.clock):
                onboarding.start(turn)
        elif msg.contact_phone is not None:
            if claim_event(turn.session, msg.channel, msg.event_id, self.clock):
                onboarding.contact(turn)
        elif msg.command in ("huongdan", "help"):
            turn.say("chat/help_stranger.j2")
        else:
            onboarding.ask_to_link(turn)

    def _route(self, turn: Turn, stored: list[dict], problems: list[str]) -> bool:
        """Returns whether the downloaded files were kept."""
        msg = turn.msg
        if turn.conversation.flow == plan_upload.FLOW:
            self._plan_confirmation(turn)
            return False
        if turn.conversation.flow in SHORT_FLOWS and self._short_flow(turn):
            return False
        step = turn.conversation.step if turn.conversation.flow == update_flow.FLOW else None
        if msg.command:
            self._command(turn, step)
        elif msg.contact_phone is not None:
            onboarding.contact(turn)
            self._resume(turn, step)
        elif msg.choice is not None:
            self._button(turn, step)
        elif msg.unsupported:
            turn.say("chat/unsupported.j2", kind=msg.unsupported)
            self._resume(turn, step)
        elif msg.attachments:
            return self._files(turn, step, stored, problems)
        elif step is not None:
            update_flow.answer(turn)
        else:
            turn.say("chat/idle.j2")
        return False

    def _files(self, turn: Turn, step: str | None, stored: list[dict],
               problems: list[str]) -> bool:
        """Files are kept only at the evidence step (and downloaded only then)."""
        for problem in problems:
            turn.say(f"chat/file_{problem}.j2", limit_mb=self.max_file_bytes // 2**20)
        if step is None and all(plan_upload.is_plan_file(a) for a in turn.msg.attachments):
            return self._plan_file(turn, stored)
        if step != "evidence":
            turn.say("chat/file_not_now.j2", updating=step is not None)
            self._resume(turn, step)
            return False
        if stored:
            update_flow.add_evidence(turn, stored)
            return True
        update_flow.prompt(turn)
        return False

    def _plan_file(self, turn: Turn, stored: list[dict]) -> bool:
        school = self._board_school(turn.session, turn.msg)
        if school is None:
            turn.say("chat/plan_board_only.j2")
            return False
        if not stored:
            return False  # could not be downloaded: already said why
        return plan_upload.receive(turn, school, stored[0])

    def _short_flow(self, turn: Turn) -> bool:
        """The calendar and pause dialogues take what is typed or pressed for them; any
        other command leaves them (False: route it as usual)."""
        flow = SHORT_FLOWS[turn.conversation.flow]
        msg = turn.msg
        if msg.command == "huy":
            flow.cancel(turn)
        elif msg.command or msg.contact_phone is not None or msg.attachments:
            save_step(turn.conversation, None, None, {}, turn.clock)
            return False
        elif msg.choice is not None and msg.choice.startswith("cal:"):
            calendar_chat.button(turn)
        elif msg.choice is not None and not msg.choice.startswith(flow.BUTTONS):
            turn.say("chat/stale_button.j2")
        elif msg.text or msg.choice:
            flow.answer(turn)
        else:
            flow.prompt(turn)
        return True

    def _plan_confirmation(self, turn: Turn) -> None:
        msg = turn.msg
        if msg.command == "huy":
            plan_upload.cancel(turn)
        elif msg.choice is not None and not msg.choice.startswith("plan:"):
            turn.say("chat/stale_button.j2")
            plan_upload.prompt(turn)
        elif msg.choice is not None or msg.text:
            plan_upload.answer(turn)
        else:
            plan_upload.prompt(turn)

    def _command(self, turn: Turn, step: str | None) -> None:
        command = turn.msg.command
        if command == "huy":
            if step is None:
                turn.say("chat/nothing_to_cancel.j2")
            else:
                update_flow.cancel(turn)
            return
        if command == "capnhat":
            if step is None:
                update_flow.begin(turn)
            else:
                turn.say("chat/already_updating.j2")
                update_flow.prompt(turn)
            return
        if command == "nhiemvu":
            show_tasks(turn)
        elif command in ("huongdan", "help"):
            turn.say("chat/help.j2", board=any(is_board(m) for m in turn.staff))
        elif command == "tiendo":
            show_progress(turn)
        elif command == "lich":
            calendar_chat.show(turn)
        elif command == "quahan":
            overdue_chat.show(turn)
        elif command in ("tamdung", "baocao"):
            if step is not None:
                turn.say("chat/already_updating.j2")
            elif command == "tamdung":
                pause_chat.begin(turn)
            else:
                report_chat.begin(turn)
        elif command == "start":
            onboarding.start(turn)
        else:
            turn.say("chat/unknown_command.j2", command=command, updating=step is not None)
        self._resume(turn, step)

    def _button(self, turn: Turn, step: str | None) -> None:
        choice = turn.msg.choice
        head, _, rest = choice.partition(":")
        if head == "cal" and step is None:
            calendar_chat.button(turn)
        elif head == "z":
            message_id, _, days = rest.partition(":")
            reminder_actions.snooze(turn, message_id, days)
            self._resume(turn, step)
        elif head == "r" and step is None:
            reminder_actions.start(turn, rest)
        elif choice == "again" or head in ("fix", "r"):
            if step is not None:
                turn.say("chat/already_updating.j2")
                update_flow.prompt(turn)
            elif choice == "again":
                update_flow.begin(turn)
            else:
                update_id = choice.removeprefix("fix:")
                if update_id.isdigit():
                    update_flow.begin_correction(turn, int(update_id))
                else:
                    turn.say("chat/stale_button.j2")
        elif step is not None and update_flow.accepts_button(step, choice):
            update_flow.answer(turn)
        else:
            turn.say("chat/stale_button.j2")
            self._resume(turn, step)

    def _resume(self, turn: Turn, step: str | None) -> None:
        if step is not None:
            update_flow.prompt(turn)

    # --- files, outside the transaction ---------------------------------------------------

    def _download_target(self, msg: Incoming) -> tuple[str, str] | None:
        """(school code, folder) when this file is wanted: evidence at the evidence step,
        or a plan file from the board when nothing else is going on."""
        with self.sessions() as session:
            conversation = session.scalar(select(Conversation).where(
                Conversation.channel == msg.channel,
                Conversation.external_user_id == msg.user_id))
            step = conversation.step if conversation else None
            if step == "evidence":
                task = session.get(Task, conversation.data.get("task_id"))
                if task is None:
                    return None
                return session.get(School, task.school_id).code, task.criterion.code
            if step is None and all(plan_upload.is_plan_file(a) for a in msg.attachments):
                school = self._board_school(session, msg)
                if school is not None:
                    return school.code, plan_upload.FOLDER
        return None

    def _board_school(self, session: Session, msg: Incoming) -> School | None:
        member = next((m for m in linked_staff(session, msg.channel, msg.user_id)
                       if is_board(m)), None)
        return session.get(School, member.school_id) if member else None

    async def _download(self, attachments: list[Attachment], target: tuple[str, str],
                        fetch: Fetch) -> tuple[list[dict], list[str]]:
        stored, problems = [], []
        for attachment in attachments:
            if attachment.size and attachment.size > self.max_file_bytes:
                problems.append("too_big")
                continue
            try:
                data = await fetch(attachment)
            except Exception:
                log.exception("could not download %s", attachment.ref)
                problems.append("failed")
                continue
            if len(data) > self.max_file_bytes:
                problems.append("too_big")
                continue
            saved = self.evidence.save(target[0], target[1], attachment.kind, data,
                                       attachment.file_name, attachment.mime_type,
                                       self.clock.now())
            stored.append(saved.to_dict())
        return stored, problems

    def _discard(self, stored: list[dict]) -> None:
        for item in stored:
            self.evidence.discard(item["path"])
