"""A school lived through a whole school year on a fixed clock: the real reminder planner,
outbox and sender; answers given through the real conversation engine, pressing the
buttons of the messages people received, the day they received them.

Used by the year test (tests/reminders/test_year.py) and bench/year_bench.py, which prints
messages a month per persona. Personas:

- answers: opens every message that asks for an update and answers each task it lists
  («Đang thực hiện», what was done; a late task «Chậm tiến độ» with a reason and a new
  date);
- late: answers too, but every task as «Chậm tiến độ», with a reason;
- silent: never answers.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import FixedClock
from core.messages import Capabilities, Reply
from handlers.engine import Engine
from readers.plan_complete import complete_draft
from readers.owners import staff_roles
from readers.plan_draft import CriterionDraft, PlanDraft, TaskDraft
from readers.staff_sheet import StaffRow
from reminders.limits import RateLimiter
from reminders.scheduler import ReminderService
from reminders.sender import Delivery
from storage.evidence_store import EvidenceStore
from storage.models import Account, Staff
from storage.plans import save_plan
from storage.schools import pick_school
from storage.staff_repo import import_staff
from templates.render import Renderer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CHANNEL = Capabilities("test", per_second=1e6, chat_interval=0.0)
FIRST_CHAT = 810_000
# The moments of a day the scheduler looks (the calendar's digest, alert and send times, and
# later ones for what answers change), and when people answer what they received.
TICKS = (time(7, 0), time(7, 30), time(8, 0), time(11, 0), time(16, 0))
# Enough for the default calendar (07:00 digest, 07:30 alerts, 08:00 the rest): what is due
# at 07:30 goes at 08:00, with the same moment written on it.
FEW_TICKS = (time(7, 0), time(8, 0), time(11, 0))
ANSWER_AFTER = time(11, 0)
CRITERIA = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4",
            "4.1", "4.2", "4.3", "4.4")
GROUPS = ("Tổ Toán - Tin", "Tổ Ngữ văn", "Tổ Khoa học tự nhiên", "Tổ Sử - Địa",
          "Tổ Ngoại ngữ")


@dataclass
class Person:
    staff_id: int
    chat: str
    name: str
    roles: list[str]
    persona: str  # answers | late | silent

    @property
    def role(self) -> str:
        """How the figures group people: principal, monitoring, leader, teacher."""
        if "HT" in self.roles:
            return "principal"
        if "PHT" in self.roles:
            return "deputy"
        if "GS" in self.roles:
            return "monitoring"
        if "TTCM" in self.roles:
            return "leader"
        return "teacher"


@dataclass
class Received:
    at: datetime  # school time
    chat: str
    reply: Reply


class Recorder:
    """A channel that delivers everything at the clock's time and remembers it."""

    def __init__(self, clock: FixedClock) -> None:
        self.caps = CHANNEL
        self.limiter = RateLimiter(CHANNEL)
        self.clock = clock
        self.received: list[Received] = []

    async def deliver(self, chat_id: str, reply: Reply) -> Delivery:
        self.received.append(Received(self.clock.now().astimezone(TZ), chat_id, reply))
        return Delivery("sent", message_id=str(len(self.received)))


@dataclass
class YearSchool:
    code: str
    first_year: int
    people: dict[str, Person]  # by chat id
    tasks: int
    received: list[Received] = field(default_factory=list)
    # What the answering people's turns answered them, as the channel sends it (a notice
    # and the question after it in one message).
    replies: list[Received] = field(default_factory=list)

    def by_persona(self) -> dict[tuple[str, str], list[Person]]:
        found: dict[tuple[str, str], list[Person]] = defaultdict(list)
        for person in self.people.values():
            found[(person.role, person.persona)].append(person)
        return found

    @property
    def messages(self) -> list[Received]:
        """What people received, but the pictures that go with a text (the digest's chart):
        one a message."""
        return [r for r in self.received if r.reply.photo is None]

    def per_month(self) -> dict[str, Counter]:
        """chat → Counter of messages by month ("2026-10")."""
        counts: dict[str, Counter] = {chat: Counter() for chat in self.people}
        for item in self.messages:
            if item.chat in counts:
                counts[item.chat][f"{item.at:%Y-%m}"] += 1
        return counts


