"""The engine as a state machine: people of two schools and strangers send commands, words,
files, contacts and button presses (the ones offered, old ones and forged ones) in any
order, while the bot restarts, dies in the middle of a turn and gets updates again. After
every step nobody has seen an error, another school's task or (a teacher) another person's
task, and the database is whole: every update has its author and criterion, the task's
status is its newest update's, every conversation is at a step its flow knows, no update
came twice. The world and the rules checked are in tests/engine_model.py.

Runs on the suite's database: SQLite, or PostgreSQL with CAITIEN_TEST_DATABASE_URL. The same
examples every run; CAITIEN_FUZZ_EXAMPLES=500 runs more of them, CAITIEN_FUZZ_STEPS=100
longer ones, CAITIEN_FUZZ_RANDOM=1 new ones each run."""

from __future__ import annotations

import asyncio
import copy
import itertools
import os
import shutil
from datetime import datetime, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from bot.telegram.adapter import COMMANDS, UNSUPPORTED
from core.clock import FixedClock
from core.errors import FileRefused
from core.messages import Attachment, Incoming, Reply
from handlers import plan_upload, update_flow
from handlers.engine import DIALOGUES, Engine
from storage.db import session_factory
from storage.evidence_store import EvidenceStore
from storage.models import (
    Conversation,
    OutboxMessage,
    ProcessedEvent,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
)
from storage.staff_repo import linked_staff
from templates.render import Renderer
from tests.conftest import TEST_CHANNELS, empty_database
from tests.engine_model import (
    PEOPLE,
    PHONES,
    Someone,
    build_world,
    inconsistencies,
    known_steps,
    leaks,
    plan_csv,
    read_plans,
    snapshot,
)

EXAMPLES = int(os.environ.get("CAITIEN_FUZZ_EXAMPLES", "40"))
STEPS = int(os.environ.get("CAITIEN_FUZZ_STEPS", "40"))
START = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)
STEPS_KNOWN = known_steps()
ERROR = Renderer().text("chat/error.j2")  # what bot/turns.py says when a turn fails

# --- what people send ----------------------------------------------------------------------

people = st.sampled_from(PEOPLE)
commands = st.one_of(st.sampled_from((*COMMANDS, "help", "dangky")),
                     st.from_regex(r"[a-zA-Z_]{1,12}", fullmatch=True))
# What the dialogues ask for, typed: numbers of choices, option words, dates, names, …
TYPED = ("1", "2", "3", "9", "0", "-1", "2.", "số 2", "xong", "hoàn thành", "đang làm",
         "chậm", "chưa", "bỏ qua", "ok", "lưu", "làm lại", "hủy", "đồng ý", "nhập", "excel",
         "1.3", "2.2", "4 1", "a03", "kiểm kê", "Đã họp tổ, có biên bản.",
         "01/02/2027 - 12/02/2027 Nghỉ Tết", "20/11/2026", "15/1", "5/9 15/1 31/5",
         "15 8:30", "Khoa", "Nguyễn Thị Minh Hạnh", "0901234506", "31/02/2027", "1/1/1900",
         "  ", "\x00", "\u200b")
