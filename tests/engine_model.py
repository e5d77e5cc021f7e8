"""The world of the engine's state-machine test (tests/handlers/test_engine_states.py): two
schools, the people who write to the bot, and the rules it is checked against — which flows
and steps exist (the handlers' declared dialogues), what each person may see
(storage/access.py), and what a consistent database looks like."""

from __future__ import annotations

import copy
import csv
from collections import defaultdict
import io
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.clock import Clock
from handlers.engine import DIALOGUES
from handlers.plan_upload import FOLDER as PLAN_FOLDER
from readers.plan_draft import PlanDraft
from readers.plan_files import read_plan
from readers.staff_sheet import parse_staff_sheet
from storage.access import scope_of, sees_task
from storage.linking import issue_invites, link_by_contact
from storage.models import (
    Account,
    Base,
    Conversation,
    Criterion,
    Evidence,
    OutboxMessage,
    Staff,
    Task,
    TaskOwner,
    TaskUpdate,
)
from storage.plans import save_plan, tasks_of
from storage.schools import pick_school
from storage.staff_repo import import_staff, linked_staff
from storage.updates import NEEDS_DONE_TEXT, NEEDS_REASON, STATUSES

DEMO = Path(__file__).parent.parent / "bot" / "demo"


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table: what a turn that did not happen must leave as it was."""
    with engine.connect() as conn:
        return {t.name: [tuple(row) for row in conn.execute(
            select(t).order_by(*t.primary_key.columns))] for t in Base.metadata.sorted_tables}


# --- the flows and steps the handlers declare ---------------------------------------------

def known_steps() -> dict[str, frozenset[str]]:
    """flow → the steps its dialogue declares (handlers/dialogue.py): what the engine routes
    is what this checks against."""
    return {flow: frozenset(s.name for s in dialogue.steps)
            for flow, dialogue in DIALOGUES.items()}


# --- the schools ---------------------------------------------------------------------------

SCHOOLS = {"A": "demo", "B": "demo-b"}
# Every task's text begins with a tag naming its school and row, so that any reply showing
# a task (even shortened) says which one: ⟦A03⟧ is school A's third task.
TAG = re.compile(r"⟦([AB]\d\d)⟧")
TASK_COLUMN = 3
GS_PHONE = "0901234508"  # Tùng, the accountant, is also on the monitoring team (GS)
SHARED_PHONE = "0901234506"  # Khoa teaches at both schools


def plan_csv(letter: str, variant: bool = False) -> bytes:
    """The demo plan with each task tagged for school `letter`. The variant is a corrected
    plan: the first task reworded, the 3.3 one dropped, one task added at the end."""
    rows = list(csv.reader(io.StringIO((DEMO / "plan.csv").read_text(encoding="utf-8"))))
    if letter == "B":
        rows[0][0] = rows[0][0].replace("Hoà Bình", "Hoà Lạc")
    tasks = rows[2:]
    for number, row in enumerate(tasks, start=1):
        row[TASK_COLUMN] = f"⟦{letter}{number:02}⟧ {row[TASK_COLUMN]}"
    if variant:
        tasks[0][TASK_COLUMN] += " (điều chỉnh theo góp ý của Tổ giám sát)"
        tasks = [r for r in tasks if r[0] != "3.3"]
        tasks.append(["", "", "", f"⟦{letter}{len(rows) - 1:02}⟧ Tổng kết việc thực hiện kế "
                      "hoạch cải tiến", "HT, TTCM", "Báo cáo tổng kết", "Tháng 5/2027", "", ""])
    out = io.StringIO()
    csv.writer(out).writerows(rows[:2] + tasks)
    return out.getvalue().encode("utf-8")


def staff_rows(letter: str):
    """The demo staff list; school B's people have phones of their own but for Khoa, who
    teaches at both, and school A's accountant is on the monitoring team."""
    rows = parse_staff_sheet(DEMO / "staff.csv")
    if letter == "A":
        return [replace(r, roles=[*r.roles, "Tổ giám sát"]) if r.phone_norm == GS_PHONE
                else r for r in rows]
    return [r if r.phone_norm == SHARED_PHONE else
            replace(r, phone=r.phone_norm.replace("0901", "0902", 1),
                    phone_norm=r.phone_norm.replace("0901", "0902", 1)) for r in rows]


@dataclass(frozen=True)
class Someone:
    """A person writing to the bot: linked at the start through their own phone, or a
    stranger (no phone)."""

    key: str
    channel: str  # "test" has buttons, "plain" is typed only
    user_id: str
    phone: str | None = None

    @property
    def letter(self) -> str:
        return "B" if self.phone and self.phone.startswith("0902") else "A"