def build_year_school(sessions: sessionmaker[Session], clock: FixedClock, first_year: int,
                      staff: int = 40, tasks: int = 120, seed: int = 7,
                      code: str = "namhoc") -> YearSchool:
    """A plan of `tasks` tasks with mixed timelines for `staff` people, everyone linked on
    the test channel, as of `clock` (before the year starts)."""
    rng = random.Random(seed)
    rows = _staff_rows(staff)
    with sessions.begin() as session:
        school = pick_school(session, code, clock, create=True)
        import_staff(session, school, rows)
        members = session.scalars(select(Staff).where(Staff.school_id == school.id)
                                  .order_by(Staff.id)).all()
        draft = PlanDraft(school_year=f"{first_year}-{first_year + 1}", framework="TT57/2026",
                          criteria=_criteria(rng, tasks, first_year, members))
        save_plan(session, school, complete_draft(draft), clock)
        people = {}
        for n, member in enumerate(members):
            chat = str(FIRST_CHAT + member.id)
            roles = sorted(staff_roles(member))
            people[chat] = Person(member.id, chat, member.name, roles, _persona(n, roles))
        session.execute(insert(Account), [
            {"school_id": school.id, "staff_id": p.staff_id, "channel": "test",
             "external_user_id": p.chat, "chat_id": p.chat, "linked_at": clock.now(),
             "linked_by": "test"} for p in people.values()])
    return YearSchool(code, first_year, people, tasks)


def _staff_rows(count: int) -> list[StaffRow]:
    rows = [("HT", "Ban giám hiệu"), ("PHT", "Ban giám hiệu"), ("PHT", "Ban giám hiệu"),
            ("GV, Tổ giám sát", GROUPS[0]), ("NV Văn thư, Tổ giám sát", "Tổ Văn phòng")]
    for group in GROUPS:
        rows.append(("TTCM, GVBM", group))
    rows += [("NV Kế toán", "Tổ Văn phòng"), ("NV Thiết bị", "Tổ Văn phòng")]
    n = 0
    while len(rows) < count:
        rows.append(("GVCN, GVBM" if n % 2 else "GVBM", GROUPS[n % len(GROUPS)]))
        n += 1
    return [StaffRow(line=i + 2, name=f"Người {i:02d} Thị {_given(i)}", phone=f"0913{i:06d}",
                     phone_norm=f"0913{i:06d}", roles=[r.strip() for r in roles.split(",")],
                     group=group)
            for i, (roles, group) in enumerate(rows[:count])]


