"""Who sees what — one set of rules for the chat and the web console.

The board (BGH) and the monitoring team see the whole school; a group leader (TTCM) the
tasks of their tổ; everyone else their own tasks. A district account (Phòng GD&ĐT) sees
every school of its district and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.text import fold_words
from readers.owners import led_group, staff_roles
from storage.models import DistrictMember, School, Staff, Task, TaskOwner
from storage.staff_repo import active_staff, is_board, is_monitor

SCHOOL = "school"
GROUP = "group"
OWN = "own"
DISTRICT = "district"


@dataclass(frozen=True)
class Scope:
    kind: str
    school_ids: frozenset[int]
    staff_id: int | None = None  # the person, for a school's staff
    group: str | None = None  # their tổ, for a group leader
    board: bool = False  # may change the school's settings, staff and plan

    @property
    def whole_school(self) -> bool:
        return self.kind in (SCHOOL, DISTRICT)

    @property
    def reports(self) -> bool:
        """The implementation report, the overdue list and the audit trail."""
        return self.whole_school


# What each chat command asks of the person who sends it — the one source for the commands'
# own guards and for what /huongdan lists. A command not named here is open to all staff.
COMMANDS = ("nhiemvu", "capnhat", "lich", "huy", "web", "tiendo", "baocao", "quahan",
            "minhchung", "tamdung")
MAY: dict[str, Callable[[Scope], bool]] = {
    # progress and the overdue list: the whole school, or a group leader's own tổ
    "tiendo": lambda s: s.whole_school or s.kind == GROUP,
    "quahan": lambda s: s.whole_school or s.kind == GROUP,
    "baocao": lambda s: s.reports,  # the report is the whole school's
    "minhchung": lambda s: s.board,  # the evidence list, kept by the board
    "tamdung": lambda s: s.board,  # pausing someone's reminders, the board's decision
}


def may(scope: Scope, command: str) -> bool:
    rule = MAY.get(command)
    return rule is None or rule(scope)


def allowed_commands(scopes: Iterable[Scope]) -> list[str]:
    """The commands at least one of these scopes (one per school) may use, in help order."""
    scopes = list(scopes)
    return [c for c in COMMANDS if any(may(s, c) for s in scopes)]


def scope_of(member: Staff) -> Scope:
    schools = frozenset({member.school_id})
    if is_board(member) or is_monitor(member):
        return Scope(SCHOOL, schools, member.id, board=is_board(member))
    if led_group(staff_roles(member), member.group):
        return Scope(GROUP, schools, member.id, group=member.group)
    return Scope(OWN, schools, member.id)


def district_scope(session: Session, member: DistrictMember) -> Scope:
    schools = session.scalars(select(School.id).where(School.district_id == member.district_id))
    return Scope(DISTRICT, frozenset(schools))


def visible_owners(session: Session, scope: Scope, school_id: int) -> set[int] | None:
    """The staff whose tasks the scope sees in this school: None for all of them."""
    if school_id not in scope.school_ids:
        return set()
    if scope.whole_school:
        return None
    if scope.kind == GROUP:
        return {m.id for m in group_members(session, school_id, scope.group)} | {scope.staff_id}
    return {scope.staff_id}


def group_members(session: Session, school_id: int, group: str | None) -> list[Staff]:
    wanted = fold_words(group or "")
    return [m for m in active_staff(session, school_id) if fold_words(m.group or "") == wanted]


def visible_staff(session: Session, scope: Scope, school_id: int) -> list[Staff]:
    owners = visible_owners(session, scope, school_id)
    staff = active_staff(session, school_id)
    return staff if owners is None else [m for m in staff if m.id in owners]


def sees_task(session: Session, scope: Scope, task: Task) -> bool:
    owners = visible_owners(session, scope, task.school_id)
    if owners is None:
        return True
    return bool(owners) and session.scalar(select(TaskOwner.id).where(
        TaskOwner.task_id == task.id, TaskOwner.staff_id.in_(owners)).limit(1)) is not None
