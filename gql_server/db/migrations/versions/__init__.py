"""One module a revision (Alembic skips this file)."""