texts = st.one_of(
    st.sampled_from(TYPED),
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
            max_size=200),
    st.just("Đã làm rất nhiều việc. " * 500),  # longer than an answer may be
)
args = st.one_of(st.just(""), st.sampled_from(TYPED), st.text(max_size=20))
files = st.fixed_dictionaries({
    "kind": st.sampled_from(("photo", "document")),
    "data": st.binary(min_size=1, max_size=32),
    "name": st.sampled_from((None, "bien-ban.pdf", "anh.jpg", "=cmd|' /C calc'!A0.xlsx",
                             "../../etc/passwd", "ke-hoach.csv", "plan.docx", "x" * 400)),
    "mime": st.sampled_from((None, "image/jpeg", "application/pdf", "text/csv")),
    # The size the channel announces: as sent, missing, or more than the bot may fetch.
    "size": st.sampled_from(("real", None, 2 * 1024 * 1024)),
    # How fetching it goes: fine, refused by the adapter, or broken.
    "fetch": st.sampled_from(("ok", "ok", "ok", "not_photo", "broken")),
})
FORGED = st.one_of(
    st.text(max_size=70),
    st.from_regex(r"(task|status|ev|confirm|fix|r|z|cal|pause|rp|plan):[\w:]{0,12}",
                  fullmatch=True),
    st.sampled_from(("again", "cal:holiday", "cal:remove", "cal:drop:0", "cal:drop:99",
                     "rp:year", "rp:range", "plan:import", "plan:excel", "status:done",
                     "status:nope", "ev:done", "ev:skip", "confirm:save", "confirm:redo",
                     "fix:", "r:", "z:1:2", "task:0", "fix:³", "fix:" + "9" * 30,
                     "pause:resume:" + "9" * 30, "pause:pick:٣")),
)
# What a person who follows the dialogue types where it asks for words.
ANSWERS = {
    ("update", "done_text"): ("Đã họp tổ, có biên bản.", "Đã kiểm kê 3 phòng học."),
    ("update", "reason"): ("Chờ kinh phí của phường.",),
    ("calendar", "holiday"): ("01/02/2027 - 12/02/2027 Nghỉ Tết", "20/11/2026 Nhà giáo"),
    ("calendar", "dates"): ("5/9 15/1 31/5",),
    ("calendar", "checkin"): ("15 8:30",),
    ("pause", "who"): ("Khoa", "Phạm Quốc Bảo", "0901234507", "Lan"),
    ("pause", "until"): ("20/12/2026", "15/1"),
    ("report", "range"): ("01/09/2026 - 31/12/2026",),
}
# The choices that take a dialogue to its end, where there are others.
FORWARD = ("confirm:save", "ev:done", "ev:skip", "plan:import", "rp:year", "rp:hk1")
# How they start one, when none is going on.
STARTS = ("/capnhat", "/capnhat", "/capnhat", "reminder", "/baocao", "/tamdung", "/lich",
          "plan file")


class Crash(Exception):
    """The process dies in the middle of a turn, before it commits."""


