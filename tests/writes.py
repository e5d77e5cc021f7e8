"""Whether the application holds a write, seen from outside it: to show that slow work
(reading a file) happens before a transaction, not inside one."""

import sqlite3

from sqlalchemy import text


def writes_open(db) -> int:
    """How many transactions hold a write, seen from outside the application: on SQLite
    whether a write lock can be taken at once, on PostgreSQL the connections idle inside a
    transaction (ours, while the reader runs)."""
    if db.dialect.name == "sqlite":
        probe = sqlite3.connect(db.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return 0
        except sqlite3.OperationalError:
            return 1
        finally:
            probe.close()
    with db.connect() as conn:
        return conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%'"))
