"""search index: pg_trgm GIN on PostgreSQL, an FTS5 trigram table on SQLite

Revision ID: 0005
Revises: 0004

Both make ``search_document LIKE '%term%'`` (terms of 3 characters or more) use an index
instead of reading every event. SQLite's FTS5 table is external-content (it indexes
docking_event.search_document by rowid = event id) and triggers keep it current.
"""

from collections.abc import Sequence

from alembic import op

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


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
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
        op.drop_index("ix_docking_event_search_document_trgm", table_name="docking_event")
    elif dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER docking_event_search_{trigger}")
        op.execute("DROP TABLE docking_event_search")
