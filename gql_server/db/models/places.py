"""Where things land: celestial bodies, locations, landing locations, landings."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, ref


class CelestialBodyType(Base):
    __tablename__ = "celestial_body_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class CelestialBody(Base):
    __tablename__ = "celestial_body"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str]
    type_id: Mapped[int | None] = ref("celestial_body_type")
    diameter: Mapped[float | None]
    mass: Mapped[float | None]
    gravity: Mapped[float | None]
    length_of_day: Mapped[str | None]
    atmosphere: Mapped[bool | None]
    image_id: Mapped[int | None] = ref("image")
    description: Mapped[str | None]
    wiki_url: Mapped[str | None]


class Location(Base):
    __tablename__ = "location"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    name: Mapped[str | None]
    active: Mapped[bool | None]
    country_id: Mapped[int | None] = ref("country")
    description: Mapped[str | None]
    image_id: Mapped[int | None] = ref("image")
    map_image: Mapped[str | None]
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    timezone_name: Mapped[str | None]
    total_launch_count: Mapped[int | None]
    total_landing_count: Mapped[int | None]


class LandingLocation(Base):
    __tablename__ = "landing_location"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]
    active: Mapped[bool | None]
    abbrev: Mapped[str | None]
    description: Mapped[str | None]
    location_id: Mapped[int | None] = ref("location")
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    image_id: Mapped[int | None] = ref("image")
    successful_landings: Mapped[int | None]
    attempted_landings: Mapped[int | None]
    failed_landings: Mapped[int | None]
    celestial_body_id: Mapped[int | None] = ref("celestial_body")


class LandingType(Base):
    __tablename__ = "landing_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]
    abbrev: Mapped[str | None]
    description: Mapped[str | None]


class Landing(Base):
    __tablename__ = "landing"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    attempt: Mapped[bool | None]
    success: Mapped[bool | None]
    description: Mapped[str | None]
    downrange_distance: Mapped[float | None]
    landing_location_id: Mapped[int | None] = ref("landing_location")
    type_id: Mapped[int | None] = ref("landing_type")
