"""school years: a closed year's kept report and next year's draft; carried tasks

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0020"
down_revision: Union[str, Sequence[str], None] = "0019"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "school_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("report_until", sa.DateTime(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("draft_name", sa.String(length=300), nullable=False),
        sa.Column("draft", sa.LargeBinary(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("next_plan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_school_years_school_id_schools")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"],
                                name=op.f("fk_school_years_plan_id_plans")),
        sa.ForeignKeyConstraint(["next_plan_id"], ["plans.id"],
                                name=op.f("fk_school_years_next_plan_id_plans")),
        sa.ForeignKeyConstraint(["closed_by"], ["staff.id"],
                                name=op.f("fk_school_years_closed_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_years")),
        sa.UniqueConstraint("school_id", "school_year", name=op.f("uq_school_years_school_id")),
    )
    op.create_index(op.f("ix_school_years_school_id"), "school_years", ["school_id"])
    # Added in place, not by copying the table (SQLite's batch mode): the rows of other
    # tables that refer to tasks would stop the copy's DROP TABLE.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tasks ADD COLUMN carried_from_id INTEGER CONSTRAINT "
                   "fk_tasks_carried_from_id_tasks REFERENCES tasks (id)")
    else:
        op.add_column("tasks", sa.Column("carried_from_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_tasks_carried_from_id_tasks"), "tasks", "tasks",
                              ["carried_from_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint(op.f("fk_tasks_carried_from_id_tasks"), type_="foreignkey")
        batch.drop_column("carried_from_id")
    op.drop_index(op.f("ix_school_years_school_id"), table_name="school_years")
    op.drop_table("school_years")
