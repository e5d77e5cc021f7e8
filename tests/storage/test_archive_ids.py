"""Every place the schema keeps an id is known to the restore: a table or column added
later that holds ids fails here until storage/archive_ids.py says how its ids move."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import JSON, Integer, String, Text

import handlers
from handlers.dialogue import Callback
from storage import archive_ids
from storage.archive_ids import AUDIT_IDS, CALLBACK_IDS, IDS, NO_IDS, callback
from storage.models import Base

# Integer columns whose name ends in _id but name no row of ours: none today.
NOT_ROWS: set[tuple[str, str]] = set()
# Text columns named like ids that are the channels' (a chat, a user, a message, an event).
CHANNEL_IDS = {("accounts", "external_user_id"), ("accounts", "chat_id"),
               ("conversations", "external_user_id"), ("link_failures", "external_user_id"),
               ("processed_events", "external_user_id"), ("processed_events", "event_id"),
               ("outbox", "chat_id"), ("outbox", "message_id"), ("schools", "board_chat_id")}


def columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            yield table.name, column


def test_every_integer_id_is_a_foreign_key_the_restore_follows():
    loose = {(t, c.name) for t, c in columns()
             if isinstance(c.type, Integer) and c.name.endswith("_id") and not c.foreign_keys}
    assert loose <= NOT_ROWS, f"ids without a foreign key: declare how they move: {loose}"


def test_every_json_and_key_column_is_declared():
    """JSON may hold ids (a list of tasks, a button's data): each JSON column, and each text
    column named as a key or an id, is either rewritten on restore or declared free of ids."""
    undeclared = set()
    for table, column in columns():
        place = (table, column.name)
        json = isinstance(column.type, JSON)
        keyed = isinstance(column.type, (String, Text)) and (
            "key" in column.name or column.name.endswith("_id"))
        if (json or keyed) and place not in IDS and place not in NO_IDS \
                and place not in CHANNEL_IDS:
            undeclared.add(place)
    assert not undeclared, f"declare these in storage/archive_ids.py IDS or NO_IDS: {undeclared}"
    assert set(IDS) | NO_IDS <= {(t, c.name) for t, c in columns()}  # none left over


def test_every_button_naming_a_row_is_declared():
    """Each handlers Callback with an id part (…_id:int) is in CALLBACK_IDS, at its place."""
    for info in pkgutil.iter_modules(handlers.__path__):
        importlib.import_module(f"handlers.{info.name}")
    found = {}
    for module in [importlib.import_module(f"handlers.{i.name}")
                   for i in pkgutil.iter_modules(handlers.__path__)]:
        for value in vars(module).values():
            if isinstance(value, Callback):
                found.setdefault(value.prefix, set()).update(
                    position for position, field in enumerate(value.fields, start=1)
                    if field.split(":")[0].endswith("_id"))
    ids = {prefix: positions for prefix, positions in found.items() if positions}
    # reminders/messages.py writes «r:ID» and «z:ID:DAYS» for the outbox rows it sends.
    assert ids == {prefix: set(places) for prefix, places in CALLBACK_IDS.items()}


def test_ids_inside_a_row_follow_the_move():
    moved = lambda table, old: old + {"tasks": 100, "staff": 10, "outbox": 1000,  # noqa: E731
                                      "task_updates": 50}.get(table, 0)
    row = {"staff_id": 3, "school_id": 2,
           "key": "msg:2026-11-20:3", "items": [
               {"kind": "deadline", "key": "deadline:7:2026-11-30", "tasks": [7]},
               {"kind": "nudge", "key": "nudge:deadline:8:2026-11-30@202611250730",
                "tasks": [8]},
               {"kind": "silent", "key": "silent:2026-W48", "names": [4, 5]}],
           "task_ids": [7, 8],
           "body": {"text": "Nhắc", "buttons": [[["Cập nhật", "r:9"]], [["Để sau", "z:9:3"]]]}}
    out = archive_ids.rewritten("outbox", {**row, "staff_id": 13}, moved)
    assert out["task_ids"] == [107, 108]
    assert [i["key"] for i in out["items"]] == [
        "deadline:107:2026-11-30", "nudge:deadline:108:2026-11-30@202611250730",
        "silent:2026-W48"]
    assert out["items"][2]["names"] == [14, 15] and out["key"] == "msg:2026-11-20:13"
    assert out["body"]["buttons"] == [[["Cập nhật", "r:1009"]], [["Để sau", "z:1009:3"]]]
    assert callback("pause:pick:4", moved) == "pause:pick:14"
    assert callback("fix:5", moved) == "fix:55" and callback("status:done", moved) == \
        "status:done"
    audit = archive_ids.rewritten("audit_events", {"details": {
        "staff_id": 4, "reissued": False, "task_id": 2}}, moved)
    assert audit["details"] == {"staff_id": 14, "reissued": False, "task_id": 102}
    talk = archive_ids.rewritten("conversations", {
        "data": {"task_ids": [1, 2], "corrects": 3, "reminder": 9, "files": [{"path": "a"}]},
        "offered": [["Nhiệm vụ 1", "task:1"]]}, moved)
    assert talk["data"] == {"task_ids": [101, 102], "corrects": 53, "reminder": 1009,
                            "files": [{"path": "a"}]}
    assert talk["offered"] == [["Nhiệm vụ 1", "task:101"]]
    assert "staff_id" in AUDIT_IDS
