"""reminder items: a scheduled message carries everything due to one person on one day
(check-ins, countdowns, alerts …) as its items; the overdue ladder outlives the messages
that carried it; a conversation holds the photos sent before /capnhat

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("items", sa.JSON(), nullable=True))
    # A rung of the ladder is kept while its task is open, though the message that carried
    # it is pruned: else the ladder would climb again.
    with op.batch_alter_table("overdue_alerts") as batch:
        batch.alter_column("outbox_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("held", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("held")
    op.execute("DELETE FROM overdue_alerts WHERE outbox_id IS NULL")
    with op.batch_alter_table("overdue_alerts") as batch:
        batch.alter_column("outbox_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("items")
