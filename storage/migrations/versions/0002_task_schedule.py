"""task schedule: the timeline as understood

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("schedule_kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("schedule_every", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.create_index(batch.f("ix_tasks_due_on"), ["due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index(batch.f("ix_tasks_due_on"))
        batch.drop_column("due_on")
        batch.drop_column("starts_on")
        batch.drop_column("schedule_every")
        batch.drop_column("schedule_kind")
