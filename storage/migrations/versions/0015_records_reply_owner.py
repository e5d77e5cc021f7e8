"""records: a handled event keeps whose turn it was, so erasing a person clears the
replies kept for them (the answer sent again after a crash) and their data lists them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("processed_events") as batch:
        batch.add_column(sa.Column("external_user_id", sa.String(64), nullable=True))
        batch.create_index("ix_processed_events_external_user_id",
                           ["channel", "external_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("processed_events") as batch:
        batch.drop_index("ix_processed_events_external_user_id")
        batch.drop_column("external_user_id")
