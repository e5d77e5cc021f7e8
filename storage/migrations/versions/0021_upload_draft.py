"""uploads keep the plan as the preview read it

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0021"
down_revision: Union[str, Sequence[str], None] = "0020"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Uploads waiting before this have none: «Nhập» asks for the file again (handlers/plan_upload).
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("draft", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("draft")
