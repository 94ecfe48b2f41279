"""docking_event_count: how many docking events there are, kept by triggers

Revision ID: 0010
Revises: 0009

An unfiltered list's ``count`` was ``count(*)`` of ``docking_event``: PostgreSQL reads every
row for it (MVCC: any row may be invisible to the reader), 10 ms at 100,000 events, on every
LL2-shaped page. From here one row holds the count, and triggers on ``docking_event`` keep it
in the writing statement's transaction, so a reader sees the count of the rows it sees.

- PostgreSQL: statement triggers (transition tables: one statement's rows at once, as ingest
  writes them) add the rows an INSERT inserted (an upsert's updated rows are not in its
  insert table) and subtract the rows a DELETE deleted, leaving the row alone when there
  are none; a TRUNCATE sets it to 0.
- SQLite: row triggers, after each insert and each delete (an upsert that updates fires its
  update triggers, not these).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT = "docking_event_count"


def _pg_function(name: str, rows: str, sign: str) -> str:
    """Add (``sign`` +) or subtract the count of ``rows``: a statement that changed none
    (an upsert of events already there, as a sync pass mostly writes) leaves the row, and
    its lock, alone."""
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        changed bigint;
    BEGIN
        SELECT count(*) INTO changed FROM {rows};
        IF changed > 0 THEN
            UPDATE {COUNT} SET n = n {sign} changed WHERE id = 1;
        END IF;
        RETURN NULL;
    END $$"""


_POSTGRESQL = [
    _pg_function(f"{COUNT}_insert", "new_rows", "+"),
    _pg_function(f"{COUNT}_delete", "old_rows", "-"),
    f"""CREATE FUNCTION {COUNT}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {COUNT} SET n = 0 WHERE id = 1;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {COUNT}_insert AFTER INSERT ON docking_event
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {COUNT}_insert()""",
    f"""CREATE TRIGGER {COUNT}_delete AFTER DELETE ON docking_event
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {COUNT}_delete()""",
    f"""CREATE TRIGGER {COUNT}_truncate AFTER TRUNCATE ON docking_event
        FOR EACH STATEMENT EXECUTE FUNCTION {COUNT}_truncate()""",
]

_SQLITE = [
    f"""CREATE TRIGGER {COUNT}_insert AFTER INSERT ON docking_event BEGIN
        UPDATE {COUNT} SET n = n + 1 WHERE id = 1;
    END""",
    f"""CREATE TRIGGER {COUNT}_delete AFTER DELETE ON docking_event BEGIN
        UPDATE {COUNT} SET n = n - 1 WHERE id = 1;
    END""",
]


def upgrade() -> None:
    op.create_table(
        COUNT,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_docking_event_count_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_docking_event_count")),
    )
    op.execute(f"INSERT INTO {COUNT} (id, n) SELECT 1, count(*) FROM docking_event")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL if postgresql else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for change in ("insert", "delete", "truncate") if postgresql else ("insert", "delete"):
        if postgresql:
            op.execute(f"DROP TRIGGER {COUNT}_{change} ON docking_event")
            op.execute(f"DROP FUNCTION {COUNT}_{change}()")
        else:
            op.execute(f"DROP TRIGGER {COUNT}_{change}")
    op.drop_table(COUNT)
