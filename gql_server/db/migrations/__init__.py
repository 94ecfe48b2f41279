"""Alembic migrations of the gateway's schema; run them with ``gql_server.db.migrate``."""
