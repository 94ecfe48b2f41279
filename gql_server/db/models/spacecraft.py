"""Spacecraft: configurations, their types and families, spacecraft and their flights."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, Link, UTCDateTime, child_key, parent_key, ref


class SpacecraftConfigType(Base):
    __tablename__ = "spacecraft_config_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class SpacecraftConfigFamily(Base):
    __tablename__ = "spacecraft_config_family"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str]
    description: Mapped[str | None]
    manufacturer_id: Mapped[int | None] = ref("agency")
    parent_id: Mapped[int | None] = ref("spacecraft_config_family")
    maiden_flight: Mapped[date | None]


class SpacecraftConfigFamilyLink(Link):
    __tablename__ = "spacecraft_config_family_link"
    parent_id: Mapped[int] = parent_key("spacecraft_config")
    child_id: Mapped[int] = child_key("spacecraft_config_family")


class SpacecraftConfig(Base):
    __tablename__ = "spacecraft_config"
    __ll2_lists__ = {"family": SpacecraftConfigFamilyLink}
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    name: Mapped[str]
    type_id: Mapped[int | None] = ref("spacecraft_config_type")
    agency_id: Mapped[int | None] = ref("agency")
    in_use: Mapped[bool | None]
    image_id: Mapped[int | None] = ref("image")


class SpacecraftStatus(Base):
    __tablename__ = "spacecraft_status"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class Spacecraft(Base):
    __tablename__ = "spacecraft"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    name: Mapped[str]
    serial_number: Mapped[str | None]
    is_placeholder: Mapped[bool | None]
    image_id: Mapped[int | None] = ref("image")
    in_space: Mapped[bool | None]
    time_in_space: Mapped[str | None]
    time_docked: Mapped[str | None]
    flights_count: Mapped[int | None]
    mission_ends_count: Mapped[int | None]
    status_id: Mapped[int | None] = ref("spacecraft_status")
    description: Mapped[str | None]
    spacecraft_config_id: Mapped[int | None] = ref("spacecraft_config")
    fastest_turnaround: Mapped[str | None]


class SpacecraftFlight(Base):
    __tablename__ = "spacecraft_flight"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    destination: Mapped[str | None]
    mission_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    spacecraft_id: Mapped[int | None] = ref("spacecraft")
    launch_id: Mapped[uuid.UUID | None] = ref("launch")
    landing_id: Mapped[int | None] = ref("landing")
    duration: Mapped[str | None]
    turn_around_time: Mapped[str | None]
