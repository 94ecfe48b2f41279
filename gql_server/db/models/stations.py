"""Space stations and the docking locations (ports) of stations and vehicles."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, Link, child_key, parent_key, ref


class SpaceStationStatus(Base):
    __tablename__ = "space_station_status"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class SpaceStationType(Base):
    __tablename__ = "space_station_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class SpaceStationOwner(Link):
    __tablename__ = "space_station_owner"
    parent_id: Mapped[int] = parent_key("space_station")
    child_id: Mapped[int] = child_key("agency")


class SpaceStation(Base):
    __tablename__ = "space_station"
    __ll2_lists__ = {"owners": SpaceStationOwner}
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    name: Mapped[str]
    image_id: Mapped[int | None] = ref("image")
    status_id: Mapped[int | None] = ref("space_station_status")
    founded: Mapped[date | None]
    deorbited: Mapped[date | None]
    description: Mapped[str | None]
    orbit: Mapped[str | None]
    type_id: Mapped[int | None] = ref("space_station_type")
    # str.casefold() of the name, for the DRF-style search (see gql_server.search_terms).
    search_name: Mapped[str | None] = mapped_column(info={"derived": True})
    # True once a form with the `owners` list was ingested (detailed mode only).
    owners_listed: Mapped[bool | None] = mapped_column(info={"derived": True})


class DockingLocation(Base):
    __tablename__ = "docking_location"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str]
    spacestation_id: Mapped[int | None] = ref("space_station")
    spacecraft_id: Mapped[int | None] = ref("spacecraft_config")
    payload_id: Mapped[int | None] = ref("payload")
    search_name: Mapped[str | None] = mapped_column(info={"derived": True})
