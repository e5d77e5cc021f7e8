"""the board's group chat for the weekly digest; the overdue alerts said

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("board_channel", sa.String(20), nullable=True))
        batch.add_column(sa.Column("board_chat_id", sa.String(64), nullable=True))
    op.create_table(
        "overdue_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_overdue_alerts"),
        sa.UniqueConstraint("task_id", "step", "week", "staff_id",
                            name="uq_overdue_alerts_task_id"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name="fk_overdue_alerts_school_id_schools"),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"],
                                name="fk_overdue_alerts_task_id_tasks"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name="fk_overdue_alerts_staff_id_staff"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"],
                                name="fk_overdue_alerts_outbox_id_outbox"),
    )
    op.create_index("ix_overdue_alerts_school_id", "overdue_alerts", ["school_id"])


def downgrade() -> None:
    op.drop_table("overdue_alerts")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("board_chat_id")
        batch.drop_column("board_channel")
