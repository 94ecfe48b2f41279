"""filter indexes: each REST id filter indexed together with docking and id

Revision ID: 0006
Revises: 0005

``dockingEvents(spaceStationTargetId: 4, dockingGte: ..., dockingLt: ...)`` read every ISS
event through the single-column index and sorted them; with (station, docking, id) it reads
the range in order and stops after the page. The composite indexes replace the
single-column ones (their first column serves the same lookups).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("docking_location_id", "flight_vehicle_chaser_id", "space_station_target_id")


def upgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_docking_event_{column}", table_name="docking_event")
        op.create_index(
            f"ix_docking_event_{column}_docking", "docking_event", [column, "docking", "id"]
        )


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_docking_event_{column}_docking", table_name="docking_event")
        op.create_index(f"ix_docking_event_{column}", "docking_event", [column])