def _given(i: int) -> str:
    names = ("An", "Bình", "Chi", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga")
    return f"{names[i % len(names)]}{i // len(names) or ''}"


def _persona(n: int, roles: list[str]) -> str:
    if "HT" in roles:
        return "answers"
    return ("answers", "late", "silent")[n % 3]


def _criteria(rng: random.Random, count: int, first: int, members) -> list[CriterionDraft]:
    nxt = first + 1
    timelines = (
        ["Hàng tháng"] * 5
        + [f"Tháng 10/{first}", f"Tháng 11/{first}", f"Tháng 12/{first}", f"Tháng 3/{nxt}",
           f"Tháng 4/{nxt}", "Học kỳ I", "Cuối học kỳ I", "Cuối năm học", "Học kỳ II",
           f"Năm học {first}-{nxt}", "Quý II", f"Tháng 7/{nxt}", "Thường xuyên",
           f"Tháng 9/{first} - tháng 5/{nxt}", "Hàng tuần"])
    teachers = [m for m in members if "HT" not in m.roles]
    criteria = {code: CriterionDraft(code) for code in CRITERIA}
    for n in range(count):
        owners = [rng.choice(teachers).name]
        if n % 4 == 0:
            owners.append(rng.choice(members).name)
        if n % 10 == 0:
            owners = ["HT"]
        text = f"Nhiệm vụ số {n + 1}: tổ chức hoạt động cải tiến {rng.randint(1, 999)}"
        criteria[CRITERIA[n % len(CRITERIA)]].tasks.append(TaskDraft(
            text, owners=list(dict.fromkeys(owners)), owners_text=", ".join(owners),
            timeline=rng.choice(timelines)))
    return list(criteria.values())


class YearRun:
    """Drive the school from `start` to `end` (school days and holidays alike)."""

    def __init__(self, school: YearSchool, sessions: sessionmaker[Session], clock: FixedClock,
                 evidence_dir, ticks: tuple[time, ...] = TICKS) -> None:
        self.school = school
        self.ticks = ticks
        self.clock = clock
        self.recorder = Recorder(clock)
        renderer = Renderer()
        self.service = ReminderService(sessions, renderer, clock, {"test": self.recorder})
        self.engine = Engine(sessions, renderer, EvidenceStore(evidence_dir), clock,
                             channels={"test": CHANNEL})
        self.turns = 0

    async def run(self, start: date, end: date) -> None:
        day = start
        while day <= end:
            for moment in self.ticks:
                self._move(datetime.combine(day, moment, tzinfo=TZ))
                if moment == ANSWER_AFTER:
                    await self._answer(day)
                else:
                    await self.service.run_once()
            day += timedelta(days=1)
        self.school.received = list(self.recorder.received)

    def _move(self, moment: datetime) -> None:
        self.clock.advance(seconds=(moment - self.clock.now()).total_seconds())

    async def _answer(self, day: date) -> None:
        for item in self.recorder.received:
            if item.at.date() != day or item.chat not in self.school.people:
                continue
            person = self.school.people[item.chat]
            if person.persona == "silent":
                continue
            start = _update_button(item.reply)
            if start is not None:
                await self._walk(person, start)

    async def _walk(self, person: Person, start: str) -> None:
        """Press the message's «Cập nhật ngay», then answer each task it walks through."""
        replies = await self._say(person, choice=start)
        for _ in range(60):
            choice = _choice_in(replies, "status:")
            if choice is None:
                return
            late = person.persona == "late" or "quá hạn" in replies[-1].text
            replies = await self._say(person, choice="status:late" if late
                                      else "status:in_progress")
            replies = await self._say(person, text="Đã triển khai theo kế hoạch của tổ.")
            if late:
                reason = (f"Chờ kinh phí, dự kiến xong 30/04/{self.school.first_year + 1}"
                          if person.persona == "answers" else "Chờ kinh phí của Phòng.")
                replies = await self._say(person, text=reason)
            replies = await self._say(person, choice="ev:skip")
            replies = await self._say(person, choice="confirm:save")
            following = _choice_in(replies, "r:")
            if following is None:
                return
            replies = await self._say(person, choice=following)

    async def _say(self, person: Person, text: str | None = None,
                   choice: str | None = None) -> list[Reply]:
        from core.messages import Incoming

        from templates.shaping import joined

        self.turns += 1
        replies = await self.engine.handle(Incoming(
            channel="test", user_id=person.chat, chat_id=person.chat,
            event_id=f"year-{self.turns}", text=text, choice=choice))
        now = self.clock.now().astimezone(TZ)
        self.school.replies.extend(Received(now, person.chat, r) for r in joined(replies))
        return replies


def _update_button(reply: Reply) -> str | None:
    return _choice_in([reply], "r:")


def _choice_in(replies: list[Reply], prefix: str) -> str | None:
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                if button.data.startswith(prefix):
                    return button.data
    return None


def monthly_figures(school: YearSchool, months: list[str]) -> dict[tuple[str, str], dict]:
    """(role, persona) → median and maximum messages a month over the people and the
    months given (the school months)."""
    import statistics

    counts = school.per_month()
    figures = {}
    for key, people in sorted(school.by_persona().items()):
        values = [counts[p.chat][m] for p in people for m in months]
        figures[key] = {"people": len(people), "median": statistics.median(values),
                        "max": max(values), "total": sum(values)}
    return figures
