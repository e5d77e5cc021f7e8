"""plan checkpoints: the review moments of a plan's monitoring table

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "plan_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("when_text", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"],
                                name=op.f("fk_plan_checkpoints_plan_id_plans")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_plan_checkpoints_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_checkpoints")),
    )
    op.create_index(op.f("ix_plan_checkpoints_plan_id"), "plan_checkpoints", ["plan_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_checkpoints_plan_id"), table_name="plan_checkpoints")
    op.drop_table("plan_checkpoints")
