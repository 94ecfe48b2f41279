"""Celestial bodies, locations, landing locations and landings."""

from __future__ import annotations

import strawberry

from gql_server.db import models
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.agencies import Country
from gql_server.graphql.types.fields import api_url, ll2_id, name_of, reference
from gql_server.graphql.types.images import Image


@strawberry.type(description="The kind of a celestial body (planet, moon, ...).")
class CelestialBodyType(RowType):
    _table = models.CelestialBodyType.__table__
    id: int = ll2_id("celestial body type")
    name: str | None = name_of("celestial body type")


@strawberry.type(description="A planet, moon or other body that things land on.")
class CelestialBody(RowType):
    _table = models.CelestialBody.__table__
    id: int = ll2_id("celestial body")
    name: str = name_of("celestial body")
    diameter: float | None = strawberry.field(description="Mean diameter in metres.")
    mass: float | None = strawberry.field(description="Mass in kilograms.")
    gravity: float | None = strawberry.field(description="Surface gravity in m/s².")
    length_of_day: str | None = strawberry.field(
        description="Length of a day as LL2 serves it, verbatim (e.g. `1 00:00:00`)."
    )
    atmosphere: bool | None = strawberry.field(description="True when it has an atmosphere.")
    description: str | None = strawberry.field(description="A paragraph about the body.")
    wiki_url: str | None = strawberry.field(description="Its Wikipedia article.")
    type_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]

    type: CelestialBodyType | None = reference("type_id", "What kind of body this is.")

    image: Image | None = reference("image_id", "A picture of the body.")


@strawberry.type(description="A launch or landing site region (a spaceport, an ocean area).")
class Location(RowType):
    _table = models.Location.__table__
    id: int = ll2_id("location")
    url: str = api_url("location")
    name: str | None = name_of("location")
    active: bool | None = strawberry.field(description="True while the location is in use.")
    description: str | None = strawberry.field(description="A paragraph about the location.")
    map_image: str | None = strawberry.field(description="Address of a map image.")
    longitude: float | None = strawberry.field(description="Longitude in degrees.")
    latitude: float | None = strawberry.field(description="Latitude in degrees.")
    timezone_name: str | None = strawberry.field(description="IANA time zone, e.g. `UTC`.")
    total_launch_count: int | None = strawberry.field(description="Launches from here.")
    total_landing_count: int | None = strawberry.field(description="Landings here.")
    country_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]

    country: Country | None = reference(
        "country_id", "The country the location is in, when it is in one."
    )

    image: Image | None = reference("image_id", "A picture of the location.")


@strawberry.type(description="A place where spacecraft or boosters land.")
class LandingLocation(RowType):
    _table = models.LandingLocation.__table__
    id: int = ll2_id("landing location")
    name: str | None = name_of("landing location")
    active: bool | None = strawberry.field(description="True while landings happen here.")
    abbrev: str | None = strawberry.field(description="Short name, e.g. `DLS`.")
    description: str | None = strawberry.field(description="A paragraph about the place.")
    longitude: float | None = strawberry.field(description="Longitude in degrees.")
    latitude: float | None = strawberry.field(description="Latitude in degrees.")
    successful_landings: int | None = strawberry.field(description="Landings that succeeded.")
    attempted_landings: int | None = strawberry.field(description="Landings attempted.")
    failed_landings: int | None = strawberry.field(description="Landings that failed.")
    location_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]
    celestial_body_id: strawberry.Private[int | None]

    location: Location | None = reference(
        "location_id", "The wider location (region) this place belongs to."
    )

    image: Image | None = reference("image_id", "A picture of the place.")

    celestial_body: CelestialBody | None = reference(
        "celestial_body_id", "The body the place is on."
    )


@strawberry.type(description="How a landing was made (parachute, propulsive, ...).")
class LandingType(RowType):
    _table = models.LandingType.__table__
    id: int = ll2_id("landing type")
    name: str | None = name_of("landing type")
    abbrev: str | None = strawberry.field(description="Short name, e.g. `PCL`.")
    description: str | None = strawberry.field(description="What the landing type means.")


@strawberry.type(description="The landing that ended a flight.")
class Landing(RowType):
    _table = models.Landing.__table__
    id: int = ll2_id("landing")
    url: str = api_url("landing")
    attempt: bool | None = strawberry.field(description="True when a landing was attempted.")
    success: bool | None = strawberry.field(
        description="True when it succeeded; null while unknown."
    )
    description: str | None = strawberry.field(description="A sentence about the landing.")
    downrange_distance: float | None = strawberry.field(
        description="Distance from the launch site in kilometres, when known."
    )
    landing_location_id: strawberry.Private[int | None]
    type_id: strawberry.Private[int | None]

    landing_location: LandingLocation | None = reference("landing_location_id", "Where it landed.")

    type: LandingType | None = reference("type_id", "How it landed.")
