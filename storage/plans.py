"""Writing an imported plan, and reading tasks back."""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from heapq import nsmallest
from itertools import islice

from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from core.calendar import SchoolCalendar
from core.clock import Clock
from readers.frameworks import criterion_sort_key, criterion_title
from storage import audit
from storage.models import Checkpoint, Criterion, Plan, School, Staff, Task, TaskOwner
from readers.owner_phrases import lead_phrase_count, split_owner_phrases
from readers.owners import Resolution, resolve_phrase
from readers.plan_draft import PlanDraft
from storage.schools import school_calendar
from storage.staff_repo import active_staff
from core.text import fold_words
from readers.timelines import parse_timeline, school_year_start


@dataclass
class PlanImportReport:
    plan_id: int
    criteria: int
    tasks: int
    added: int = 0
    kept: int = 0
    adjusted: int = 0
    closed: int = 0
    resolved: dict[str, list[str]] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


def current_plan(session: Session, school_id: int) -> Plan | None:
    return session.scalar(
        select(Plan).where(Plan.school_id == school_id).order_by(Plan.id.desc()).limit(1)
    )


def school_year_first(session: Session, school: School, today: date) -> int:
    """The first year of the school year the school lives in: its plan's, else today's."""
    plan = current_plan(session, school.id)
    return school_year_start(plan.school_year if plan else None) or \
        school_calendar(school).first_year_of(today)


def resolve_owners(draft: PlanDraft, staff: list[Staff]) -> dict[str, Resolution]:
    """Each owner phrase of the draft, matched to the staff. The tasks' owner cells are
    split again first with the school's own role and group names, which the reader did not
    know: a comma or dash inside one of them («Tổ Toán - Tin») joins, not splits."""
    names = staff_names(staff)
    for task in (t for c in draft.criteria for t in c.tasks if t.owners_text):
        task.owners = split_owner_phrases(task.owners_text, names)
    phrases = {p for c in draft.criteria for t in c.tasks for p in t.owners}
    return {p: resolve_phrase(p, staff) for p in sorted(phrases)}


def staff_names(staff: list[Staff]) -> set[str]:
    """The roles and group names the staff directory writes."""
    return {name for member in staff for name in [*(member.roles or []), member.group]
            if name}


@dataclass
class Gap:
    """A task of a draft that will not be reminded as it stands."""

    criterion: str
    text: str
    no_owner: bool  # no owner phrase matched anyone of the staff: nobody is ever asked
    no_time: bool  # no readable time: no deadline reminder, never counted late


@dataclass
class PlanGaps:
    tasks: list[Gap]
    unmatched: list[tuple[str, int]]  # owner phrases as written that matched nobody, tasks

    @property
    def no_owner(self) -> int:
        return sum(g.no_owner for g in self.tasks)

    @property
    def no_time(self) -> int:
        return sum(g.no_time for g in self.tasks)


def plan_gaps(draft: PlanDraft, owners: dict[str, Resolution]) -> PlanGaps:
    """The draft's tasks nobody will be reminded of (no owner matched) or that have no
    readable time, and the owner phrases that matched nobody, each as written in the plan
    (pieces the reader split at a comma are put back together) with how many tasks name it."""
    gaps: list[Gap] = []
    unmatched: dict[str, int] = {}
    for criterion in draft.criteria:
        for task in criterion.tasks:
            found = [owners[p] for p in task.owners if p in owners]
            no_owner = not any(r.kind == "staff" and r.staff_ids for r in found)
            no_time = task.schedule is None or task.schedule.kind == "unknown"
            if no_owner or no_time:
                gaps.append(Gap(criterion.id, task.text, no_owner, no_time))
            for phrase in set(_as_written(task.owners, task.owners_text or "", {
                    r.phrase for r in found if r.kind == "unresolved"})):
                unmatched[phrase] = unmatched.get(phrase, 0) + 1
    return PlanGaps(gaps, sorted(unmatched.items(), key=lambda item: (-item[1], item[0])))


