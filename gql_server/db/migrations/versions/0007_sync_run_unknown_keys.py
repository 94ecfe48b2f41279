"""sync_run.unknown_keys: what a sync run's pages held that was not stored

Revision ID: 0007
Revises: 0006

JSON text (``gql_server.ingest.drift``): keys no model maps, by JSON path pattern, and an
older LL2 version's keys that could not be stored, each with a count and a first example.
Null: the run met none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.add_column(sa.Column("unknown_keys", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("unknown_keys")