PEOPLE = (
    Someone("hạnh (HT A)", "test", "501", "0901234501"),
    Someone("trang (TTCM A)", "plain", "503", "0901234503"),
    Someone("bảo (GV A)", "test", "504", "0901234504"),
    Someone("bảo on zalo (GV A)", "plain", "1504", "0901234504"),
    Someone("mai (NV A)", "plain", "507", "0901234507"),
    Someone("tùng (GS A)", "test", "508", GS_PHONE),
    Someone("khoa (GV A and B)", "test", "506", SHARED_PHONE),
    Someone("hạnh (HT B)", "plain", "2501", "0902234501"),
    Someone("lan (TTCM B)", "test", "2505", "0902234505"),
    Someone("bảo (GV B)", "test", "2504", "0902234504"),
    Someone("stranger", "test", "9001"),
    Someone("stranger on zalo", "plain", "9002"),
)
# Phones a contact may carry: every staff member's (linked or not) and nobody's.
PHONES = tuple(sorted({r.phone_norm for letter in SCHOOLS for r in staff_rows(letter)})) \
    + ("0909999999", "12345")


@dataclass
class World:
    codes: list[str]  # the invitations of everyone not linked at the start
    reminders: dict[str, list[str]]  # person → the buttons of the reminder they were sent


def read_plans(folder: Path) -> dict[str, PlanDraft]:
    """Each school's plan as imported from its plan_csv() file (read once: every example
    starts from the same two)."""
    plans = {}
    for letter in SCHOOLS:
        path = folder / f"plan-{letter}.csv"
        path.write_bytes(plan_csv(letter))
        plans[letter] = read_plan(path)
    return plans


def build_world(session: Session, plans: dict[str, PlanDraft], clock: Clock) -> World:
    """Both schools with their staff and plan (`plans`: school letter → read_plans()),
    everyone in PEOPLE with a phone linked, invitations for the others, and a reminder of
    their tasks sent to each person who has some."""
    for letter, code in SCHOOLS.items():
        school = pick_school(session, code, clock, create=True)
        import_staff(session, school, staff_rows(letter))
        save_plan(session, school, copy.deepcopy(plans[letter]), clock)
    for person in PEOPLE:
        if person.phone:
            result = link_by_contact(session, person.phone, person.user_id, person.channel,
                                     person.user_id, person.user_id, clock)
            assert result.outcome == "linked", (person, result)
    codes = [issued.code for code in SCHOOLS.values()
             for issued in issue_invites(session, pick_school(session, code, clock), clock)]
    reminders = {}
    for person in PEOPLE:
        for member in linked_staff(session, person.channel, person.user_id):
            tasks = tasks_of(session, [member.id])
            if not tasks:
                continue
            message = OutboxMessage(
                school_id=member.school_id, key=f"fuzz:{person.key}:{member.id}",
                kind="monthly", period="2026-11", staff_id=member.id, channel=person.channel,
                chat_id=person.user_id, due_at=clock.now() - timedelta(days=1),
                not_before=clock.now() - timedelta(days=1), status="sent",
                task_ids=[t.id for t in tasks], created_at=clock.now())
            session.add(message)
            session.flush()
            reminders.setdefault(person.key, []).extend(
                [f"r:{message.id}", *(f"z:{message.id}:{d}" for d in (1, 3, 7))])
    return World(codes, reminders)


# --- what a person may see -----------------------------------------------------------------

def may_see(session: Session, staff: list[Staff], task: Task) -> bool:
    """storage/access.py's answer for any of the person's staff records; and, said once more
    as the rule it implements, a teacher sees only tasks they own."""
    seen = any(sees_task(session, scope_of(m), task) for m in staff)
    if seen and all(scope_of(m).kind == "own" for m in staff):
        assert session.scalar(select(TaskOwner.id).where(
            TaskOwner.task_id == task.id,
            TaskOwner.staff_id.in_([m.id for m in staff])).limit(1)) is not None
    return seen


def tasks_tagged(session: Session, tag: str) -> list[Task]:
    return [t for t in session.scalars(select(Task)) if t.text.startswith(f"⟦{tag}⟧")]


def leaks(session: Session, staff: list[Staff], texts: list[str],
          buttons: list[str]) -> list[str]:
    """What in these replies (their text, the data of their buttons) the person may not
    see: another school's task, another person's task for a teacher, someone else's
    reminder or update, another school's staff."""
    found = []
    for tag in {m for t in texts for m in TAG.findall(t)}:
        tasks = tasks_tagged(session, tag)
        if not any(may_see(session, staff, t) for t in tasks):
            found.append(f"task ⟦{tag}⟧ in the text")
    ids = {m.id for m in staff}
    for data in buttons:
        head, _, rest = data.partition(":")
        number = rest.partition(":")[0]
        if head == "task":
            task = session.get(Task, int(rest))
            if task is None or not may_see(session, staff, task):
                found.append(f"button {data}")
        elif head == "fix":
            update = session.get(TaskUpdate, int(rest))
            if update is None or update.author_id not in ids:
                found.append(f"button {data}")
        elif head in ("r", "z"):
            message = session.get(OutboxMessage, int(number))
            if message is None or message.staff_id not in ids:
                found.append(f"button {data}")
        elif head == "pause":
            member = session.get(Staff, int(rest.rpartition(":")[2]))
            if member is None or not any(scope_of(m).board and m.school_id == member.school_id
                                         for m in staff):
                found.append(f"button {data}")
    return found