def _as_written(phrases: list[str], written: str, unresolved: set[str]) -> list[str]:
    """The pieces of `written` that hold an unresolved phrase: «nhóm chuyên môn», split off
    «Giáo viên các tổ, nhóm chuyên môn» at its comma, is shown as that whole phrase."""
    pieces: list[tuple[str, bool]] = []
    for phrase in phrases:
        if pieces and phrase[:1].islower() and f"{pieces[-1][0]}, {phrase}" in written:
            before, missed = pieces[-1]
            pieces[-1] = (f"{before}, {phrase}", missed or phrase in unresolved)
        else:
            pieces.append((phrase, phrase in unresolved))
    return [piece for piece, missed in pieces if missed]


@dataclass
class Mismatch:
    """What the file says against the school and school year it would go into."""

    file_school: str | None
    school: str | None  # None before a first plan names it
    file_year: str | None
    year: str

    @property
    def school_differs(self) -> bool:
        return bool(self.file_school and self.school) and not _same_school(
            self.file_school, self.school)

    @property
    def year_differs(self) -> bool:
        return bool(self.file_year) and self.file_year != self.year

    @property
    def any(self) -> bool:
        return self.school_differs or self.year_differs


# Words of a school's name that do not tell one school from another.
_SCHOOL_WORDS = ("truong", "trung hoc co so", "trung hoc pho thong", "tieu hoc", "mam non",
                 "thcs", "thpt", "th", "mn", "pt", "dtnt", "pho thong")


def short_school_name(name: str) -> str:
    """«Hòa Bình» for «Trường THCS Hòa Bình»: what is typed to confirm."""
    words = re.sub(r"\([^)]*\)", " ", name).split()
    prefixes = [w.split() for w in _SCHOOL_WORDS] + [["ptdtnt"], ["ptcs"], ["thcs", "thpt"]]
    while True:
        folded = [fold_words(w) for w in words]
        prefix = next((p for p in prefixes if folded[:len(p)] == p and len(p) < len(words)),
                      None)
        if prefix is None:
            return " ".join(words) or name
        words = words[len(prefix):]


def _same_school(written: str, school: str) -> bool:
    def core(name: str) -> str:
        folded = f" {fold_words(name)} "
        for word in _SCHOOL_WORDS:
            folded = folded.replace(f" {word} ", " ")
        return " ".join(folded.split())
    a, b = core(written), core(school)
    return bool(a and b) and (a in b or b in a)


def plan_mismatch(session: Session, school: School, draft: PlanDraft, today: date) -> Mismatch:
    first = school_year_first(session, school, today)
    return Mismatch(draft.school, school.name, draft.school_year,
                    f"{first}-{first + 1}")


@dataclass
class PlanChanges:
    added: int = 0
    kept: int = 0
    adjusted: int = 0
    closed: int = 0


SAME_TASK = 0.6  # how alike an edited task's text must stay to count as the same task
# A reworded task is compared in full only with the few stored tasks sharing most of its
# rarest words, found by reading at most BUDGET index entries: the import stays near-linear
# in the plan's size however many tasks were edited.
CANDIDATES = 4
BUDGET = 256


@dataclass
class TaskMatch:
    """Each draft task (criterion id, index) paired with the open task it continues, if any:
    'kept' (same text), 'adjusted' (edited text) or 'added'; and the tasks left over."""

    pairs: dict[tuple[str, int], tuple[Task | None, str]]
    closed: list[Task]

    def count(self, kind: str) -> int:
        return sum(1 for _, k in self.pairs.values() if k == kind)


def _task_key(code: str, text: str) -> tuple[str, str]:
    return code, fold_words(text)


def open_plan_tasks(session: Session, plan_id: int) -> list[Task]:
    """The plan's open tasks in plan order within each criterion, as matching pairs them."""
    return list(session.scalars(
        select(Task).where(Task.plan_id == plan_id, Task.closed_at.is_(None))
        .order_by(Task.position, Task.id)
        .options(selectinload(Task.criterion), selectinload(Task.owners))
    ))


