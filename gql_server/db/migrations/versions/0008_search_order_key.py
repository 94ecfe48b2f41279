"""SQLite's search table keyed in docking order

Revision ID: 0008
Revises: 0007

Until 0007 the FTS5 table's rowid was the event's id, so a searched page in docking order
read every match and sorted them: at a million events "dragon" oldest first sorted about
29,000. From here its rowid is an order key, ``(docking bucket) * 2^31 + id`` (a bucket is
64 seconds of docking time, clamped to 32 bits; ids are positive 32-bit integers, so the id
is the key modulo 2^31), and FTS5 hands out a term's matches in docking order: the page
reads the first matches, wherever they lie (``gql_server.queries.search_walk``).

The table is contentless now (``content=''``): nothing reads the document back from it; the
triggers give it each document, and the old one to delete. PostgreSQL: nothing changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(row: str) -> str:
    """The order key of ``row`` (``new``, ``old`` or the table): as written here, frozen;
    ``gql_server.queries.search_walk`` reads it back."""
    bucket = f"CAST(strftime('%s', {row}.docking) AS INTEGER) / 64"
    return f"((max(min({bucket}, 2147483647), -2147483648) + 2147483648) * 2147483648 + {row}.id)"


_DROP = [
    "DROP TRIGGER docking_event_search_insert",
    "DROP TRIGGER docking_event_search_delete",
    "DROP TRIGGER docking_event_search_update",
    "DROP TABLE docking_event_search",
]

_UP = [
    """CREATE VIRTUAL TABLE docking_event_search USING fts5(
        search_document, content='', tokenize='trigram case_sensitive 1')""",
    f"""CREATE TRIGGER docking_event_search_insert AFTER INSERT ON docking_event BEGIN
        INSERT INTO docking_event_search(rowid, search_document)
        VALUES ({_key("new")}, new.search_document);
    END""",
    f"""CREATE TRIGGER docking_event_search_delete AFTER DELETE ON docking_event BEGIN
        INSERT INTO docking_event_search(docking_event_search, rowid, search_document)
        VALUES ('delete', {_key("old")}, old.search_document);
    END""",
    f"""CREATE TRIGGER docking_event_search_update
    AFTER UPDATE OF search_document, docking, id ON docking_event BEGIN
        INSERT INTO docking_event_search(docking_event_search, rowid, search_document)
        VALUES ('delete', {_key("old")}, old.search_document);
        INSERT INTO docking_event_search(rowid, search_document)
        VALUES ({_key("new")}, new.search_document);
    END""",
    f"""INSERT INTO docking_event_search(rowid, search_document)
        SELECT {_key("docking_event")}, search_document FROM docking_event""",
    # One segment: a query reads each segment's part of a term's list.
    "INSERT INTO docking_event_search(docking_event_search) VALUES ('optimize')",
]

# Revision 0005's table, as it was: external content, rowid = event id.
_DOWN = [
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
    if op.get_bind().dialect.name == "sqlite":
        for statement in _DROP + _UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _DROP + _DOWN:
            op.execute(statement)
