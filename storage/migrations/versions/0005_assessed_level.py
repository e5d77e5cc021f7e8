"""criterion assessed level, read from a self-assessment table

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("criteria") as batch:
        batch.add_column(sa.Column("assessed_level", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("criteria") as batch:
        batch.drop_column("assessed_level")