def match_tasks(stored: list[Task], draft: PlanDraft) -> TaskMatch:
    """Identical texts pair one to one in plan order (duplicates included); each remaining
    draft task, in draft order, then continues the most alike stored task left over in its
    criterion, if at least SAME_TASK alike."""
    same_text: dict[tuple[str, str], deque[int]] = defaultdict(deque)
    for number, task in enumerate(stored):
        same_text[_task_key(task.criterion.code, task.text)].append(number)
    pairs: dict[tuple[str, int], tuple[Task | None, str]] = {}
    taken: set[int] = set()
    reworded = []
    for criterion in draft.criteria:
        for index, task in enumerate(criterion.tasks):
            copies = same_text.get(_task_key(criterion.id, task.text))
            if copies:
                number = copies.popleft()
                taken.add(number)
                pairs[(criterion.id, index)] = (stored[number], "kept")
            else:
                reworded.append((criterion.id, index, fold_words(task.text)))
    leftovers = _Leftovers({n: t for n, t in enumerate(stored) if n not in taken})
    for code, index, wanted in reworded:
        number = leftovers.take_most_alike(code, wanted)
        pairs[(code, index)] = ((None, "added") if number is None
                                else (stored[number], "adjusted"))
    return TaskMatch(pairs, leftovers.remaining())


def _shingles(folded: str) -> set[str]:
    """Words and word pairs: a pair is rarer than either word, a word still links short
    texts."""
    words = folded.split()
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


class _Leftovers:
    """Stored tasks no draft task has claimed yet (by their number in plan order), indexed
    by criterion and shingle."""

    def __init__(self, tasks: dict[int, Task]):
        self.tasks = tasks
        self.folded = {n: fold_words(t.text) for n, t in tasks.items()}
        # (criterion, shingle) → the leftovers holding it, as an ordered set
        self.holders: dict[tuple[str, str], dict[int, None]] = {}
        for n, task in tasks.items():
            for shingle in _shingles(self.folded[n]):
                self.holders.setdefault((task.criterion.code, shingle), {})[n] = None

    def take_most_alike(self, code: str, wanted: str) -> int | None:
        """The leftover of this criterion most alike `wanted` (the first in plan order among
        equals), claimed; None when none is alike enough."""
        matcher = SequenceMatcher(None, b=wanted)  # b is analysed once, each a compared to it
        best, best_ratio = None, SAME_TASK
        for n in self._candidates(code, wanted):
            matcher.set_seq1(self.folded[n])
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and (best is None or n < best)):
                best, best_ratio = n, ratio
        if best is not None:
            self._claim(best)
        return best

    def _candidates(self, code: str, wanted: str) -> list[int]:
        """Leftovers sharing the most of `wanted`'s shingles, rarer shingles weighing more;
        the commonest are read only while the budget lasts."""
        # Sorted by name among equals too: set order changes from one process to the next,
        # and the preview and the save must pair alike.
        shared = sorted((len(self.holders[(code, s)]), s) for s in _shingles(wanted)
                        if (code, s) in self.holders)
        score: dict[int, float] = defaultdict(float)
        budget = BUDGET
        for _, shingle in shared:
            holders = self.holders[(code, shingle)]
            if budget <= 0:
                break
            weight = 1 / len(holders)
            for n in islice(holders, budget):
                score[n] += weight
            budget -= len(holders)
        return nsmallest(CANDIDATES, score, key=lambda n: (-score[n], n))

    def _claim(self, number: int) -> None:
        task = self.tasks.pop(number)
        for shingle in _shingles(self.folded.pop(number)):
            key = (task.criterion.code, shingle)
            del self.holders[key][number]
            if not self.holders[key]:
                del self.holders[key]

    def remaining(self) -> list[Task]:
        return list(self.tasks.values())


def plan_changes(session: Session, school_id: int, draft: PlanDraft) -> PlanChanges:
    """What importing `draft` would do to the school's current plan; writes nothing."""
    plan = current_plan(session, school_id)
    match = match_tasks(open_plan_tasks(session, plan.id) if plan else [], draft)
    return PlanChanges(added=match.count("added"), kept=match.count("kept"),
                       adjusted=match.count("adjusted"), closed=len(match.closed))


