"""Where the database keeps ids besides its foreign keys, and how each follows a school
moved onto a server whose ids are taken (storage/archive.py restore_archive).

Foreign keys follow their parent row on their own. Ids also sit inside JSON and text: the
audit trail's details, the tasks and people a reminder carried, the buttons of a message
sent («task:12»), the task a conversation is about and the files it holds, the reminder
keys. Every JSON column, and every text column whose name says it is a key, is declared
here, in IDS (with how its ids move) or in NO_IDS: tests/storage/test_archive_ids.py walks
the schema and fails on a column declared in neither."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Moved(Protocol):
    def __call__(self, table: str, old: int) -> int:
        """The id row `old` of `table` has on the target."""


# Buttons' data names rows by id: the prefix of a handlers' Callback and, for each part
# that is an id, the table it names (tests compare this with every Callback declared).
CALLBACK_IDS: dict[str, dict[int, str]] = {
    "task": {1: "tasks"},
    "fix": {1: "task_updates"},
    "pause": {2: "staff"},
    "r": {1: "outbox"},
    "z": {1: "outbox"},
}
# Audit details naming a row (storage/audit.py record's keyword arguments).
AUDIT_IDS = {"staff_id": "staff", "task_id": "tasks", "update_id": "task_updates",
             "plan_id": "plans", "evidence_id": "evidence"}
# A conversation's data (handlers/*: save_step): the keys naming rows.
CONVERSATION_IDS = {"task_id": "tasks", "task_ids": "tasks", "school_id": "schools",
                    "staff_id": "staff", "corrects": "task_updates", "reminder": "outbox",
                    "upload_id": "uploads"}


def _audit_details(details: dict | None, row: dict, moved: Moved) -> dict | None:
    if not details:
        return details
    out = dict(details)
    for key, value in details.items():
        if key.endswith("_id") and key not in AUDIT_IDS:
            raise KeyError(f"audit detail {key!r} is not declared in AUDIT_IDS")
        if key in AUDIT_IDS and isinstance(value, int):
            out[key] = moved(AUDIT_IDS[key], value)
    return out


def _task_list(ids: list | None, row: dict, moved: Moved) -> list | None:
    return None if ids is None else [moved("tasks", i) for i in ids]


def _item_key(key: str, moved: Moved) -> str:
    """reminders/planner.py Item keys: «deadline:TASK:DAY», «overdue:TASK», «nudge:» + the
    check-in's key (and a snooze's «@…»); the others name no row."""
    kind, _, rest = key.partition(":")
    if kind == "nudge":
        return f"nudge:{_item_key(rest, moved)}"
    if kind in ("deadline", "overdue"):
        task, sep, tail = rest.partition(":")
        if task.isdigit():
            return f"{kind}:{moved('tasks', int(task))}{sep}{tail}"
    return key


def _items(items: list | None, row: dict, moved: Moved) -> list | None:
    if items is None:
        return None
    out = []
    for item in items:
        item = dict(item)
        if "tasks" in item:
            item["tasks"] = [moved("tasks", t) for t in item["tasks"]]
        if "names" in item:
            item["names"] = [moved("staff", s) for s in item["names"]]
        item["key"] = _item_key(item["key"], moved)
        out.append(item)
    return out


def callback(data: str | None, moved: Moved) -> str | None:
    """A button's data with the rows it names moved («task:12» → «task:112»)."""
    if not isinstance(data, str):
        return data
    parts = data.split(":")
    for position, table in CALLBACK_IDS.get(parts[0], {}).items():
        if position < len(parts) and parts[position].isdigit():
            parts[position] = str(moved(table, int(parts[position])))
    return ":".join(parts)


def _choices(rows: list | None, moved: Moved) -> list | None:
    """[[label, data], …] rows of buttons, or one row of them."""
    if not rows:
        return rows
    out = []
    for entry in rows:
        if (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and (entry[1] is None or isinstance(entry[1], str))):
            out.append([entry[0], callback(entry[1], moved)])
        elif isinstance(entry, list):
            out.append(_choices(entry, moved))
        else:
            out.append(entry)
    return out


def _body(body: dict | None, row: dict, moved: Moved) -> dict | None:
    if not body or "buttons" not in body:
        return body
    return {**body, "buttons": _choices(body["buttons"], moved)}


def _offered(offered: list | None, row: dict, moved: Moved) -> list | None:
    return _choices(offered, moved)


def _replies(replies: list | None, row: dict, moved: Moved) -> list | None:
    return None if replies is None else [_body(r, row, moved) for r in replies]


def _conversation(data: dict | None, row: dict, moved: Moved) -> dict | None:
    if not data:
        return data
    out = dict(data)
    for key, table in CONVERSATION_IDS.items():
        value = data.get(key)
        if isinstance(value, int):
            out[key] = moved(table, value)
        elif isinstance(value, list):
            out[key] = [moved(table, v) for v in value]
    return out


def reminder_key(key: str | None, row: dict, moved: Moved) -> str | None:
    """Keys of scheduled messages end with the recipient's staff id (or the school's group):
    the planner knows a message was sent by its key, so the key follows the ids. A queued
    reply's key names the event it answered, no row."""
    if key is None or key.startswith("reply:"):
        return key
    head, _, _ = key.rpartition(":")
    recipient = row["staff_id"] if row["staff_id"] is not None else f"group{row['school_id']}"
    return f"{head}:{recipient}"


Rewrite = Callable[[object, dict, Moved], object]

IDS: dict[tuple[str, str], Rewrite] = {
    ("audit_events", "details"): _audit_details,
    ("outbox", "task_ids"): _task_list,
    ("outbox", "items"): _items,
    ("outbox", "body"): _body,
    ("outbox", "key"): reminder_key,
    ("outbox", "source_key"): reminder_key,
    ("reminder_snoozes", "source_key"): reminder_key,
    ("conversations", "data"): _conversation,
    ("conversations", "offered"): _offered,
    ("processed_events", "replies"): _replies,
}
# JSON and key columns that hold no id of ours (file paths, phrases, settings, the raw
# update a channel sent).
NO_IDS: frozenset[tuple[str, str]] = frozenset({
    ("schools", "calendar"), ("staff", "roles"), ("invites", "used_on"),
    ("tasks", "owner_phrases"), ("outbox", "criteria"), ("conversations", "held"),
    ("inbox", "payload"), ("settings", "key"), ("school_bots", "key"),
    ("processed_events", "event_id"),
    ("school_years", "files"),  # names, paths and checksums of a closed year's kept files
    ("uploads", "draft"),  # a plan as read: criterion codes and phrases as written
})


def rewritten(table: str, row: dict, moved: Moved) -> dict:
    """`row` (its own and its parents' ids already moved) with the ids inside it moved."""
    for (name, column), rewrite in IDS.items():
        if name == table and column in row:
            row[column] = rewrite(row[column], row, moved)
    return row
