"""Zalo bots as a pool: a school may have several bots on one channel (Zalo's Basic plan
carries 50 users a bot), so school_bots loses its one-bot-per-school-and-channel rule
(Telegram keeps one a school, in storage/school_bots.py); each bot's display name is kept
in `username`; the inbox's lane names a pool's bot beside its channel, so it grows.

Revision ID: 0017
Revises: 0016
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("school_bots") as batch:
        batch.drop_constraint("uq_school_bots_school_id", type_="unique")
        batch.alter_column("username", existing_type=sa.String(64), type_=sa.String(200))
    op.create_index("ix_school_bots_school_id", "school_bots", ["school_id", "channel"])
    with op.batch_alter_table("inbox") as batch:
        batch.alter_column("channel", existing_type=sa.String(20), type_=sa.String(64))


def downgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.alter_column("channel", existing_type=sa.String(64), type_=sa.String(20))
    op.drop_index("ix_school_bots_school_id", table_name="school_bots")
    with op.batch_alter_table("school_bots") as batch:
        batch.alter_column("username", existing_type=sa.String(200), type_=sa.String(64))
        batch.create_unique_constraint("uq_school_bots_school_id", ["school_id", "channel"])
