"""What each person is to be told, and when — computed from the plan, its timelines, the
school calendar and what people have already answered and received; never from jobs typed
in by hand. The scheduler and `caitien reminders preview` both ask this module, so the
preview is what will be sent.

Two steps. `items` lists what is due to whom (a check-in, a countdown, a term review, a
follow-up, a rung of the overdue ladder, the weekly digest, a silence alert), each on an
allowed moment of the calendar. `Mailer.day` then makes of everything due to one person on
one day one message, within the person's monthly budget: what the budget does not allow
waits and goes with the next message (a check-in, a review, the board's weekly digest)."""

from __future__ import annotations

import bisect
import calendar as months
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from core.calendar import SchoolCalendar
from readers.owners import BOARD, MONITOR, led_group
from readers.timelines import DATED, Schedule, school_year_start

CHECKINS = ("monthly", "term_review")
# Messages that always go: the month's check-in, the term review, the board's digest. The
# rest (countdowns, follow-ups, alerts) fill the budget around them.
ANCHORS = (*CHECKINS, "digest")
# The kind a message is filed under: the first of these it carries.
KIND_ORDER = ("term_review", "monthly", "digest", "overdue", "deadline", "chase", "nudge",
              "silent")
LADDER = ("owner", "leader", "monitor", "principal")
GROUP = None  # the board's group chat, a recipient that is nobody
LOOKBACK = timedelta(days=45)  # how far back something not yet sent is still looked for
# How far back what was told counts (a silence is about the last check-ins of this term,
# not of last May); reminders/state.py reads the outbox this far back.
HISTORY = LOOKBACK + timedelta(days=31)
# What is not a check-in, review or digest waits this long for one coming to the same
# person, and goes with it (a countdown the day before the month's check-in).
MERGE_AHEAD = timedelta(days=3)
STALE_NUDGE = timedelta(days=7)
SNOOZE_LONGEST = timedelta(days=7)  # the longest «Nhắc lại sau» (reminders/messages.py)
STALE_SILENT = timedelta(days=7)
DIGEST_LATE = timedelta(days=2)  # a Monday holiday moves the digest; later, the week has none
# Someone still silent is named again to the monitoring team after this long.
RENAME_AFTER = timedelta(days=56)
# What only asks someone to look at others' work (chase a late task, who is silent) goes once
# a week, on the week's first school day, with whatever else that person has then.
WEEKLY = ("chase", "silent")


@dataclass(frozen=True)
class TaskInfo:
    id: int
    code: str
    schedule: Schedule
    finished: bool  # done, and not a recurring task (those are never done for good)
    owners: tuple[int, ...]


@dataclass(frozen=True)
class Review:
    """A term review moment: the end of học kỳ I, the end of the year, or a monitoring
    checkpoint of a 57/2026 plan."""

    ends_on: date
    label: str  # "hk1" | "year" | the checkpoint's date


@dataclass(frozen=True)
class Person:
    id: int
    roles: frozenset[str]
    group: str  # folded


@dataclass(frozen=True)
class Answer:
    """The newest update an owner gave on a task: it quiets the task's alerts until
    `quiet_until`."""

    at: datetime
    quiet_until: date


