"""search index: pg_trgm GIN on PostgreSQL, an FTS5 trigram table on SQLite

Revision ID: 0005
Revises: 0004

Both make ``search_document LIKE '%term%'`` (terms of 3 characters or more) use an index
instead of reading every event. SQLite's FTS5 table is external-content (it indexes
docking_event.search_document by rowid = event id) and triggers keep it current.

pg_trgm is a contrib extension, "trusted" since PostgreSQL 13: a role with CREATE on the
database may create it. When the role may not (or the server lacks contrib), the migration
goes on without the index, with a warning: searches give the same answers, reading every
event. A superuser can add it later: ``CREATE EXTENSION pg_trgm;`` then the index below
(``docs/search.md``).
"""

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE docking_event_search USING fts5(
        search_document, content='docking_event', content_rowid='id',
        tokenize='trigram case_sensitive 1')""",
    """CREATE TRIGGER docking_event_search_insert AFTER INSERT ON docking_event BEGIN
        INSERT INTO docking_event_search(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
    """CREATE TRIGGER docking_event_search_delete AFTER DELETE ON docking_event BEGIN
        INSERT INTO docking_event_search(docking_event_search, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
    END""",
    """CREATE TRIGGER docking_event_search_update AFTER UPDATE OF search_document ON docking_event
    BEGIN
        INSERT INTO docking_event_search(docking_event_search, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
        INSERT INTO docking_event_search(rowid, search_document)
        VALUES (new.id, new.search_document);
    END""",
    "INSERT INTO docking_event_search(docking_event_search) VALUES ('rebuild')",
]


log = logging.getLogger("gql_server.db.migrate")


def _trigram_extension() -> bool:
    """pg_trgm, created when missing; False when this role may not create it (or the server
    has no such extension): the migration then goes on without the index."""
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
        return True
    try:
        # A savepoint: PostgreSQL aborts the whole transaction on a failed statement.
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as error:
        log.warning(
            "search index skipped: CREATE EXTENSION pg_trgm failed (%s); searches read every "
            "event. A superuser can run CREATE EXTENSION pg_trgm and create "
            "ix_docking_event_search_document_trgm (docs/search.md).",
            str(error.orig).splitlines()[0],
        )
        return False
    return True


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        if not _trigram_extension():
            return
        op.create_index(
            "ix_docking_event_search_document_trgm",
            "docking_event",
            ["search_document"],
            postgresql_using="gin",
            postgresql_ops={"search_document": "gin_trgm_ops"},
        )
    elif dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # IF EXISTS: the upgrade skipped it where pg_trgm could not be created.
        op.drop_index(
            "ix_docking_event_search_document_trgm", table_name="docking_event", if_exists=True
        )
    elif dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER docking_event_search_{trigger}")
        op.execute("DROP TABLE docking_event_search")
