"""web console: districts, sign-in links and sessions, the audit trail

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The audit trail is append-only in the database itself, not only by convention.
POSTGRES_GUARD = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""
SQLITE_GUARDS = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]


def upgrade() -> None:
    op.create_table(
        "districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
        sa.UniqueConstraint("code", name=op.f("uq_districts_code")),
    )
    op.create_table(
        "district_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("phone_norm", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"],
                                name=op.f("fk_district_members_district_id_districts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_members")),
    )
    op.create_index(op.f("ix_district_members_district_id"), "district_members",
                    ["district_id"])
    op.create_index(op.f("ix_district_members_phone_norm"), "district_members",
                    ["phone_norm"])
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_schools_district_id"), ["district_id"])
        batch.create_foreign_key(batch.f("fk_schools_district_id_districts"), "districts",
                                 ["district_id"], ["id"])
    for table in ("web_sign_ins", "web_sessions"):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("staff_id", sa.Integer(), nullable=True),
            sa.Column("member_id", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=False),
            sa.Column("used_at" if table == "web_sign_ins" else "ended_at", sa.DateTime(),
                      nullable=True),
            sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                    name=op.f(f"fk_{table}_staff_id_staff")),
            sa.ForeignKeyConstraint(["member_id"], ["district_members.id"],
                                    name=op.f(f"fk_{table}_member_id_district_members")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("token_hash", name=op.f(f"uq_{table}_token_hash")),
        )
        op.create_index(op.f(f"ix_{table}_staff_id"), table, ["staff_id"])
    op.create_table(
        "web_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_failures")),
    )
    op.create_index(op.f("ix_web_failures_address"), "web_failures", ["address"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_audit_events_school_id_schools")),
        sa.ForeignKeyConstraint(["actor_id"], ["staff.id"],
                                name=op.f("fk_audit_events_actor_id_staff")),
        sa.ForeignKeyConstraint(["member_id"], ["district_members.id"],
                                name=op.f("fk_audit_events_member_id_district_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_school_id"), "audit_events", ["school_id"])
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_actor_id"), "audit_events", ["actor_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_GUARD)
    else:
        for statement in SQLITE_GUARDS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_table("audit_events")
    op.drop_table("web_failures")
    op.drop_table("web_sessions")
    op.drop_table("web_sign_ins")
    with op.batch_alter_table("schools") as batch:
        batch.drop_constraint(batch.f("fk_schools_district_id_districts"), type_="foreignkey")
        batch.drop_index(batch.f("ix_schools_district_id"))
        batch.drop_column("district_id")
    op.drop_table("district_members")
    op.drop_table("districts")
