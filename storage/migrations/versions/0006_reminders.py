"""reminders: school calendar, staff pauses, unreachable accounts, outbox, snoozes, leases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("calendar", sa.JSON(), nullable=True))
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("unreachable_at", sa.DateTime(), nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("period", sa.String(80), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("task_ids", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name="fk_outbox_school_id_schools"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_outbox_staff_id_staff"),
    )
    op.create_index("ix_outbox_school_id", "outbox", ["school_id"])
    op.create_index("ix_outbox_staff_id", "outbox", ["staff_id"])
    op.create_index("ix_outbox_status_not_before", "outbox", ["status", "not_before"])
    op.create_table(
        "reminder_snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_snoozes"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name="fk_reminder_snoozes_school_id_schools"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name="fk_reminder_snoozes_staff_id_staff"),
    )
    op.create_index("ix_reminder_snoozes_school_id", "reminder_snoozes", ["school_id"])
    op.create_index("ix_reminder_snoozes_source_key", "reminder_snoozes", ["source_key"])
    op.create_table(
        "leases",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_leases"),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_table("reminder_snoozes")
    op.drop_table("outbox")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("unreachable_at")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("paused_until")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("calendar")
