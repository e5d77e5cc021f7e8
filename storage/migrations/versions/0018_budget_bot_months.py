"""budget: what each bot sent this month, and when its quota ran out

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0017"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "bot_months",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("bot", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("warned_at", sa.DateTime(), nullable=True),
        sa.Column("quota_at", sa.DateTime(), nullable=True),
        sa.Column("probed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("channel", "bot", "month", name=op.f("pk_bot_months")),
    )


def downgrade() -> None:
    op.drop_table("bot_months")
