"""/capnhat: choose a task → status → what was done → reason (late, not started) →
evidence (and, typed between the files, their name) → confirm. Every step is saved with the
answer that completes it; the dialogue is declared at the end of this module (DIALOGUE)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import joinedload

from core.dates import find_days, school_year_of
from core.messages import Button
from handlers.dialogue import CHOICE, FILES, TEXT, Callback, Dialogue, Step
from handlers.turn import Turn
from handlers.typed import (
    has_phrase,
    pick_number,
    pick_option,
    pick_word,
    says_only,
    words_as,
)
from storage.conversations import held_files, save_step, take_held_files
from storage.models import OutboxMessage, School, Task, TaskUpdate
from storage.outbox import pending_tasks
from storage.plans import owns_task, tasks_of
from storage.schools import school_tz
from core.text import fold_words
from storage.updates import NEEDS_DONE_TEXT, NEEDS_REASON, STATUSES, latest_update, record_update

FLOW = "update"
# A step's question names the task's criterion: loaded with the task, not after it.
WITH_CRITERION = [joinedload(Task.criterion)]
MAX_ANSWER = 10_000
MAX_FILES = 20
MAX_NAME = 300  # the evidence list's column
CONFIRM = ["save", "redo", "cancel"]

# The buttons of this dialogue, and those that start it from elsewhere.
TASK = Callback("task", "task_id:int")
STATUS = Callback("status", "status")
EVIDENCE = Callback("ev", "end")
CONFIRM_BUTTON = Callback("confirm", "action")
SHORT = Callback("short", "answer")  # «is that really the answer?» after a digit
ATTACH = Callback("held", "answer")  # the photo sent just before /capnhat
AGAIN = Callback("again")
FIX = Callback("fix", "update_id:int")


# --- entering the dialogue -----------------------------------------------------------------

def begin(turn: Turn) -> None:
    tasks = tasks_of(turn.session, turn.staff_ids)
    if not tasks:
        turn.say("chat/no_tasks.j2")
        return
    if len(tasks) == 1:
        _go(turn, "status", {"task_id": tasks[0].id, "files": []})
    else:
        _go(turn, "choose_task", {"task_ids": [t.id for t in tasks], "files": []})
    ask(turn)


def begin_task(turn: Turn, task_id: int, context: dict) -> None:
    """Straight to the status of one task, as a reminder's button asks; `context` carries
    the reminder (to offer its next task after saving) and the term review it frames."""
    _go(turn, "status", {"task_id": task_id, "files": [], **context})
    ask(turn)


def begin_correction(turn: Turn, update_id: int) -> None:
    update = turn.session.get(TaskUpdate, update_id)
    if (update is None or update.author_id not in turn.staff_ids
            or latest_update(turn.session, update.task_id).id != update.id):
        turn.say("chat/correction_closed.j2")
        return
    _go(turn, "status", {"task_id": update.task_id, "files": [], "corrects": update.id})
    ask(turn)


def cancel(turn: Turn) -> None:
    data = turn.conversation.data
    for stored in data.get("files", []):
        turn.discard(stored["path"])
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/cancelled.j2", kept=[])


def button(turn: Turn) -> None:
    """«Cập nhật việc khác» and «Sửa lại cập nhật này» under a saved answer; one update at a
    time."""
    if turn.conversation.flow == FLOW:
        turn.say("chat/already_updating.j2")
        return
    if AGAIN.unpack(turn.msg.choice) is not None:
        begin(turn)
        return
    begin_correction(turn, FIX.unpack(turn.msg.choice)["update_id"])


# --- the steps -------------------------------------------------------------------------------

def ask(turn: Turn) -> None:
    """Ask the question of the step the person is at."""
    DIALOGUE.step(turn.conversation.step).ask(turn)


def _ask_task(turn: Turn) -> None:
    tasks = _tasks(turn)
    turn.say("chat/ask_task.j2", _task_buttons(turn, tasks), tasks=tasks).listed = True


def _task_buttons(turn: Turn, tasks: list[Task]) -> list[list[Button]]:
    return [[Button(turn.renderer.text("chat/task_button.j2", n=n, task=t), TASK.pack(t.id))]
            for n, t in enumerate(tasks, start=1)]


def _answer_task(turn: Turn) -> None:
    data = turn.conversation.data
    ids = data["task_ids"]
    chosen = TASK.unpack(turn.msg.choice)
    if chosen is not None:
        task_id = chosen["task_id"]
    else:
        index = pick_number(turn.msg.text, len(ids))
        task_id = ids[index] if index is not None else _task_by_words(turn, ids)
    if task_id not in ids or not _still_mine(turn, task_id):
        turn.say("chat/retry_task.j2", _task_buttons(turn, _tasks(turn)),
                 count=len(ids)).listed = True
        return
    _go(turn, "status", {**data, "task_id": task_id})
    ask(turn)


def _ask_status(turn: Turn) -> None:
    data = turn.conversation.data
    turn.say("chat/ask_status.j2", _status_buttons(turn), task=_task(turn),
             correcting="corrects" in data, review=data.get("review")).listed = True


def _status_buttons(turn: Turn) -> list[list[Button]]:
    return [[turn.button(f"status.{s}", STATUS.pack(s))] for s in STATUSES]


def _answer_status(turn: Turn) -> None:
    data = turn.conversation.data
    chosen = STATUS.unpack(turn.msg.choice)
    status = chosen["status"] if chosen else pick_option(
        turn.msg.text, turn.renderer, [f"status.{s}" for s in STATUSES])
    status = status.removeprefix("status.") if status else None
    if status not in STATUSES:
        turn.say("chat/retry_status.j2", _status_buttons(turn)).listed = True
        return
    data = {**data, "status": status}
    data.pop("done_text", None)
    data.pop("reason", None)
    _go(turn, "done_text" if status in NEEDS_DONE_TEXT else "reason", data)
    ask(turn)


def _ask_done_text(turn: Turn) -> None:
    turn.say("chat/ask_done_text.j2", task=_task(turn),
             status=turn.conversation.data["status"])


def _ask_reason(turn: Turn) -> None:
    turn.say("chat/ask_reason.j2", task=_task(turn), status=turn.conversation.data["status"])


def _answer_text(turn: Turn) -> None:
    """What was done, or why it is late. A lone digit or letter is asked about once: it is
    more often a button pressed by typing than the answer."""
    data = turn.conversation.data
    step = turn.conversation.step
    held = data.get("short")
    if held is not None and turn.msg.choice is None and says_only(
            turn.msg.text, turn.renderer, "button.short_yes"):
        text = held
    elif SHORT.unpack(turn.msg.choice) == {"answer": "yes"} and held is not None:
        text = held
    elif SHORT.unpack(turn.msg.choice) == {"answer": "no"}:
        _go(turn, step, {k: v for k, v in data.items() if k != "short"})
        ask(turn)
        return
    else:
        text = (turn.msg.text or "").strip()
        if not text or turn.msg.choice is not None:
            turn.say("chat/retry_text.j2")
            return
        if len(text) > MAX_ANSWER:
            turn.say("chat/retry_too_long.j2", length=len(text), limit=MAX_ANSWER)
            return
        if held is None and _looks_like_a_key(text):
            _go(turn, step, {**data, "short": text})
            turn.say("chat/confirm_short.j2", [[turn.button("button.short_yes", SHORT.pack(
                "yes")), turn.button("button.short_no", SHORT.pack("no"))]], text=text,
                step=step)
            return
    data = {k: v for k, v in data.items() if k != "short"}
    data[step] = text
    if step == "done_text" and data["status"] in NEEDS_REASON:
        _go(turn, "reason", data)
    else:
        _go(turn, "evidence", data)
    ask(turn)


def _looks_like_a_key(text: str) -> bool:
    return text.isdigit() or len(text) <= 1


def _ask_evidence(turn: Turn) -> None:
    data = turn.conversation.data
    held = held_files(turn.conversation, turn.clock)
    if held and not data["files"]:
        turn.say("chat/ask_held_files.j2", [[turn.button("button.attach", ATTACH.pack("yes")),
                                             turn.button("button.skip", EVIDENCE.pack("skip"))]],
                 task=_task(turn), count=len(held))
        return
    row = [turn.button("button.evidence_done", EVIDENCE.pack("done"))] if data["files"] else []
    row.append(turn.button("button.skip", EVIDENCE.pack("skip")))
    turn.say("chat/ask_evidence.j2", [row], task=_task(turn), count=len(data["files"]))


def _answer_evidence(turn: Turn) -> None:
    data = turn.conversation.data
    if ATTACH.unpack(turn.msg.choice) == {"answer": "yes"} or (
            turn.msg.choice is None and held_files(turn.conversation, turn.clock)
            and not data["files"] and says_only(turn.msg.text, turn.renderer, "button.attach")):
        add_evidence(turn, take_held_files(turn.conversation, turn.clock))
        return
    chosen = EVIDENCE.unpack(turn.msg.choice)
    end = chosen["end"] if chosen else pick_word(turn.msg.text, turn.renderer,
                                                 ["button.evidence_done", "button.skip"])
    if end in ("button.evidence_done", "button.skip"):
        end = "done" if end == "button.evidence_done" else "skip"
    if end in ("done", "skip"):
        _go(turn, "confirm", data)
        ask(turn)
        return
    if data["files"] and turn.msg.choice is None and (turn.msg.text or "").strip():
        _name_evidence(turn)
        return
    turn.say("chat/retry_evidence.j2")


def _name_evidence(turn: Turn) -> None:
    """Words typed once files came are their name in the evidence list (optional: without
    one the list says the task and the day). A date in the name is the paper's date; without
    one, the moment they were handed in is. Only a date with its year counts: «lớp 6/1» is
    a class, not the 6th of January."""
    data = turn.conversation.data
    name = " ".join(turn.msg.text.split())
    if len(name) > MAX_NAME:
        turn.say("chat/evidence_name_too_long.j2", length=len(name), limit=MAX_NAME)
        return
    task = _task(turn)
    today = turn.clock.now().astimezone(school_tz(turn.session.get(School, task.school_id)))
    days = [d for d in find_days(name, school_year_of(today.date())) if d.with_year]
    data = {**data, "evidence_title": name,
            "evidence_on": days[0].day.isoformat() if days else None}
    _go(turn, "evidence", data)
    turn.say("chat/evidence_named.j2",
             [[turn.button("button.evidence_done", EVIDENCE.pack("done"))]], name=name,
             on=days[0].day if days else None, count=len(data["files"]))


def add_evidence(turn: Turn, stored: list[dict]) -> None:
    """Files that arrived while the person is at the evidence step."""
    data = turn.conversation.data
    files = data["files"] + stored
    kept = files[:MAX_FILES]
    for extra in files[MAX_FILES:]:
        turn.discard(extra["path"])
    _go(turn, "evidence", {**data, "files": kept})
    row = [turn.button("button.evidence_done", EVIDENCE.pack("done"))]
    turn.say("chat/evidence_received.j2", [row], task=_task(turn), count=len(kept),
             full=len(files) > MAX_FILES, limit=MAX_FILES, named="evidence_title" in data)


def _ask_confirm(turn: Turn) -> None:
    turn.say("chat/summary.j2", _confirm_buttons(turn), task=_task(turn),
             data=turn.conversation.data)


def _confirm_buttons(turn: Turn) -> list[list[Button]]:
    return [[turn.button("button.save", CONFIRM_BUTTON.pack("save"))],
            [turn.button("button.redo", CONFIRM_BUTTON.pack("redo")),
             turn.button("button.cancel", CONFIRM_BUTTON.pack("cancel"))]]


def _answer_confirm(turn: Turn) -> None:
    data = turn.conversation.data
    chosen = CONFIRM_BUTTON.unpack(turn.msg.choice)
    action = chosen["action"] if chosen else pick_option(
        turn.msg.text, turn.renderer, [f"button.{a}" for a in CONFIRM])
    action = action.removeprefix("button.") if action else None
    if action == "cancel":
        cancel(turn)
    elif action == "redo":
        _go(turn, "status", data)
        ask(turn)
    elif action == "save":
        _save(turn)
    else:
        turn.say("chat/retry_confirm.j2", _confirm_buttons(turn)).listed = True


def _save(turn: Turn) -> None:
    data = turn.conversation.data
    task = _task(turn)
    if not _still_mine(turn, task.id):
        cancel(turn)
        return
    author = turn.staff_in(task.school_id)
    named = {"title": data.get("evidence_title"),
             "issued_on": date.fromisoformat(data["evidence_on"])
             if data.get("evidence_on") else None}
    update = record_update(turn.session, task, author.id, data["status"],
                           data.get("done_text"), data.get("reason"),
                           [{**stored, **named} for stored in data["files"]],
                           turn.clock, corrects_id=data.get("corrects"), via=turn.msg.channel)
    save_step(turn.conversation, None, None, {}, turn.clock)
    buttons = [[turn.button("button.correct", FIX.pack(update.id))]]
    remaining = _reminder_rest(turn, data.get("reminder"))
    if remaining:
        buttons.append([turn.button("button.next_task", f"r:{data['reminder']}")])
    else:
        buttons.append([turn.button("button.update_another", AGAIN.pack())])
    turn.say("chat/saved.j2", buttons, task=task, update=update, remaining=remaining,
             files=len(data["files"]), corrected=update.corrects_id is not None)


def _reminder_rest(turn: Turn, reminder_id: int | None) -> int:
    """How many tasks of the reminder this update came from are still to update."""
    message = turn.session.get(OutboxMessage, reminder_id) if reminder_id else None
    return len(pending_tasks(turn.session, message, turn.staff_ids)) if message else 0


# --- helpers -----------------------------------------------------------------------------

def _task(turn: Turn) -> Task:
    return turn.session.get(Task, turn.conversation.data["task_id"], options=WITH_CRITERION)


def _tasks(turn: Turn) -> list[Task]:
    return [turn.session.get(Task, i) for i in turn.conversation.data["task_ids"]]


def _task_by_words(turn: Turn, ids: list[int]) -> int | None:
    """The one task whose criterion id, or whose words, the typed words name (whole words:
    «huy» does not name a task about «chuyên đề»)."""
    text = turn.msg.text or ""
    said = words_as(text, text)
    if not said:
        return None
    tasks = [turn.session.get(Task, i) for i in ids]
    by_code = [t.id for t in tasks if t.criterion.code == fold_words(text).replace(" ", ".")]
    by_text = [t.id for t in tasks if has_phrase(words_as(t.text, text), said)]
    for found in (by_code, by_text):
        if len(found) == 1:
            return found[0]
    return None


def _still_mine(turn: Turn, task_id: int) -> bool:
    return owns_task(turn.session, turn.staff_ids, task_id)


def _go(turn: Turn, step: str, data: dict) -> None:
    save_step(turn.conversation, FLOW, step, data, turn.clock)


def _stores(session, data: dict, _attachments) -> tuple[str, str] | None:
    """Evidence goes to its school's folder of the task's criterion."""
    task = session.get(Task, data.get("task_id"), options=WITH_CRITERION)
    if task is None:
        return None
    return session.get(School, task.school_id).code, task.criterion.code


DIALOGUE = Dialogue(
    flow=FLOW,
    commands=("capnhat",),
    words="command.capnhat",
    leaves=False,
    begin=begin,
    cancel=cancel,
    steps=(
        Step("choose_task", _ask_task, _answer_task, frozenset({TEXT, CHOICE}), (TASK,)),
        Step("status", _ask_status, _answer_status, frozenset({TEXT, CHOICE}), (STATUS,)),
        Step("done_text", _ask_done_text, _answer_text, frozenset({TEXT, CHOICE}), (SHORT,)),
        Step("reason", _ask_reason, _answer_text, frozenset({TEXT, CHOICE}), (SHORT,)),
        Step("evidence", _ask_evidence, _answer_evidence, frozenset({TEXT, CHOICE, FILES}),
             (EVIDENCE, ATTACH), files=add_evidence, stores=_stores),
        Step("confirm", _ask_confirm, _answer_confirm, frozenset({TEXT, CHOICE}),
             (CONFIRM_BUTTON,)),
    ),
    buttons=(AGAIN, FIX),
    button=button,
)
