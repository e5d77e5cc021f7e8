"""a school's own bot: school_bots, and which bot reaches each account, group and message

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("accounts", "outbox", "schools")


def upgrade() -> None:
    op.create_table(
        "school_bots",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("webhook_secret", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"]),
        sa.PrimaryKeyConstraint("key"),
        sa.UniqueConstraint("school_id", "channel"),
    )
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("board_bot" if table == "schools" else "bot",
                                       sa.String(32), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("board_bot" if table == "schools" else "bot")
    op.drop_table("school_bots")
