"""Launches: the mini form every flight carries, and the normal form's scalars and status."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, UTCDateTime, ref


class LaunchStatus(Base):
    __tablename__ = "launch_status"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]
    abbrev: Mapped[str | None]
    description: Mapped[str | None]


class Launch(Base):
    __tablename__ = "launch"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    url: Mapped[str]
    name: Mapped[str | None]
    slug: Mapped[str | None]
    launch_designator: Mapped[str | None]
    status_id: Mapped[int | None] = ref("launch_status")
    last_updated: Mapped[datetime | None] = mapped_column(UTCDateTime)
    net: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    image_id: Mapped[int | None] = ref("image")
    infographic: Mapped[str | None]
    probability: Mapped[int | None]
    weather_concerns: Mapped[str | None]
    failreason: Mapped[str | None]
    hashtag: Mapped[str | None]
    webcast_live: Mapped[bool | None]
    orbital_launch_attempt_count: Mapped[int | None]
    location_launch_attempt_count: Mapped[int | None]
    pad_launch_attempt_count: Mapped[int | None]
    agency_launch_attempt_count: Mapped[int | None]
    orbital_launch_attempt_count_year: Mapped[int | None]
    location_launch_attempt_count_year: Mapped[int | None]
    pad_launch_attempt_count_year: Mapped[int | None]
    agency_launch_attempt_count_year: Mapped[int | None]