class EngineStates(RuleBasedStateMachine):
    def __init__(self, db, renderer: Renderer, evidence_root, plans) -> None:
        super().__init__()
        empty_database(db)
        shutil.rmtree(evidence_root, ignore_errors=True)
        self.db = db
        self.sessions = session_factory(db)
        self.renderer = renderer
        self.clock = FixedClock(START)
        self.evidence = EvidenceStore(evidence_root)
        with self.sessions.begin() as session:
            self.world = build_world(session, plans, self.clock)
        self.loop = asyncio.new_event_loop()
        self.engine = self.new_engine()
        self.events = itertools.count(1)
        self.files: dict[str, tuple[bytes, str]] = {}  # ref → (bytes, how fetching goes)
        self.delivered: list[tuple[Someone, Incoming]] = []  # as first sent, to send again
        self.following: Someone | None = None  # who followed the dialogue last
        self.answers: dict[tuple[str, str], list] = {}  # event → what handling it answered
        # person → the data of every button they were ever offered (the reminder's too)
        self.seen: dict[str, list[str]] = {k: list(v) for k, v in self.world.reminders.items()}

    def teardown(self) -> None:
        self.loop.close()

    def new_engine(self) -> Engine:
        return Engine(self.sessions, self.renderer, self.evidence, self.clock,
                      channels=TEST_CHANNELS, public_url="https://caitien.example")

    # --- sending -------------------------------------------------------------------------

    def incoming(self, who: Someone, group: bool = False, **fields) -> Incoming:
        return Incoming(channel=who.channel, user_id=who.user_id,
                        chat_id=f"-100{who.user_id}" if group else who.user_id,
                        event_id=f"e{next(self.events)}", private=not group, **fields)

    def send(self, who: Someone, group: bool = False, **fields) -> list[Reply]:
        incoming = self.incoming(who, group, **fields)
        self.delivered.append((who, copy.deepcopy(incoming)))
        return self.deliver(who, incoming)

    def deliver(self, who: Someone, incoming: Incoming) -> list[Reply]:
        """One turn, and what it must not do to the person it answers."""
        with self.sessions() as session:
            newest = session.scalar(select(func.max(TaskUpdate.id))) or 0
            known = linked_staff(session, who.channel, who.user_id)
        handled = self.handled(incoming)
        replies = self.loop.run_until_complete(self.engine.handle(incoming, self.fetch))
        assert all(r.text != ERROR for r in replies)
        # (A redelivery is answered with what was kept of the first answer, which is
        # checked in `redeliver`: the files of a report are not kept.)
        assert replies or handled or not known or not incoming.private, "staff got no answer"
        if not handled:
            self.answers[(incoming.channel, incoming.event_id)] = _said(replies)
        if incoming.private:
            self.seen.setdefault(who.key, []).extend(self.button_data(replies))
        with self.sessions() as session:
            staff = linked_staff(session, who.channel, who.user_id)
            found = leaks(session, staff, [r.text for r in replies], self.button_data(replies))
            assert not found, f"{who.key} was shown {found}:\n{_transcript(replies)}"
            saved = session.scalars(select(TaskUpdate).where(TaskUpdate.id > newest)).all()
            assert len(saved) <= 1, "one message saved two updates"
            for update in saved:  # by the person who wrote, on a task of theirs
                assert update.author_id in {m.id for m in staff}
                assert session.scalar(select(TaskOwner.id).where(
                    TaskOwner.task_id == update.task_id,
                    TaskOwner.staff_id == update.author_id)) is not None
        return replies

    def handled(self, incoming: Incoming) -> bool:
        """Whether the engine has the record of this event: it was handled, not only seen."""
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(ProcessedEvent).where(
                ProcessedEvent.channel == incoming.channel,
                ProcessedEvent.event_id == incoming.event_id)) > 0

    async def fetch(self, attachment: Attachment) -> bytes:
        data, how = self.files[attachment.ref]
        if how == "not_photo":
            raise FileRefused("not_photo")
        if how == "broken":
            raise ConnectionError("the channel did not hand the file over")
        return data

    @staticmethod
    def button_data(replies: list[Reply]) -> list[str]:
        return [b.data for r in replies for row in r.buttons for b in row]

    def conversation(self, who: Someone) -> tuple[str | None, str | None, list[list[str]]]:
        """The flow and step the person is at, and [label, data] of the choices offered
        last, as the engine keeps them: pressing one, or typing its number, picks it."""
        with self.sessions() as session:
            conversation = session.scalar(select(Conversation).where(
                Conversation.channel == who.channel,
                Conversation.external_user_id == who.user_id))
            if conversation is None:
                return None, None, []
            return conversation.flow, conversation.step, conversation.offered or []

    def offered(self, who: Someone) -> list[list[str]]:
        return self.conversation(who)[2]

    def offers(self) -> dict[str, list[list[str]]]:
        """Everyone's `offered`, in one query."""
        with self.sessions() as session:
            found = {(channel, user): offered or [] for channel, user, offered in
                     session.execute(select(Conversation.channel,
                                            Conversation.external_user_id,
                                            Conversation.offered))}
        return {p.key: found.get((p.channel, p.user_id), []) for p in PEOPLE}

    def press(self, who: Someone, number: int, offered: list[list[str]]) -> None:
        """The choice listed `number`th: its button, or typed where there are none."""
        if TEST_CHANNELS[who.channel].buttons:
            self.send(who, choice=offered[number - 1][1])
        else:
            self.send(who, text=str(number))

    # --- rules: what people do -------------------------------------------------------------

    @rule(who=people, command=commands, args=args)
    def send_command(self, who, command, args):
        self.send(who, command=command, args=args)

    @rule(who=people, words=texts)
    def send_text(self, who, words):
        self.send(who, text=words)

    @rule(who=people, file=files)
    def send_file(self, who, file):
        size = len(file["data"]) if file["size"] == "real" else file["size"]
        self.send_attachment(who, file["kind"], file["data"], file["name"], file["mime"], size,
                             file["fetch"])

    @rule(who=people, variant=st.booleans())
    def send_plan_file(self, who, variant):
        """The school's plan as a document: the board gets a preview to import or cancel."""
        self.send_attachment(who, "document", plan_csv(who.letter, variant), "ke-hoach.csv",
                             "text/csv")

    def send_attachment(self, who: Someone, kind: str, data: bytes, name: str | None,
                        mime: str | None, size: int | None = None, fetch: str = "ok") -> None:
        ref = f"f{len(self.files) + 1}"
        self.files[ref] = (data, fetch)
        self.send(who, attachments=[Attachment(kind, ref, name, mime, size)])

    @rule(who=people, data=st.data())
    def follow_the_dialogue(self, who, data):
        """A few messages from one person doing what the bot asks: starting something when
        nothing is going on, pressing (or typing the number of) a choice offered, typing
        what a step asks for, sending a photo at the evidence step."""
        self.following = who
        for _ in range(data.draw(st.integers(2, 12), label="moves")):
            self.answer_as_asked(who, data)

    @precondition(lambda self: self.following is not None)
    @rule(data=st.data())
    def keep_following_it(self, data):
        """The person who followed the dialogue last goes on, whatever happened meanwhile."""
        self.follow_the_dialogue(self.following, data)

    def answer_as_asked(self, who: Someone, data) -> None:
        flow, step, offered = self.conversation(who)
        words = ANSWERS.get((flow, step))
        if words and (not offered or data.draw(st.booleans())):
            self.send(who, text=data.draw(st.sampled_from(words)))
        elif step == "evidence" and data.draw(st.booleans()):
            self.send_attachment(who, "photo", data.draw(st.binary(min_size=1, max_size=8)),
                                 None, "image/jpeg")
        elif offered:
            # Any choice, but mostly the one that gets the job done.
            forward = [n for n, (_, d) in enumerate(offered, 1) if d in FORWARD]
            self.press(who, data.draw(st.sampled_from([*range(1, len(offered) + 1),
                                                       *forward * 3])), offered)
        else:
            start = data.draw(st.sampled_from(STARTS))
            reminder = [d for d in self.world.reminders.get(who.key, []) if d.startswith("r:")]
            if start == "plan file":
                self.send_plan_file(who, data.draw(st.booleans()))
            elif start == "reminder" and reminder:
                self.send(who, choice=data.draw(st.sampled_from(reminder)))
            elif start.startswith("/"):
                self.send(who, command=start[1:])
            else:
                self.send(who, command="capnhat")

    @precondition(lambda self: any(self.offers().values()))
    @rule(data=st.data())
    def press_offered(self, data):
        """Any of the choices someone was offered last."""
        offers = self.offers()
        who = data.draw(st.sampled_from([p for p in PEOPLE if offers[p.key]]))
        offered = offers[who.key]
        self.press(who, data.draw(st.integers(1, len(offered))), offered)

    @precondition(lambda self: any(self.seen.values()))
    @rule(data=st.data())
    def press_old_button(self, data):
        """A button of an earlier message (or the reminder's), pressed now."""
        who = data.draw(st.sampled_from([p for p in PEOPLE if self.seen.get(p.key)]))
        self.send(who, choice=data.draw(st.sampled_from(self.seen[who.key])))

    @rule(who=people, data=st.data())
    def press_forged_button(self, who, data):
        """Random data; a button someone else was offered; or one made up as the bot makes
        them, naming any task, update, reminder or staff member (another school's too)."""
        others = [d for key, seen in self.seen.items() if key != who.key for d in seen]
        forged = st.one_of(FORGED, st.sampled_from(self.made_up_buttons()),
                           *([st.sampled_from(others)] if others else []))
        self.send(who, choice=data.draw(forged))

    def made_up_buttons(self) -> list[str]:
        with self.sessions() as session:
            ids = {model: session.scalars(select(model.id)).all()
                   for model in (Task, TaskUpdate, OutboxMessage, Staff)}
        return [*(f"task:{i}" for i in ids[Task]), *(f"fix:{i}" for i in ids[TaskUpdate]),
                *(f"{kind}:{i}" for i in ids[OutboxMessage] for kind in ("r", "z")),
                *(f"z:{i}:7" for i in ids[OutboxMessage]),
                *(f"pause:{kind}:{i}" for i in ids[Staff] for kind in ("resume", "pick"))]

    @rule(who=people, phone=st.sampled_from(PHONES), own=st.booleans())
    def share_contact(self, who, phone, own):
        self.send(who, contact_phone=phone, contact_user_id=who.user_id if own else "777")

    @rule(who=people, data=st.data())
    def send_invitation_code(self, who, data):
        code = data.draw(st.one_of(st.sampled_from(self.world.codes),
                                   st.from_regex(r"[A-Z0-9]{4}-[A-Z0-9]{4}", fullmatch=True)))
        code = data.draw(st.sampled_from((code, code.lower(), code.replace("-", " "))))
        if data.draw(st.booleans()):
            self.send(who, command="start", args=code)
        else:
            self.send(who, text=code)

    @rule(who=people, kind=st.sampled_from(UNSUPPORTED))
    def send_unsupported(self, who, kind):
        self.send(who, unsupported=kind)

    @rule(who=people, command=st.one_of(st.just("dangky"), commands), words=texts)
    def write_in_a_group(self, who, command, words):
        self.send(who, group=True, command=command)
        self.send(who, group=True, text=words)

    @rule(seconds=st.sampled_from((0, 1, 61, 3600, 3 * 86400)))
    def time_passes(self, seconds):
        self.clock.advance(seconds=seconds)

    # --- rules: what the runtime does ------------------------------------------------------

    @rule()
    def restart(self):
        """A new process: whatever a person was doing lives in the database."""
        self.engine = self.new_engine()

    @precondition(lambda self: self.delivered)
    @rule(data=st.data())
    def redeliver(self, data):
        """An update comes again (the process died before confirming it, most often one of
        the last few): if it was handled, it gets the same answer and changes nothing."""
        recent = data.draw(st.booleans())
        who, first = data.draw(st.sampled_from(self.delivered[-3:] if recent else self.delivered))
        handled = self.handled(first)
        before = snapshot(self.db)
        replies = self.deliver(who, copy.deepcopy(first))
        if handled:
            assert snapshot(self.db) == before, "a redelivered update changed the database"
            assert _said(replies) == self.answers[(first.channel, first.event_id)], \
                "a redelivered update was not answered as the first time"

    @rule(who=people, data=st.data())
    def die_in_the_middle_of_a_turn(self, who, data):
        """The process dies before the turn commits: nothing of it is written, no file of it
        is kept; after the restart the update comes again and is handled in full."""
        kind = data.draw(st.sampled_from(("text", "command", "file", "offered")))
        offered = self.offered(who)
        if kind == "text":
            incoming = self.incoming(who, text=data.draw(texts))
        elif kind == "command":
            incoming = self.incoming(who, command=data.draw(commands))
        elif kind == "offered" and offered:
            incoming = self.incoming(who, choice=data.draw(st.sampled_from(offered))[1])
        else:
            ref = f"f{len(self.files) + 1}"
            self.files[ref] = (data.draw(st.binary(min_size=1, max_size=16)), "ok")
            incoming = self.incoming(who, attachments=[Attachment("photo", ref, None,
                                                                  "image/jpeg", None)])
        first = copy.deepcopy(incoming)
        before, files_before = snapshot(self.db), self.files_on_disk()

        def die(_turn):
            raise Crash()

        self.engine._shaped = die  # the last thing a turn does before it commits
        try:
            self.loop.run_until_complete(self.engine.handle(incoming, self.fetch))
        except Crash:
            pass
        else:
            assert who.phone is None, "a linked person's turn never reached its end"
        assert snapshot(self.db) == before, "a turn that died left some of its writes"
        assert self.files_on_disk() == files_before, "a turn that died left its files"
        self.engine = self.new_engine()
        self.delivered.append((who, first))
        self.deliver(who, copy.deepcopy(first))

    def files_on_disk(self) -> set[str]:
        """The evidence files; not the copies of imported plans, which an import that dies
        may leave behind, as plan_upload._import says it may (a stray copy, never a missing
        one)."""
        return {p.as_posix() for p in self.evidence.root.rglob("*")
                if p.is_file() and p.parent.name != plan_upload.FOLDER}

    # --- after every step --------------------------------------------------------------------

    @invariant()
    def the_database_is_whole(self):
        with self.sessions() as session:
            found = inconsistencies(session, self.evidence.root, STEPS_KNOWN)
        assert not found, "\n".join(found)


