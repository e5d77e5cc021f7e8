"""/capnhat: choose a task → status → what was done → reason (late, not started) →
evidence → confirm. Every step is saved with the answer that completes it."""

from __future__ import annotations

from core.messages import Button
from handlers.turn import Turn
from handlers.typed import pick_number, pick_option, pick_word
from storage.conversations import save_step
from storage.models import OutboxMessage, Task, TaskUpdate
from storage.outbox import pending_tasks
from storage.plans import tasks_of
from core.text import fold_words
from storage.updates import NEEDS_DONE_TEXT, NEEDS_REASON, STATUSES, latest_update, record_update

FLOW = "update"
MAX_ANSWER = 10_000
MAX_FILES = 20
CONFIRM = ["save", "redo", "cancel"]
EVIDENCE_END = ["done", "skip"]
# The button prefixes each step accepts; any other button is from an older message.
STEP_BUTTONS = {"choose_task": "task", "status": "status", "evidence": "ev",
                "confirm": "confirm"}


# --- entering the flow -------------------------------------------------------------------

def begin(turn: Turn) -> None:
    tasks = tasks_of(turn.session, turn.staff_ids)
    if not tasks:
        turn.say("chat/no_tasks.j2")
        return
    if len(tasks) == 1:
        _go(turn, "status", {"task_id": tasks[0].id, "files": []})
    else:
        _go(turn, "choose_task", {"task_ids": [t.id for t in tasks], "files": []})
    prompt(turn)


def begin_task(turn: Turn, task_id: int, context: dict) -> None:
    """Straight to the status of one task, as a reminder's button asks; `context` carries
    the reminder (to offer its next task after saving) and the term review it frames."""
    _go(turn, "status", {"task_id": task_id, "files": [], **context})
    prompt(turn)


def begin_correction(turn: Turn, update_id: int) -> None:
    update = turn.session.get(TaskUpdate, update_id)
    if (update is None or update.author_id not in turn.staff_ids
            or latest_update(turn.session, update.task_id).id != update.id):
        turn.say("chat/correction_closed.j2")
        return
    _go(turn, "status", {"task_id": update.task_id, "files": [], "corrects": update.id})
    prompt(turn)


def cancel(turn: Turn) -> None:
    data = turn.conversation.data
    for stored in data.get("files", []):
        turn.discard(stored["path"])
    save_step(turn.conversation, None, None, {}, turn.clock)
    turn.say("chat/cancelled.j2", kept=[])


# --- asking ------------------------------------------------------------------------------

def prompt(turn: Turn) -> None:
    """Ask the question of the step the person is at."""
    step = turn.conversation.step
    data = turn.conversation.data
    if step == "choose_task":
        tasks = [turn.session.get(Task, i) for i in data["task_ids"]]
        buttons = [[Button(turn.renderer.text("chat/task_button.j2", n=n, task=t),
                           f"task:{t.id}")] for n, t in enumerate(tasks, start=1)]
        turn.say("chat/ask_task.j2", buttons, tasks=tasks).listed = True
        return
    task = turn.session.get(Task, data["task_id"])
    if step == "status":
        buttons = [[turn.button(f"status.{s}", f"status:{s}")] for s in STATUSES]
        turn.say("chat/ask_status.j2", buttons, task=task, correcting="corrects" in data,
                 review=data.get("review"))
    elif step == "done_text":
        turn.say("chat/ask_done_text.j2", task=task, status=data["status"])
    elif step == "reason":
        turn.say("chat/ask_reason.j2", task=task, status=data["status"])
    elif step == "evidence":
        row = [turn.button("button.evidence_done", "ev:done")] if data["files"] else []
        row.append(turn.button("button.skip", "ev:skip"))
        turn.say("chat/ask_evidence.j2", [row], task=task, count=len(data["files"]))
    elif step == "confirm":
        buttons = [[turn.button("button.save", "confirm:save")],
                   [turn.button("button.redo", "confirm:redo"),
                    turn.button("button.cancel", "confirm:cancel")]]
        turn.say("chat/summary.j2", buttons, task=task, data=data)


# --- answering ---------------------------------------------------------------------------

def answer(turn: Turn) -> None:
    """Apply the message to the step the person is at."""
    step = turn.conversation.step
    handler = {
        "choose_task": _answer_task,
        "status": _answer_status,
        "done_text": _answer_text,
        "reason": _answer_text,
        "evidence": _answer_evidence,
        "confirm": _answer_confirm,
    }[step]
    handler(turn)


def _answer_task(turn: Turn) -> None:
    data = turn.conversation.data
    ids = data["task_ids"]
    chosen = _choice(turn, "task")
    if chosen is not None:
        task_id = int(chosen) if chosen.isdigit() else None
    else:
        index = pick_number(turn.msg.text, len(ids))
        task_id = ids[index] if index is not None else _task_by_words(turn, ids)
    if task_id not in ids or not _still_mine(turn, task_id):
        _retry(turn, "chat/retry_task.j2", count=len(ids))
        return
    _go(turn, "status", {**data, "task_id": task_id})
    prompt(turn)