@dataclass
class SchoolState:
    """Everything the planner reads about one school, loaded by reminders/state.py."""

    school_id: int
    tz: ZoneInfo
    calendar: SchoolCalendar
    school_year: str
    tasks: list[TaskInfo]
    people: dict[int, Person] = field(default_factory=dict)
    paused_until: dict[int, date] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    # (staff, task) → when that person last updated that task
    updated: dict[tuple[int, int], datetime] = field(default_factory=dict)
    task_updated: dict[int, datetime] = field(default_factory=dict)  # task → by anyone
    owner_answers: dict[int, Answer] = field(default_factory=dict)  # task → newest
    board_group: bool = False
    since: datetime | None = None  # the plan's import: nothing is due before it

    def __post_init__(self) -> None:
        self.by_id = {t.id: t for t in self.tasks}

    def answered(self, staff_id: int, task_id: int, since: datetime | None) -> bool:
        """Whether this person updated this task since then."""
        at = self.updated.get((staff_id, task_id))
        return at is not None and (since is None or at >= since)

    def task_answered(self, task_id: int, since: datetime | None) -> bool:
        """Whether anyone updated this task since then: a co-owner's answer is the task's."""
        at = self.task_updated.get(task_id)
        return at is not None and (since is None or at >= since)

    def answer(self, staff_id: int, task_id: int, at: datetime) -> None:
        self.updated[(staff_id, task_id)] = at
        self.task_updated[task_id] = max(at, self.task_updated.get(task_id, at))

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.tz)


@dataclass(frozen=True)
class Item:
    """One thing to tell one person."""

    kind: str  # monthly | term_review | deadline | nudge | overdue | chase | digest | silent
    key: str  # the same thing told again has the same key: it is told once
    at: datetime  # aware; on an allowed moment of the calendar
    task_ids: tuple[int, ...] = ()
    period: str = ""
    since: datetime | None = None  # answers from then on count (check-ins, countdowns)
    expires: datetime | None = None  # no longer worth telling from then on
    rung: int | None = None  # a step of the overdue ladder
    names: tuple[int, ...] = ()  # the people a silence alert names
    dated: bool = False  # the plan dates it in the summer break: it may go there

    def to_json(self) -> dict:
        data: dict = {"kind": self.kind, "key": self.key, "at": self.at.isoformat()}
        if self.task_ids:
            data["tasks"] = list(self.task_ids)
        if self.period:
            data["period"] = self.period
        if self.since is not None:
            data["since"] = self.since.isoformat()
        if self.rung is not None:
            data["rung"] = self.rung
        if self.names:
            data["names"] = list(self.names)
        return data

    @classmethod
    def from_json(cls, data: dict, at: datetime | None = None) -> "Item":
        """The item as written; `at`, when given, instead of the moment written (a tick
        reads weeks of items each time: the moment is its message's, already read)."""
        since = data.get("since")
        return cls(data["kind"], data["key"], at or datetime.fromisoformat(data["at"]),
                   tuple(data.get("tasks", ())), data.get("period", ""),
                   datetime.fromisoformat(since) if since else None,
                   rung=data.get("rung"), names=tuple(data.get("names", ())))


@dataclass(frozen=True)
class Message:
    """Everything due to one recipient on one day, as one message."""

    staff_id: int | None  # GROUP: the board's group chat
    at: datetime
    items: tuple[Item, ...]

    @property
    def kind(self) -> str:
        kinds = {i.kind for i in self.items}
        return next(k for k in KIND_ORDER if k in kinds)

    @property
    def day(self) -> date:
        return self.at.date()

    @property
    def task_ids(self) -> tuple[int, ...]:
        """The tasks the person is asked to update, each once: their own late ones, then
        those close to their deadline, the review's, the month's, the follow-up's."""
        order = ("overdue", "deadline", "term_review", "monthly", "nudge")
        seen: dict[int, None] = {}
        for kind in order:
            for item in self.items:
                if item.kind == kind:
                    seen.update(dict.fromkeys(item.task_ids))
        return tuple(seen)


