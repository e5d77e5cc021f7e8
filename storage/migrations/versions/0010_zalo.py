"""Zalo: a person may link one account per channel, which one they wrote from last, codes
used per channel, updates kept from fetch to answer, files sent as links

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_constraint("uq_accounts_staff_id", type_="unique")
        batch.create_unique_constraint("uq_accounts_staff_channel", ["staff_id", "channel"])
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("used_on", sa.JSON(), nullable=True))
    # Codes used before stay used: they were single-use, and their links may have been seen.
    op.execute("UPDATE invites SET used_on = '[\"telegram\", \"zalo\"]' "
               "WHERE used_at IS NOT NULL")
    op.execute("UPDATE invites SET used_on = '[]' WHERE used_at IS NULL")
    with op.batch_alter_table("invites") as batch:
        batch.alter_column("used_on", existing_type=sa.JSON(), nullable=False)
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbox"),
    )
    op.create_index("ix_inbox_channel", "inbox", ["channel"])
    op.create_table(
        "downloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_downloads"),
    )
    op.create_index("ix_downloads_digest", "downloads", ["digest"])
    op.create_index("ix_downloads_expires_at", "downloads", ["expires_at"])


def downgrade() -> None:
    op.drop_table("downloads")
    op.drop_table("inbox")
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("used_on")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("last_seen_at")
        batch.drop_constraint("uq_accounts_staff_channel", type_="unique")
        batch.create_unique_constraint("uq_accounts_staff_id", ["staff_id"])