def save_plan(session: Session, school: School, draft: PlanDraft, clock: Clock,
              source_name: str | None = None, via: str = "cli",
              actor_id: int | None = None) -> PlanImportReport:
    """Write the plan. Re-importing keeps tasks whose text is unchanged (and their history);
    tasks no longer in the document are closed, never deleted. The import, and each task
    it rewords, go on the audit trail."""
    now = clock.now()
    if draft.school and not school.name:
        school.name = draft.school
    plan = current_plan(session, school.id)
    if plan is None:
        plan = Plan(school_id=school.id, imported_at=now)
        session.add(plan)
    plan.school_year = draft.school_year or plan.school_year
    plan.framework = draft.framework or plan.framework
    plan.level = draft.level or plan.level
    plan.source_name = source_name
    plan.updated_at = now
    session.flush()

    staff = active_staff(session, school.id)
    resolutions, names = resolve_owners(draft, staff), staff_names(staff)
    people = {m.id: m.name for m in staff}
    report = PlanImportReport(plan.id, len(draft.criteria), draft.task_count)
    for phrase, res in resolutions.items():
        if res.kind == "staff":
            report.resolved[phrase] = [people[i] for i in res.staff_ids]
        elif res.kind == "external":
            report.external.append(phrase)
        else:
            report.unresolved.append(phrase)

    criteria = {c.code: c for c in session.scalars(
        select(Criterion).where(Criterion.plan_id == plan.id))}
    match = match_tasks(open_plan_tasks(session, plan.id), draft)
    ordered = sorted(draft.criteria, key=lambda c: criterion_sort_key(c.id))
    for position, cdraft in enumerate(ordered):
        criterion = criteria.get(cdraft.id)
        if criterion is None:
            criterion = Criterion(plan_id=plan.id, school_id=school.id, code=cdraft.id,
                                  standard=int(cdraft.id.split(".")[0]))
            session.add(criterion)
            criteria[cdraft.id] = criterion
        criterion.position = position
        criterion.title = cdraft.title or criterion_title(draft.framework, cdraft.id)
        criterion.target = cdraft.target
        criterion.assessed_level = cdraft.assessed_level or criterion.assessed_level
        session.flush()
        for task_position, tdraft in enumerate(cdraft.tasks):
            task, kind = match.pairs[(cdraft.id, task_position)]
            if task is None:
                task = Task(school_id=school.id, plan_id=plan.id, criterion_id=criterion.id,
                            text=tdraft.text)
                session.add(task)
            elif kind == "adjusted":
                # The plan as written at the start of the year stays on record.
                task.original_text = task.original_text or task.text
                audit.record(session, audit.PLAN_ADJUST, school.id, now, via, actor_id,
                             subject=tdraft.text, task_id=task.id, before=task.text)
                task.text, task.adjusted_at = tdraft.text, now
            setattr(report, kind, getattr(report, kind) + 1)
            task.position = task_position
            task.owners_text = tdraft.owners_text
            task.owner_phrases = tdraft.owners
            task.output, task.timeline = tdraft.output, tdraft.timeline
            task.support, task.note = tdraft.support, tdraft.note
            schedule = tdraft.schedule
            task.schedule_kind = schedule.kind if schedule else None
            task.schedule_every = schedule.every if schedule else None
            task.starts_on = schedule.start if schedule else None
            task.due_on = schedule.due if schedule else None
            _set_owners(task, tdraft.owners, tdraft.owners_text, resolutions, names)
    for task in match.closed:
        task.closed_at = now
        report.closed += 1
    _replace_checkpoints(session, plan, draft)
    audit.record(session, audit.PLAN_IMPORT, school.id, now, via, actor_id,
                 subject=source_name, criteria=report.criteria, tasks=report.tasks,
                 added=report.added, kept=report.kept, adjusted=report.adjusted,
                 closed=report.closed)
    session.flush()
    return report


def _replace_checkpoints(session: Session, plan: Plan, draft: PlanDraft) -> None:
    """A document without a monitoring table (the corrected spreadsheet, say) keeps the
    review moments the plan has."""
    if not draft.checkpoints:
        return
    session.execute(delete(Checkpoint).where(Checkpoint.plan_id == plan.id))
    for position, checkpoint in enumerate(draft.checkpoints):
        schedule = checkpoint.schedule
        session.add(Checkpoint(plan_id=plan.id, school_id=plan.school_id, position=position,
                               when_text=checkpoint.when, content=checkpoint.content,
                               reviewer=checkpoint.reviewer,
                               due_on=schedule.due if schedule else None))