@dataclass
class History:
    """What was already told: read from the outbox by reminders/state.py, or grown by the
    preview as it goes."""

    told: dict[int | None, dict[str, Item]] = field(default_factory=dict)  # recipient → key
    days: dict[int | None, set[date]] = field(default_factory=dict)  # days a message went
    ladder: dict[int, dict[int, datetime]] = field(default_factory=dict)  # task → rung → at
    alerted: dict[int, set[int]] = field(default_factory=dict)  # task → people told it late
    # recipient → check-in key → "remind me later" moments
    snoozes: dict[int, dict[str, list[datetime]]] = field(default_factory=dict)
    # recipient → the check-ins and reviews told, in time order
    checkins: dict[int | None, list[Item]] = field(default_factory=dict)

    def tell(self, recipient: int | None, item: Item) -> None:
        """`item` was told `recipient` (at `item.at`); in time order."""
        self.told.setdefault(recipient, {})[item.key] = item
        if item.kind in CHECKINS:
            self.checkins.setdefault(recipient, []).append(item)

    def record(self, message: Message) -> None:
        for item in message.items:
            self.tell(message.staff_id, replace(item, at=message.at))
            if item.rung is not None:
                rungs = self.ladder.setdefault(int(item.key.split(":")[1]), {})
                rungs.setdefault(item.rung, message.at)
                self.alerted.setdefault(int(item.key.split(":")[1]), set()).add(
                    message.staff_id)
        self.days.setdefault(message.staff_id, set()).add(message.day)


# --- what is due to whom, regardless of what was told ------------------------------------

def fixed_items(state: SchoolState) -> dict[int | None, list[Item]]:
    """The items the calendar and the plan fix in advance — check-ins, term reviews,
    countdowns, digests — per recipient, in time order. What was answered narrows them
    later (`Mailer.still_due`). Kept while the plan, its owners and the calendar stay as
    they are: every tick asks again."""
    board = frozenset(p.id for p in state.people.values() if p.roles & BOARD)
    return _fixed_items(state.school_id, state.tz, state.calendar, state.school_year,
                        tuple(state.tasks), tuple(state.reviews), board, state.board_group,
                        state.since)


@lru_cache(maxsize=64)
def _fixed_items(school_id, tz, calendar, school_year, tasks, reviews, board, board_group,
                 since) -> dict[int | None, list[Item]]:
    state = SchoolState(school_id, tz, calendar, school_year, list(tasks),
                        people={i: Person(i, frozenset(BOARD), "") for i in board},
                        reviews=list(reviews), board_group=board_group, since=since)
    found: dict[int | None, list[Item]] = {}
    for staff_id, item in (*_monthly(state), *_term_reviews(state), *_deadlines(state),
                           *_digests(state)):
        if state.since is None or item.at >= state.since:
            found.setdefault(staff_id, []).append(item)
    for items in found.values():
        items.sort(key=lambda i: (i.at, i.key))
    return found


def _monthly(state: SchoolState):
    cal, first = state.calendar, school_year_start(state.school_year)
    year_start, year_end = cal.start(first), cal.end(first)
    month = date(year_start.year, year_start.month, 1)
    moments = []
    while month <= year_end:
        last_day = months.monthrange(month.year, month.month)[1]
        at = cal.next_allowed(state.local(month.replace(day=min(cal.checkin_day, last_day)),
                                          cal.send_time))
        if year_start <= at.date() <= year_end:
            moments.append((month, month.replace(day=last_day), at))
        month = (month + timedelta(days=32)).replace(day=1)
    for n, (first_day, last_day, at) in enumerate(moments):
        expires = moments[n + 1][2] if n + 1 < len(moments) else state.local(
            year_end + timedelta(days=1), time(0))
        for staff_id, task_ids in _by_owner(
                t for t in state.tasks if _active_in(t, first_day, last_day)).items():
            yield staff_id, Item("monthly", f"monthly:{first_day:%Y-%m}", at, task_ids,
                                 f"{first_day:%Y-%m}", since=state.local(first_day, time(0)),
                                 expires=expires)


def _active_in(task: TaskInfo, first: date, last: date) -> bool:
    """A task is asked about in a month unless it is done, has not started yet, or (when
    recurring) its run is over. Late tasks are asked about until they are done."""
    if task.finished:
        return False
    schedule = task.schedule
    if schedule.start and schedule.start > last:
        return False
    if schedule.kind == "recurring" and schedule.due and schedule.due < first:
        return False
    return True