def conversation_tasks(data: dict) -> list[int]:
    return [*data.get("task_ids", []), *([data["task_id"]] if "task_id" in data else [])]


# --- a consistent database -------------------------------------------------------------------

def inconsistencies(session: Session, evidence_root: Path,
                    steps: dict[str, frozenset[str]]) -> list[str]:
    found = []
    for model in (Staff, Criterion, Task, TaskUpdate):  # in the session: get() asks no more
        session.scalars(select(model)).all()
    newest: dict[int, TaskUpdate] = {}
    for update in session.scalars(select(TaskUpdate).order_by(TaskUpdate.id)):
        task = session.get(Task, update.task_id)
        author = session.get(Staff, update.author_id) if update.author_id else None
        criterion = session.get(Criterion, task.criterion_id)
        where = f"update {update.id}"
        if author is None or author.school_id != task.school_id:
            found.append(f"{where}: author {update.author_id} is not of the task's school")
        if criterion is None or criterion.school_id != task.school_id:
            found.append(f"{where}: task {task.id} has no criterion of its school")
        if update.school_id != task.school_id:
            found.append(f"{where}: school {update.school_id}, task's {task.school_id}")
        if update.status not in STATUSES \
                or (update.status in NEEDS_DONE_TEXT) != bool(update.done_text) \
                or (update.status in NEEDS_REASON) != bool(update.reason):
            found.append(f"{where}: half written ({update.status}, {update.done_text!r}, "
                         f"{update.reason!r})")
        if update.corrects_id is not None:
            corrected = session.get(TaskUpdate, update.corrects_id)
            if corrected is None or corrected.task_id != update.task_id \
                    or corrected.id >= update.id:
                found.append(f"{where}: corrects {update.corrects_id}, not an earlier update "
                             "of its task")
        newest[update.task_id] = update
    for task in session.scalars(select(Task)):
        last = newest.get(task.id)
        wanted = (last.status, last.created_at) if last else (None, None)
        if (task.status, task.status_at) != wanted:
            found.append(f"task {task.id}: status {task.status} at {task.status_at}, its newest "
                         f"update says {wanted}")
    for item in session.scalars(select(Evidence)):
        update = session.get(TaskUpdate, item.update_id) if item.update_id else None
        task = session.get(Task, item.task_id)
        if update is None or update.task_id != item.task_id or update.author_id != item.author_id \
                or item.school_id != task.school_id \
                or item.criterion_code != session.get(Criterion, task.criterion_id).code:
            found.append(f"evidence {item.id}: not of an update of its task")
        if not (evidence_root / item.path).is_file():
            found.append(f"evidence {item.id}: its file {item.path} is gone")
    accounts = defaultdict(list)  # (channel, user) → their staff, as linked_staff() says
    for channel, user, staff in session.execute(
            select(Account.channel, Account.external_user_id, Staff).join(Staff)
            .where(Staff.active).order_by(Staff.school_id)):
        accounts[(channel, user)].append(staff)
    for conversation in session.scalars(select(Conversation)):
        where = f"conversation {conversation.channel}/{conversation.external_user_id}"
        if (conversation.flow is None) != (conversation.step is None) or (
                conversation.flow is not None
                and conversation.step not in steps.get(conversation.flow, ())):
            found.append(f"{where}: at {conversation.flow}/{conversation.step}, which no flow "
                         "knows")
        data = conversation.data or {}
        held = (conversation.held or {}).get("files", [])
        for stored in [*(data.get("files", []) if conversation.flow == "update" else []), *held]:
            if not (evidence_root / stored["path"]).is_file():
                found.append(f"{where}: its file {stored['path']} is gone")
        staff = accounts[(conversation.channel, conversation.external_user_id)]
        if not staff:
            continue  # nobody can continue it: an account an invitation moved elsewhere
        shown = [session.get(Task, i) for i in conversation_tasks(data)] \
            if conversation.flow == "update" else []
        for task in shown:
            if task is None or not may_see(session, staff, task):
                found.append(f"{where}: works on task {task and task.id}, not theirs to see")
        offered = [d for _, d in conversation.offered or []]
        found += [f"{where}: offered {leak}" for leak in leaks(session, staff, [], offered)]
    kept = {e.path for e in session.scalars(select(Evidence))}
    waiting = {f["path"] for c in session.scalars(select(Conversation))
               for f in [*(c.data or {}).get("files", []), *(c.held or {}).get("files", [])]}
    for path in evidence_root.rglob("*"):
        relative = path.relative_to(evidence_root).as_posix()
        if path.is_file() and relative not in kept | waiting \
                and relative.split("/")[1] != PLAN_FOLDER:
            found.append(f"file {relative}: kept by no update and no conversation")
    return found
