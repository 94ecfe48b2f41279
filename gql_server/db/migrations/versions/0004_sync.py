"""sync_run, sync_checkpoint, sync_seen_event: the bookkeeping of the LL2 sync

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("origin_run_id", sa.Integer(), nullable=True),
        sa.Column("base_url", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    op.create_index(op.f("ix_sync_run_outcome"), "sync_run", ["outcome"])
    op.create_table(
        "sync_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("origin_run_id", sa.Integer(), nullable=False),
        sa.Column("owner_run_id", sa.Integer(), nullable=False),
        sa.Column("base_url", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("resource", sa.String(), nullable=False),
        sa.Column("next_url", sa.String(), nullable=True),
        sa.Column("resource_pages", sa.Integer(), nullable=False),
        sa.Column("resource_count", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("events_count", sa.Integer(), nullable=True),
        sa.Column("events_count_stable", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_checkpoint")),
    )
    op.create_table(
        "sync_seen_event",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sync_run.id"],
            name=op.f("fk_sync_seen_event_run_id_sync_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "event_id", name=op.f("pk_sync_seen_event")),
    )


def downgrade() -> None:
    op.drop_table("sync_seen_event")
    op.drop_table("sync_checkpoint")
    op.drop_index(op.f("ix_sync_run_outcome"), table_name="sync_run")
    op.drop_table("sync_run")