def _deadlines(state: SchoolState):
    cal = state.calendar
    offsets = sorted(set(cal.deadline_days), reverse=True)
    for task in state.tasks:
        due = task.schedule.due
        if task.finished or task.schedule.kind not in DATED or due is None:
            continue
        since = None
        for days in offsets:
            at = _before(state, due - timedelta(days=days), due)
            if at is None:
                continue
            for staff_id in task.owners:
                yield staff_id, Item(
                    "deadline", f"deadline:{task.id}:{at.date().isoformat()}", at, (task.id,),
                    due.isoformat(), since=since or at - timedelta(days=7),
                    expires=state.local(due, time(0)), dated=True)
            since = at


def _before(state: SchoolState, day: date, deadline: date) -> datetime | None:
    """The allowed moment for a countdown planned on `day`: the next one, or the previous
    one when the next would be on or after the deadline."""
    cal = state.calendar
    planned = state.local(day, cal.send_time)
    at = cal.next_allowed(planned, dated=True)
    if at.date() < deadline:
        return at
    earlier = cal.previous_allowed(planned, dated=True)
    return earlier if earlier.date() < deadline else None


def _term_reviews(state: SchoolState):
    """Two weeks before each review moment; moved before a holiday that would swallow it
    (a review on 1 January comes on the last school day of December)."""
    cal = state.calendar
    for review in state.reviews:
        planned = state.local(review.ends_on - timedelta(days=cal.review_days), cal.send_time)
        at = cal.previous_allowed(planned)
        if at.date() >= review.ends_on or (planned - at).days > cal.review_days:
            at = cal.next_allowed(planned)
            if at.date() >= review.ends_on:
                continue
        month_start = state.local(at.date().replace(day=1), time(0))
        since = min(month_start, at - timedelta(days=cal.review_days))
        period = f"{state.school_year}:{review.label}"
        for staff_id, task_ids in _by_owner(t for t in state.tasks if not t.finished).items():
            yield staff_id, Item("term_review", f"term_review:{period}", at, task_ids, period,
                                 since=since, expires=state.local(review.ends_on, time(0)))


def _digests(state: SchoolState):
    """Monday's digest to the board and its group, through the school year."""
    cal, first = state.calendar, school_year_start(state.school_year)
    board = [p.id for p in state.people.values() if p.roles & BOARD]
    if state.board_group:
        board.append(GROUP)
    day = cal.start(first)
    day -= timedelta(days=(day.weekday() - cal.digest_day) % 7)
    last = cal.end(first) + timedelta(days=7)
    while day <= last:
        at = cal.next_allowed(state.local(day, cal.digest_time))
        week = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
        if at.date() - day <= DIGEST_LATE:
            for staff_id in board:
                yield staff_id, Item("digest", f"digest:{week}", at, (), week,
                                     expires=at + timedelta(hours=cal.grace_hours))
        day += timedelta(days=7)


def _by_owner(tasks) -> dict[int, tuple[int, ...]]:
    owned: dict[int, list[int]] = {}
    for task in tasks:
        for staff_id in task.owners:
            owned.setdefault(staff_id, []).append(task.id)
    return {staff_id: tuple(ids) for staff_id, ids in owned.items()}


# --- one day's messages --------------------------------------------------------------------

def sends_on(calendar: SchoolCalendar, day: date) -> bool:
    """Whether anything scheduled may go on `day`: nothing on a rest day or a holiday (the
    summer break carries what the plan dates there). The scheduler asks it before reading
    the school, so a Sunday's ticks read nothing."""
    return calendar.allowed_day(day, dated=True)


