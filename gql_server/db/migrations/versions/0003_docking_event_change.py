"""docking_event_change: the log of created, updated and removed events

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "docking_event_change",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_docking_event_change")),
    )
    op.create_index(op.f("ix_docking_event_change_version"), "docking_event_change", ["version"])
    op.create_index(op.f("ix_docking_event_change_event_id"), "docking_event_change", ["event_id"])


def downgrade() -> None:
    op.drop_table("docking_event_change")
