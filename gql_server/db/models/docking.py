"""Docking events: a chaser meets a target at a docking location."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, UTCDateTime, ref

CHASER_COLUMNS = ("flight_vehicle_chaser_id", "payload_flight_chaser_id", "space_station_chaser_id")
TARGET_COLUMNS = ("flight_vehicle_target_id", "payload_flight_target_id", "space_station_target_id")


def _at_most_one(columns: tuple[str, ...]) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " <= 1"


class DockingEvent(Base):
    __tablename__ = "docking_event"
    __table_args__ = (
        CheckConstraint(_at_most_one(CHASER_COLUMNS), name="one_chaser"),
        CheckConstraint(_at_most_one(TARGET_COLUMNS), name="one_target"),
        Index("ix_docking_event_docking_id", "docking", "id"),
        Index("ix_docking_event_departure_id", "departure", "id"),
        # An id filter with a docking range and the default ordering reads an index range
        # in order and stops at the page's end, however many events the id has.
        *(
            Index(f"ix_docking_event_{column}_docking", column, "docking", "id")
            for column in (
                "docking_location_id",
                "flight_vehicle_chaser_id",
                "space_station_target_id",
            )
        ),
        # Substring search without a scan: a trigram index on PostgreSQL (pg_trgm); SQLite
        # gets an FTS5 trigram table instead (migration 0005, gql_server.queries.search).
        Index(
            "ix_docking_event_search_document_trgm",
            "search_document",
            postgresql_using="gin",
            postgresql_ops={"search_document": "gin_trgm_ops"},
            info={"dialect": "postgresql"},
        ).ddl_if(dialect="postgresql"),
    )
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    docking: Mapped[datetime] = mapped_column(UTCDateTime)
    departure: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The three REST id filters: indexed with docking (below), which also serves joins.
    docking_location_id: Mapped[int] = ref("docking_location", nullable=False, index=False)
    flight_vehicle_chaser_id: Mapped[int | None] = ref("spacecraft_flight", index=False)
    payload_flight_chaser_id: Mapped[int | None] = ref("payload_flight")
    space_station_chaser_id: Mapped[int | None] = ref("space_station")
    flight_vehicle_target_id: Mapped[int | None] = ref("spacecraft_flight")
    payload_flight_target_id: Mapped[int | None] = ref("payload_flight")
    space_station_target_id: Mapped[int | None] = ref("space_station", index=False)
    # The casefolded names the LL2 search looks at, joined by the unit separator "\x1f"
    # (see gql_server.search_terms).
    search_document: Mapped[str | None] = mapped_column(info={"derived": True})
