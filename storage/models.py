"""The database schema. Every row that belongs to a school carries its school_id."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class District(Base):
    """A Phòng GD&ĐT: its accounts see every school of the district, read-only."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DistrictMember(Base):
    """Someone at the Phòng GD&ĐT who signs in to the web console."""

    __tablename__ = "district_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_norm: Mapped[str | None] = mapped_column(String(20), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    district: Mapped[District] = relationship()


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # reminders/calendar.py SchoolCalendar.to_json(); None means the defaults.
    calendar: Mapped[dict | None] = mapped_column(JSON)
    # The board's group chat, registered with /dangky there: it gets the weekly digest too.
    board_channel: Mapped[str | None] = mapped_column(String(20))
    board_chat_id: Mapped[str | None] = mapped_column(String(64))
    board_bot: Mapped[str | None] = mapped_column(String(32))  # the bot added to that group


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_norm: Mapped[str | None] = mapped_column(String(20), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    group: Mapped[str | None] = mapped_column(String(200))
    telegram_username: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # On leave: no reminders up to and including this day (set by BGH).
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Marked by the board as having left on this day: not active any more (no reminders, no
    # chat, no console), and only now may their personal data be erased.
    left_on: Mapped[date | None] = mapped_column(Date)
    # Left, and their personal data erased (storage/personal_data.py): the row stays so the
    # plan's history keeps who did what, under a placeholder name.
    forgotten_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()


class Account(Base):
    """A chat account linked to one staff record: at most one per school for an account,
    and one per channel for a person (Telegram and Zalo may both be theirs)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("school_id", "channel", "external_user_id"),
                      UniqueConstraint("staff_id", "channel", name="uq_accounts_staff_channel"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(20))
    external_user_id: Mapped[str] = mapped_column(String(64), index=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(20))
    # When the channel last refused to deliver (the person blocked the bot); cleared when
    # they write again.
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The bot they last wrote to (None: the deployment's default bot). Messages for them go
    # through it: a bot may only write to people who started it.
    bot: Mapped[str | None] = mapped_column(String(32))
    # When they last wrote through this account: reminders go to the channel they used last.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[Staff] = relationship()


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One code links each channel once: the channels it has linked so far.
    used_on: Mapped[list[str]] = mapped_column(JSON, default=list)

    staff: Mapped[Staff] = relationship()


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    school_year: Mapped[str | None] = mapped_column(String(9))
    framework: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20))
    source_name: Mapped[str | None] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Checkpoint(Base):
    """A review moment of the plan (its monitoring table); replaced on each import."""

    __tablename__ = "plan_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    position: Mapped[int] = mapped_column(Integer)
    when_text: Mapped[str] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)


class Criterion(Base):
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    code: Mapped[str] = mapped_column(String(10))
    standard: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    assessed_level: Mapped[int | None] = mapped_column(Integer)


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # Set when a re-import edits the task: the text as first planned, and when it changed.
    original_text: Mapped[str | None] = mapped_column(Text)
    adjusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owners_text: Mapped[str | None] = mapped_column(Text)
    owner_phrases: Mapped[list[str]] = mapped_column(JSON, default=list)
    output: Mapped[str | None] = mapped_column(Text)
    timeline: Mapped[str | None] = mapped_column(Text)
    support: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # The timeline as understood (readers/timelines.py); what reminders are computed from.
    schedule_kind: Mapped[str | None] = mapped_column(String(20))
    schedule_every: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Denormalised from the newest TaskUpdate, written in the same transaction.
    status: Mapped[str | None] = mapped_column(String(20))
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The task of last school year's plan this one carries on (a year closed unfinished):
    # its answers and evidence stay with that task, under that year.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))

    criterion: Mapped[Criterion] = relationship()
    owners: Mapped[list[TaskOwner]] = relationship(
        back_populates="task", cascade="all, delete-orphan"
    )


class TaskOwner(Base):
    __tablename__ = "task_owners"
    __table_args__ = (UniqueConstraint("task_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    phrase: Mapped[str] = mapped_column(String(300))

    task: Mapped[Task] = relationship(back_populates="owners")
    staff: Mapped[Staff] = relationship()


class TaskUpdate(Base):
    """Append-only: a correction is a new row pointing at the one it corrects."""

    __tablename__ = "task_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[str] = mapped_column(String(20))
    done_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("task_updates.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    via: Mapped[str | None] = mapped_column(String(20))  # telegram | zalo | web | cli

    author: Mapped[Staff] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(back_populates="update")


class Evidence(Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("task_updates.id"), index=True)
    criterion_code: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(300))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the evidence list (Danh mục minh chứng) says of it, given in chat or by the board
    # in the console; None means the default (the task and the day it was handed in).
    title: Mapped[str | None] = mapped_column(String(300))
    issued_on: Mapped[date | None] = mapped_column(Date)
    issued_ref: Mapped[str | None] = mapped_column(String(200))  # «Số 12/QĐ-THCS»
    issuer: Mapped[str | None] = mapped_column(String(200))  # the author when None
    note: Mapped[str | None] = mapped_column(String(500))
    # Withdrawn by the board: still listed under its code (marked so), never renumbered,
    # so that a code cited in the self-assessment report always means the same file.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    update: Mapped[TaskUpdate | None] = relationship(back_populates="evidence")


class EvidenceCriterion(Base):
    """A criterion an evidence item serves besides its own (the 57/2026 guidance reuses
    evidence): it is listed there too, under its first code."""

    __tablename__ = "evidence_criteria"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    criterion_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchoolYear(Base):
    """A school year the board closed: its report, written then and kept unchanged (the
    file and its checksum, and the moment its figures stop), and next year's draft plan (a
    plan workbook, edited by the principal, until she confirms it and it becomes
    `next_plan_id`)."""

    __tablename__ = "school_years"
    __table_args__ = (UniqueConstraint("school_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9))  # the year closed, "2026-2027"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The report covers period_start..period_end; answers given from report_until on are
    # not in it, so rebuilding it later gives the same figures.
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    report_until: Mapped[datetime] = mapped_column(UTCDateTime)
    made_on: Mapped[date] = mapped_column(Date)
    # The files kept that day, each {"kind", "name", "path" (in the evidence folder),
    # "mime_type", "size", "sha256"}: the report ("report") and what joins it.
    files: Mapped[list[dict]] = mapped_column(JSON, default=list)
    draft_name: Mapped[str] = mapped_column(String(300))
    draft: Mapped[bytes] = mapped_column(LargeBinary)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))


class Conversation(Base):
    """Where one chat user is in a conversation; locked and written with each answer."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "external_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_user_id: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The choices last offered, [label, data] in order: typing the number or the words
    # picks one, on a channel with buttons or without.
    offered: Mapped[list | None] = mapped_column(JSON)
    # Photos or files sent when no dialogue asked for them: {"at": ISO time, "files": [...]},
    # offered to the next /capnhat for a few minutes, then deleted.
    held: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessedEvent(Base):
    """Incoming events already handled, so a redelivered update is not applied twice."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("channel", "event_id"),
                      Index("ix_processed_events_external_user_id", "channel",
                            "external_user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(64))
    # Whose turn it was: their stored replies go when their data is erased.
    external_user_id: Mapped[str | None] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # What the turn answered (text and buttons), sent again if the update comes again
    # because the process died before confirming it...
    replies: Mapped[list | None] = mapped_column(JSON)
    # ...unless they had gone out (or to the outbox) by then.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LinkFailure(Base):
    """A wrong invitation code, counted per sender to stop guessing."""

    __tablename__ = "link_failures"
    __table_args__ = (Index("ix_link_failures_sender", "channel", "external_user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_user_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Upload(Base):
    """A plan file sent in chat, kept between its preview and «Nhập» where every replica
    can read it; deleted once imported or cancelled. `draft` is the plan as the preview read
    it (readers.plan_draft.draft_to_json), what «Nhập» stores; `data` the file itself, kept
    as the evidence of what was imported, never read again."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    file_name: Mapped[str | None] = mapped_column(String(300))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    draft: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchoolBot(Base):
    """A school's own bot on one channel, beside the deployment's default bot. `key` is
    the channel's id for the bot (Telegram, Zalo: the number before the token's colon).
    Telegram: one a school. Zalo: a pool of several, each carrying a limited number of
    users (storage/school_bots.py)."""

    __tablename__ = "school_bots"
    __table_args__ = (Index("ix_school_bots_school_id", "school_id", "channel"),)

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    token: Mapped[str] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(200))  # Zalo: its display name
    webhook_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxUpdate(Base):
    """An update a channel will not send again (Zalo's getUpdates forgets what it hands
    out, a webhook's post is acknowledged at once), kept from the moment it is fetched until
    its turn committed and was answered. A webhook's update is claimed by the replica that
    took it until `claimed_until` (wall time); past that, any replica may take it."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The channel and bot whose update it is ("zalo", "zalo:<key>", "zalo-webhook:<key>").
    channel: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Download(Base):
    """A file sent as a link (to a channel that cannot carry files): kept until it expires."""

    __tablename__ = "downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of name and content
    name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OutboxMessage(Base):
    """A scheduled message, written before it is sent. `key` (kind, period, recipient) makes
    enqueueing idempotent; a sender claims a row by moving it from pending to sending."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(80))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    bot: Mapped[str | None] = mapped_column(String(32))  # None: the default bot
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending | sending | sent | dropped | unreachable | failed
    status: Mapped[str] = mapped_column(String(20))
    task_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_key: Mapped[str | None] = mapped_column(String(200))  # a nudge's check-in
    # The message as rendered when enqueued: {"text": …, "buttons": [[[label, data], …]]}.
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    # What a scheduled message carries (reminders/planner.py Item.to_json): everything due
    # to one person on one day. None for replies and rows older than schema 0013.
    items: Mapped[list[dict] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


Index("ix_outbox_status_not_before", OutboxMessage.status, OutboxMessage.not_before)


class ReminderSnooze(Base):
    """"Nhắc lại sau": the follow-up of a check-in moves to `until`."""

    __tablename__ = "reminder_snoozes"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    source_key: Mapped[str] = mapped_column(String(200), index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Lease(Base):
    """Who holds a job that must run in one process at a time (the scheduler)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OverdueAlert(Base):
    """One rung of the overdue ladder said to one person about one task: the owner, then
    the group leader, the monitoring team, the principal; each person once. `week` is 0
    (rows before schema 0013 repeated weekly)."""

    __tablename__ = "overdue_alerts"
    __table_args__ = (UniqueConstraint("task_id", "step", "week", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    step: Mapped[int] = mapped_column(Integer)
    week: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # The message that carried it; None once that message was pruned.
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSignIn(Base):
    """A one-time sign-in link for the web console (the token itself is never stored)."""

    __tablename__ = "web_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("district_members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: the cookie carries the token, signed; sign-out ends the row."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("district_members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebFailure(Base):
    """A refused sign-in link, counted per address to stop guessing."""

    __tablename__ = "web_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """What happened, who did it and when; append-only (the database refuses UPDATE and
    DELETE). Answers and corrections are task_updates rows, themselves append-only: the
    audit trail reads both."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("district_members.id"))
    via: Mapped[str] = mapped_column(String(20))  # telegram | zalo | web | cli
    subject: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class BotMonth(Base):
    """What one bot sent in one calendar month (school time), shared by every replica: the
    count against the channel's monthly quota, when the board was told it runs low, and when
    the channel itself said the quota was spent (and when it was last probed since)."""

    __tablename__ = "bot_months"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    bot: Mapped[str] = mapped_column(String(32), primary_key=True)  # "": the default bot
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-12"
    sent: Mapped[int] = mapped_column(Integer, default=0)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quota_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    probed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
