from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.models import Base


def test_the_migrations_build_exactly_the_models(db):
    with db.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
