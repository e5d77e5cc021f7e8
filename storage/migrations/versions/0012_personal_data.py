"""personal data: a forgotten staff member, and audit rows that name people by id only;
when a handled event's replies went out

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_GUARD = ("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
# Pauses and invitations named the person in `subject` as well as by id in `details`: the
# trail now reads the name from the staff row, which forgetting a person rewrites.
DROP_NAMES = ("UPDATE audit_events SET subject = NULL "
              "WHERE kind IN ('pause', 'invitation') AND subject IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("forgotten_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("processed_events") as batch:
        batch.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
    # The one deliberate edit of the append-only trail, made with its guard stepped aside.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        op.execute(DROP_NAMES)
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute(DROP_NAMES)
        op.execute(SQLITE_GUARD)


def downgrade() -> None:
    with op.batch_alter_table("processed_events") as batch:
        batch.drop_column("answered_at")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("forgotten_at")
