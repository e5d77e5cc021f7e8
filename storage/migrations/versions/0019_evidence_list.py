"""evidence list: each item's name, date, issuer and note, its withdrawal, and the other
criteria it serves

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0019"
down_revision: Union[str, Sequence[str], None] = "0018"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = (("title", sa.String(length=300)), ("issued_on", sa.Date()),
           ("issued_ref", sa.String(length=200)), ("issuer", sa.String(length=200)),
           ("note", sa.String(length=500)), ("withdrawn_at", sa.DateTime()))


def upgrade() -> None:
    # Items handed in before this revision have none of these: the list shows the task and
    # the day, as it does for an item nobody named.
    for name, kind in COLUMNS:
        op.add_column("evidence", sa.Column(name, kind, nullable=True))
    op.create_table(
        "evidence_criteria",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("criterion_code", sa.String(length=10), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"],
                                name=op.f("fk_evidence_criteria_evidence_id_evidence")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_evidence_criteria_school_id_schools")),
        sa.ForeignKeyConstraint(["added_by"], ["staff.id"],
                                name=op.f("fk_evidence_criteria_added_by_staff")),
        sa.PrimaryKeyConstraint("evidence_id", "criterion_code",
                                name=op.f("pk_evidence_criteria")),
    )
    op.create_index(op.f("ix_evidence_criteria_school_id"), "evidence_criteria",
                    ["school_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_evidence_criteria_school_id"), table_name="evidence_criteria")
    op.drop_table("evidence_criteria")
    with op.batch_alter_table("evidence") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