def _answer_status(turn: Turn) -> None:
    data = turn.conversation.data
    status = _choice(turn, "status") or pick_option(turn.msg.text, turn.renderer,
                                                    [f"status.{s}" for s in STATUSES])
    status = status.removeprefix("status.") if status else None
    if status not in STATUSES:
        _retry(turn, "chat/retry_status.j2")
        return
    data = {**data, "status": status}
    data.pop("done_text", None)
    data.pop("reason", None)
    _go(turn, _after_status(status), data)
    prompt(turn)


def _answer_text(turn: Turn) -> None:
    text = (turn.msg.text or "").strip()
    if not text or turn.msg.choice is not None:
        _retry(turn, "chat/retry_text.j2")
        return
    if len(text) > MAX_ANSWER:
        _retry(turn, "chat/retry_too_long.j2", length=len(text), limit=MAX_ANSWER)
        return
    step = turn.conversation.step
    data = {**turn.conversation.data, step: text}
    if step == "done_text" and data["status"] in NEEDS_REASON:
        _go(turn, "reason", data)
    else:
        _go(turn, "evidence", data)
    prompt(turn)


def _answer_evidence(turn: Turn) -> None:
    data = turn.conversation.data
    end = _choice(turn, "ev") or pick_word(turn.msg.text, turn.renderer,
                                           ["button.evidence_done", "button.skip"])
    if end in ("button.evidence_done", "button.skip"):
        end = "done" if end == "button.evidence_done" else "skip"
    if end in EVIDENCE_END:
        _go(turn, "confirm", data)
        prompt(turn)
        return
    _retry(turn, "chat/retry_evidence.j2")


def add_evidence(turn: Turn, stored: list[dict]) -> None:
    """Files that arrived while the person is at the evidence step."""
    data = turn.conversation.data
    files = data["files"] + stored
    kept = files[:MAX_FILES]
    for extra in files[MAX_FILES:]:
        turn.discard(extra["path"])
    _go(turn, "evidence", {**data, "files": kept})
    task = turn.session.get(Task, data["task_id"])
    row = [turn.button("button.evidence_done", "ev:done")]
    turn.say("chat/evidence_received.j2", [row], task=task, count=len(kept),
             full=len(files) > MAX_FILES, limit=MAX_FILES)


def _answer_confirm(turn: Turn) -> None:
    data = turn.conversation.data
    action = _choice(turn, "confirm") or pick_option(
        turn.msg.text, turn.renderer, [f"button.{a}" for a in CONFIRM])
    action = action.removeprefix("button.") if action else None
    if action == "cancel":
        cancel(turn)
    elif action == "redo":
        _go(turn, "status", data)
        prompt(turn)
    elif action == "save":
        _save(turn)
    else:
        _retry(turn, "chat/retry_confirm.j2")


def _save(turn: Turn) -> None:
    data = turn.conversation.data
    task = turn.session.get(Task, data["task_id"])
    if not _still_mine(turn, task.id):
        cancel(turn)
        return
    author = turn.staff_in(task.school_id)
    update = record_update(turn.session, task, author.id, data["status"],
                           data.get("done_text"), data.get("reason"), data["files"],
                           turn.clock, corrects_id=data.get("corrects"))
    save_step(turn.conversation, None, None, {}, turn.clock)
    buttons = [[turn.button("button.correct", f"fix:{update.id}")]]
    remaining = _reminder_rest(turn, data.get("reminder"))
    if remaining:
        buttons.append([turn.button("button.next_task", f"r:{data['reminder']}")])
    else:
        buttons.append([turn.button("button.update_another", "again")])
    turn.say("chat/saved.j2", buttons, task=task, update=update, remaining=remaining,
             files=len(data["files"]), corrected=update.corrects_id is not None)


def _reminder_rest(turn: Turn, reminder_id: int | None) -> int:
    """How many tasks of the reminder this update came from are still to update."""
    message = turn.session.get(OutboxMessage, reminder_id) if reminder_id else None
    return len(pending_tasks(turn.session, message, turn.staff_ids)) if message else 0


# --- helpers -----------------------------------------------------------------------------

def _after_status(status: str) -> str:
    if status in NEEDS_DONE_TEXT:
        return "done_text"
    return "reason"


def accepts_button(step: str, choice: str) -> bool:
    return STEP_BUTTONS.get(step) == choice.partition(":")[0]


def _choice(turn: Turn, prefix: str) -> str | None:
    choice = turn.msg.choice or ""
    head, _, value = choice.partition(":")
    return value if head == prefix and value else None


def _task_by_words(turn: Turn, ids: list[int]) -> int | None:
    """The one task whose criterion id or text the typed words name."""
    said = fold_words(turn.msg.text or "")
    if not said:
        return None
    tasks = [turn.session.get(Task, i) for i in ids]
    by_code = [t.id for t in tasks if t.criterion.code == said.replace(" ", ".")]
    by_text = [t.id for t in tasks if said in fold_words(t.text)]
    for found in (by_code, by_text):
        if len(found) == 1:
            return found[0]
    return None


def _still_mine(turn: Turn, task_id: int) -> bool:
    return any(t.id == task_id for t in tasks_of(turn.session, turn.staff_ids))


def _go(turn: Turn, step: str, data: dict) -> None:
    save_step(turn.conversation, FLOW, step, data, turn.clock)


def _retry(turn: Turn, template: str, **context: object) -> None:
    turn.say(template, **context)
    prompt(turn)