class Mailer:
    """Decides, day by day, what goes to whom. The scheduler asks for today (with `now`: only
    what has come); the preview asks for each day in turn, recording what went."""

    def __init__(self, state: SchoolState, history: History) -> None:
        self.state = state
        self.history = history
        self.fixed = fixed_items(state)
        self._ats = {r: [i.at for i in items] for r, items in self.fixed.items()}
        self._anchors = {r: sorted(i.at for i in items if i.kind in ANCHORS)
                         for r, items in self.fixed.items()}
        self._allowed: dict[tuple[datetime, bool], datetime] = {}
        self._rungs: dict[tuple[int, tuple[int, ...]], frozenset[int]] = {}
        self._climbed: set[int] = set()  # tasks whose ladder has nobody left to tell
        self._anchor_days = {r: sorted({at.astimezone(state.tz).date() for at in ats})
                             for r, ats in self._anchors.items()}

    def day(self, day: date, now: datetime | None = None) -> list[Message]:
        """The messages of `day` (school time), one a recipient at most; with `now`, only
        those whose moment has come."""
        cal, tz = self.state.calendar, self.state.tz
        if not sends_on(cal, day):
            return []
        start = self.state.local(day, time(0))
        end = start + timedelta(days=1)
        due: dict[int | None, list[Item]] = {}
        for recipient, items in self.fixed.items():
            ats = self._ats[recipient]
            for item in items[bisect.bisect_left(ats, start - LOOKBACK):
                               bisect.bisect_left(ats, end)]:
                due.setdefault(recipient, []).append(item)
        for recipient, item in (*self._nudges(end), *self._ladder(day), *self._silence(day)):
            due.setdefault(recipient, []).append(item)
        messages = []
        for recipient, items in due.items():
            if day in self.history.days.get(recipient, ()) or self._paused(recipient, day):
                continue
            pending = [i for i in (self.still_due(recipient, item) for item in items)
                       if i is not None]
            if not cal.allowed_day(day):
                pending = [i for i in pending if i.dated]
            if not pending:
                continue
            today = [i.at for i in pending if i.at >= start]
            at = min(today) if today else self.state.local(day, cal.send_time)
            pending = [i for i in pending if i.expires is None or i.expires > max(at, now or at)]
            if not pending:
                continue
            if now is not None and at > now:
                continue
            if recipient is not GROUP and (self._can_wait(recipient, at, pending)
                                            or not self._within_budget(recipient, day, pending)):
                continue
            messages.append(Message(recipient, at.astimezone(tz), tuple(
                sorted(pending, key=lambda i: (KIND_ORDER.index(i.kind), i.at, i.key)))))
        return sorted(messages, key=lambda m: (m.at, m.staff_id or 0))

    def still_due(self, recipient: int | None, item: Item) -> Item | None:
        """The item as it stands: None once told or answered; a check-in keeps only its
        tasks not answered since its period began. (Whether it is stale depends on the
        moment it would go: `day`.)"""
        if item.key in self.history.told.get(recipient, {}):
            return None
        if not item.task_ids or recipient is GROUP:
            return item
        state = self.state
        if item.kind in ("overdue", "chase"):
            task = state.by_id.get(item.task_ids[0])
            return item if task is not None and not task.finished else None
        tasks = tuple(t for t in item.task_ids if t in state.by_id
                      and not state.by_id[t].finished
                      and not state.task_answered(t, item.since))
        if not tasks:
            return None
        return item if tasks == item.task_ids else replace(item, task_ids=tasks)

    def _can_wait(self, recipient: int, at: datetime, pending: list[Item]) -> bool:
        """No check-in, review or digest among them, and one comes within a few days that
        all of them can wait for; or nothing but what goes weekly, on another day."""
        if any(i.kind in ANCHORS for i in pending):
            return False
        if all(i.kind in WEEKLY for i in pending):
            return at.date() != self._week_day(at.date())
        anchors = self._anchors.get(recipient, [])
        n = bisect.bisect_right(anchors, at)
        if n == len(anchors) or anchors[n] - at > MERGE_AHEAD:
            return False
        return all(i.expires is None or i.expires > anchors[n] for i in pending)

    def _within_budget(self, recipient: int, day: date, pending: list[Item]) -> bool:
        """Always when a check-in, review or digest is among them; else while the month's
        messages and the anchors still to come this month stay within the budget."""
        if any(i.kind in ANCHORS for i in pending):
            return True
        month = (day.year, day.month)
        sent = sum(1 for d in self.history.days.get(recipient, ()) if (d.year, d.month) == month)
        anchors = self._anchor_days.get(recipient, [])
        last = date(day.year, day.month, months.monthrange(day.year, day.month)[1])
        coming = bisect.bisect_right(anchors, last) - bisect.bisect_right(anchors, day)
        return sent + coming < self.state.calendar.budget

    def _next_allowed(self, moment: datetime, dated: bool = False) -> datetime:
        """The calendar's next allowed moment, kept: the ladder and the follow-ups ask for
        the same few moments many times a day."""
        key = (moment, dated)
        if key not in self._allowed:
            self._allowed[key] = self.state.calendar.next_allowed(moment, dated)
        return self._allowed[key]

    def _paused(self, recipient: int | None, day: date) -> bool:
        until = self.state.paused_until.get(recipient) if recipient is not GROUP else None
        return until is not None and day <= until

    # --- what follows from what was told -----------------------------------------------

    def _nudges(self, end: datetime):
        """One follow-up for a check-in that went out and got no answer: N days later, or
        when the person asked to be reminded ("Nhắc lại sau")."""
        cal = self.state.calendar
        # A follow-up comes within nudge_days or a snooze of its check-in and is stale a
        # week later: older check-ins have none left to give.
        oldest = end - timedelta(days=cal.nudge_days) - SNOOZE_LONGEST - STALE_NUDGE \
            - timedelta(days=14)  # holidays and the summer can push it on
        for recipient, checkins in self.history.checkins.items():
            if recipient is GROUP:
                continue
            first = len(checkins)
            while first and checkins[first - 1].at >= oldest:
                first -= 1
            for n, checkin in enumerate(checkins[first:], start=first):
                newer = checkins[n + 1].at if n + 1 < len(checkins) else None
                snoozed = self.history.snoozes.get(recipient, {}).get(checkin.key, [])
                moments = [(until, f"@{until.astimezone(self.state.tz):%Y%m%d%H%M}")
                           for until in snoozed] or (
                    [(checkin.at + timedelta(days=cal.nudge_days), "")] if cal.nudge_days
                    else [])
                for planned, suffix in moments:
                    at = self._next_allowed(planned.astimezone(self.state.tz))
                    if at >= end:
                        continue
                    expires = at + STALE_NUDGE
                    if newer is not None:
                        expires = min(expires, newer)
                    yield recipient, Item("nudge", f"nudge:{checkin.key}{suffix}", at,
                                          checkin.task_ids, checkin.period, since=checkin.since,
                                          expires=expires)

    def _ladder(self, day: date):
        """A late task is raised to its owners once, then a rung up every `escalate_days`
        (group leader, monitoring team, principal), each rung once and each person once; an
        owner's answer quiets it until the date they gave or for `late_quiet_days`."""
        state, cal = self.state, self.state.calendar
        step = timedelta(days=cal.escalate_days)
        for task in state.tasks:
            due = task.schedule.due
            if task.finished or task.schedule.kind not in DATED or due is None or due >= day \
                    or task.id in self._climbed:
                continue
            answer = state.owner_answers.get(task.id)
            quiet = answer.quiet_until if answer is not None else None
            raised = self.history.ladder.get(task.id, {})
            told = set(self.history.alerted.get(task.id, ()))
            owners = [o for o in task.owners if o in state.people]
            last: datetime | None = None
            for rung in range(len(LADDER)):
                if rung in raised:
                    at = raised[rung]
                else:
                    earliest = due + timedelta(days=1) + rung * step
                    if last is not None:
                        earliest = max(earliest, last.date() + step)
                    if quiet is not None:
                        earliest = max(earliest, quiet)
                    at = self._next_allowed(state.local(earliest, cal.alert_time))
                    if at.date() > day:
                        break
                who = self._rung_people(rung, owners) - told
                for staff_id in sorted(who):
                    yield staff_id, Item("overdue" if rung == 0 else "chase",
                                         f"overdue:{task.id}", at, (task.id,), due.isoformat(),
                                         rung=rung)
                told |= who
                last = at
                if who and rung not in raised:
                    break  # the next rung waits for this one
            else:  # every rung is due: once all its people were told, nothing is left
                if self.history.alerted.get(task.id, set()) >= self._everyone_on(owners):
                    self._climbed.add(task.id)

    def _everyone_on(self, owners: list[int]) -> frozenset[int]:
        return frozenset().union(*(self._rung_people(r, owners) for r in range(len(LADDER))))

    def _rung_people(self, rung: int, owners: list[int]) -> frozenset[int]:
        key = (rung, tuple(owners))
        if key not in self._rungs:
            self._rungs[key] = frozenset(self._who_at(rung, owners))
        return self._rungs[key]

    def _who_at(self, rung: int, owners: list[int]) -> set[int]:
        people = self.state.people.values()
        if rung == 0:
            return set(owners)
        if rung == 1:
            groups = {self.state.people[o].group for o in owners if self.state.people[o].group}
            found = {p.id for p in people if led_group(p.roles, p.group) in groups}
        else:
            board = {p.id for p in people if p.roles & BOARD}
            wanted = MONITOR if rung == 2 else "HT"
            found = {p.id for p in people if wanted in p.roles} or board
        return found - set(owners)  # nobody chases their own task

    def _silence(self, day: date):
        """Once a week, the monitoring team hears who let their last check-ins go unanswered
        — each person once, until they answer again."""
        state, cal = self.state, self.state.calendar
        if not cal.silent_after:
            return
        if self._week_day(day) != day:
            return
        monday = day - timedelta(days=day.weekday())
        at = state.local(day, cal.alert_time)
        silent: set[int] = set()
        recent = state.local(day, time(0)) - HISTORY
        for person_id, told in self.history.checkins.items():
            if person_id is GROUP or person_id not in state.people:
                continue
            checkins = [i for i in told if i.task_ids and i.at >= recent][-cal.silent_after:]
            if len(checkins) == cal.silent_after and not any(
                    state.answered(person_id, t, c.since) for c in checkins
                    for t in c.task_ids):
                silent.add(person_id)
        if not silent:
            return
        week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
        for recipient in sorted(self._rung_people(2, [])):
            named = self._named(recipient)
            names = tuple(sorted(
                p for p in silent if p != recipient
                and (named.get(p, _NEVER) <= self._last_answer(p)
                     or at - named[p] >= RENAME_AFTER)))
            if names:
                yield recipient, Item("silent", f"silent:{week}", at, (), week, names=names,
                                      expires=at + STALE_SILENT)

    def _week_day(self, day: date) -> date:
        """The first school day of `day`'s week (its Monday, unless that is a holiday)."""
        monday = day - timedelta(days=day.weekday())
        return self._next_allowed(self.state.local(monday, self.state.calendar.alert_time)).date()

    def _last_answer(self, person: int) -> datetime:
        return max((at for (who, _), at in self.state.updated.items() if who == person),
                   default=_NEVER)

    def _named(self, recipient: int) -> dict[int, datetime]:
        """Person → when a silence alert to `recipient` last named them."""
        named: dict[int, datetime] = {}
        for item in self.history.told.get(recipient, {}).values():
            if item.kind == "silent":
                for person in item.names:
                    named[person] = max(named.get(person, _NEVER), item.at)
        return named


_NEVER = datetime.min.replace(tzinfo=timezone.utc)
