"""the runtime: offered choices, stored replies, wrong-code counts, uploads in the database

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("offered", sa.JSON(), nullable=True))
    with op.batch_alter_table("processed_events") as batch:
        batch.add_column(sa.Column("replies", sa.JSON(), nullable=True))
    op.create_table(
        "link_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("external_user_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_link_failures_sender", "link_failures",
                    ["channel", "external_user_id", "at"])
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=True),
        sa.Column("mime_type", sa.String(100), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("uploads")
    op.drop_index("ix_link_failures_sender", "link_failures")
    op.drop_table("link_failures")
    with op.batch_alter_table("processed_events") as batch:
        batch.drop_column("replies")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("offered")
