"""PostgreSQL's search postings: each word's events in docking order

Revision ID: 0009
Revises: 0008

pg_trgm's GIN index (0005) hands a term's matches over in no order, so a searched page in
docking order read every match and sorted them: at a million events, "dragon" oldest first
sorted about 26,000. From here each word of the search documents has its events listed in
docking order, and a searched page walks the lists of the words that hold a piece of its
longest term (``gql_server.queries.search_walk``): it reads what the page holds, as SQLite's
FTS5 table keyed in docking order does (0008).

- ``docking_event_search_word``: the vocabulary, every word of the documents (split on spaces
  and the field separator, U+001F; documents are folded already). A trigram index finds the
  words that contain a piece, when pg_trgm is there (0005); without it, a scan of the words.
- ``docking_event_search_posting``: ``(word, docking, event)``, keyed in that order.
- ``docking_event_search_words(piece)``: the ids of the words that contain ``piece`` (a
  LIKE pattern's middle, escaped with ``/``), declared to return one row: plpgsql, which
  the planner does not inline, so a prepared walk has one plan for every piece and
  PostgreSQL keeps it instead of planning each execution (``search_walk``).
- Statement triggers (transition tables: one statement's rows at once, as ingest writes
  them) keep the postings current on INSERT, UPDATE (the updated rows' postings are made
  again: comparing old and new rows in the trigger cost more than that) and DELETE; a word
  no event holds any more stays in the vocabulary, with no postings.

SQLite: nothing changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WORDS = "docking_event_search_word"
POSTINGS = "docking_event_search_posting"


def _post(rows: str) -> str:
    """Post the words of ``rows`` (a table with id, docking, search_document)."""
    return f"""WITH tokens AS (
            SELECT DISTINCT r.id, r.docking, t.word
            FROM {rows} AS r,
                unnest(string_to_array(replace(r.search_document, chr(31), ' '), ' ')) AS t(word)
        ), words AS (
            INSERT INTO {WORDS} (word) SELECT DISTINCT word FROM tokens WHERE word <> ''
            ON CONFLICT (word) DO UPDATE SET word = EXCLUDED.word
            RETURNING id, word
        )
        INSERT INTO {POSTINGS} (word_id, docking, event_id)
        SELECT w.id, t.docking, t.id FROM tokens AS t JOIN words AS w ON w.word = t.word
        ON CONFLICT DO NOTHING;"""


def _unpost(rows: str) -> str:
    """Remove the postings of ``rows``' ids: through the index on event_id, whatever the
    planner makes of the postings' size mid-ingest (as a join it once chose a nested loop
    over every posting: 8 s of a 10,000-event ingest instead of 1.5)."""
    return (
        f"DELETE FROM {POSTINGS} AS p WHERE p.event_id = ANY (ARRAY(SELECT r.id FROM {rows} AS r));"
    )


def _function(name: str, body: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$"""


_UP = [
    f"""CREATE TABLE {WORDS} (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        word text NOT NULL UNIQUE)""",
    f"""CREATE TABLE {POSTINGS} (
        word_id integer NOT NULL,
        docking timestamp with time zone NOT NULL,
        event_id integer NOT NULL,
        PRIMARY KEY (word_id, docking, event_id))""",
    f"CREATE INDEX ix_{POSTINGS}_event ON {POSTINGS} (event_id)",
    _function(f"{POSTINGS}_insert", _post("new_rows")),
    _function(f"{POSTINGS}_update", _unpost("old_rows") + _post("new_rows")),
    _function(f"{POSTINGS}_delete", _unpost("old_rows")),
    f"""CREATE TRIGGER {POSTINGS}_insert AFTER INSERT ON docking_event
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {POSTINGS}_insert()""",
    f"""CREATE TRIGGER {POSTINGS}_update AFTER UPDATE ON docking_event
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {POSTINGS}_update()""",
    f"""CREATE TRIGGER {POSTINGS}_delete AFTER DELETE ON docking_event
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {POSTINGS}_delete()""",
    _post("docking_event"),
    f"""CREATE FUNCTION {WORDS}s(piece text) RETURNS TABLE (id integer)
    LANGUAGE plpgsql STABLE ROWS 1 AS $$
    BEGIN
        RETURN QUERY SELECT w.id FROM {WORDS} AS w
            WHERE w.word LIKE '%' || piece || '%' ESCAPE '/';
    END $$""",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for statement in _UP:
        op.execute(statement)
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
        op.execute(f"CREATE INDEX ix_{WORDS}_trgm ON {WORDS} USING gin (word gin_trgm_ops)")
    op.execute(f"ANALYZE {WORDS}")
    op.execute(f"ANALYZE {POSTINGS}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for change in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER {POSTINGS}_{change} ON docking_event")
        op.execute(f"DROP FUNCTION {POSTINGS}_{change}()")
    op.execute(f"DROP FUNCTION {WORDS}s(text)")
    op.execute(f"DROP TABLE {POSTINGS}")
    op.execute(f"DROP TABLE {WORDS}")