def _set_owners(task: Task, phrases: list[str], owners_text: str | None,
                resolutions: dict[str, Resolution], names: set[str]) -> None:
    leads = lead_phrase_count(owners_text, names)
    wanted: dict[int, tuple[bool, str]] = {}
    for index, phrase in enumerate(phrases):
        for staff_id in resolutions[phrase].staff_ids:
            if staff_id not in wanted:
                wanted[staff_id] = (index < leads, phrase)
    for owner in list(task.owners):
        if owner.staff_id not in wanted:
            task.owners.remove(owner)
    have = {o.staff_id: o for o in task.owners}
    for staff_id, (is_lead, phrase) in wanted.items():
        owner = have.get(staff_id)
        if owner is None:
            task.owners.append(TaskOwner(staff_id=staff_id, is_lead=is_lead, phrase=phrase))
        else:
            owner.is_lead, owner.phrase = is_lead, phrase


# Built once: a turn of /capnhat or /nhiemvu runs them, and building one cost about what
# running it did. Each task comes with its criterion from the same row.
_OWNED = Task.id.in_(select(TaskOwner.task_id).where(
    TaskOwner.staff_id.in_(bindparam("staff_ids", expanding=True))))
_TASKS_OF = (select(Task).join(Criterion, Criterion.id == Task.criterion_id)
             .where(_OWNED, Task.closed_at.is_(None))
             .options(contains_eager(Task.criterion))
             .order_by(Task.school_id, Criterion.position, Task.position, Task.id))
_OWNS = select(exists().where(Task.id == bindparam("task_id"), _OWNED,
                              Task.closed_at.is_(None),
                              Criterion.id == Task.criterion_id))


def tasks_of(session: Session, staff_ids: list[int]) -> list[Task]:
    """Open tasks owned by any of these staff records, in plan order."""
    if not staff_ids:
        return []
    return list(session.scalars(_TASKS_OF, {"staff_ids": staff_ids}))


def owns_task(session: Session, staff_ids: list[int], task_id: int) -> bool:
    """Whether the task is among `tasks_of` these staff records, without loading them."""
    return bool(staff_ids) and session.scalar(_OWNS, {"staff_ids": staff_ids,
                                                      "task_id": task_id})


def open_tasks(session: Session, school_id: int) -> list[Task]:
    return list(
        session.scalars(
            select(Task)
            .join(Criterion, Criterion.id == Task.criterion_id)
            .where(Task.school_id == school_id, Task.closed_at.is_(None))
            .options(selectinload(Task.criterion))
            .order_by(Criterion.position, Task.position, Task.id)
        )
    )


def set_calendar(session: Session, school: School, cal: SchoolCalendar, at: datetime,
                 via: str, actor_id: int | None = None) -> int:
    """The school's calendar changed: open tasks are read again on it and the settings that
    changed go on the audit trail (old and new); how many tasks moved. A save that changes
    nothing writes nothing."""
    before, after = school_calendar(school).to_json(), cal.to_json()
    changed = {key: [before[key], value] for key, value in after.items()
               if before[key] != value}
    if not changed:
        return 0
    school.calendar = after
    audit.record(session, audit.CALENDAR, school.id, at, via, actor_id, **changed)
    return reschedule(session, school, cal)


def reschedule(session: Session, school: School, cal: SchoolCalendar) -> int:
    """Read every open task's timeline again on a changed calendar; how many moved."""
    plan = current_plan(session, school.id)
    if plan is None:
        return 0
    moved = 0
    for task in session.scalars(select(Task).where(Task.plan_id == plan.id,
                                                   Task.closed_at.is_(None))):
        if not task.timeline:
            continue
        schedule = parse_timeline(task.timeline, plan.school_year, cal)
        fields = (schedule.kind, schedule.every, schedule.start, schedule.due)
        if fields != (task.schedule_kind, task.schedule_every, task.starts_on, task.due_on):
            (task.schedule_kind, task.schedule_every, task.starts_on, task.due_on) = fields
            moved += 1
    for checkpoint in session.scalars(select(Checkpoint).where(Checkpoint.plan_id == plan.id)):
        checkpoint.due_on = parse_timeline(checkpoint.when_text, plan.school_year, cal).due
    return moved
