"""console: a person marked as having left (and the day), and the channel each answer
came through

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("left_on", sa.Date(), nullable=True))
    # Answers saved before this revision do not know their channel: the trail shows «—».
    op.add_column("task_updates", sa.Column("via", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task_updates") as batch:
        batch.drop_column("via")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("left_on")