def _said(replies: list[Reply]) -> list[tuple]:
    """What a redelivery must answer again: the text and buttons of every reply but the
    files, which the record of an event does not keep."""
    return [(r.text, [[b.data for b in row] for row in r.buttons]) for r in replies
            if r.document is None and r.photo is None]


def _transcript(replies: list[Reply]) -> str:
    return "\n---\n".join(f"{r.text}\n{[b.data for row in r.buttons for b in row]}"
                          for r in replies)


def test_the_engine_as_a_state_machine(db, renderer, tmp_path):
    plans = read_plans(tmp_path)  # the plan each school starts with, as imported
    run_state_machine_as_test(
        lambda: EngineStates(db, renderer, tmp_path / "evidence", plans),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                          derandomize=not os.environ.get("CAITIEN_FUZZ_RANDOM"),
                          database=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.filter_too_much]))


def test_the_flows_and_steps_are_the_declared_ones():
    """The rule «a conversation is at a step its flow knows» is only as good as the steps
    declared: every flow the engine routes, with (at least) the steps its dialogue is known
    to ask."""
    assert set(STEPS_KNOWN) == set(DIALOGUES) == {"update", "calendar", "pause", "report",
                                                 plan_upload.FLOW}
    assert STEPS_KNOWN[update_flow.FLOW] >= {"choose_task", "status", "done_text", "reason",
                                             "evidence", "confirm"}
    assert STEPS_KNOWN["calendar"] >= {"holiday", "dates", "checkin"}
