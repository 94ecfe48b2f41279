"""Launches."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from gql_server.db import models
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.fields import api_url, name_of, reference
from gql_server.graphql.types.images import Image


@strawberry.type(description="The state of a launch (Go, Success, Failure, ...).")
class LaunchStatus(RowType):
    _table = models.LaunchStatus.__table__
    id: int = strawberry.field(description="The LL2 id of this status.")
    name: str | None = name_of("status")
    abbrev: str | None = strawberry.field(description="Short name, e.g. `Success`.")
    description: str | None = strawberry.field(description="What the status means.")


@strawberry.type(
    description=(
        "A launch. Normal-mode docking events carry only id, url and name; the other fields "
        "come from detailed mode and are null until it is ingested."
    )
)
class Launch(RowType):
    _table = models.Launch.__table__
    id: uuid.UUID = strawberry.field(description="The LL2 id of this launch (a UUID).")
    url: str = api_url("launch")
    name: str | None = name_of("launch")
    slug: str | None = strawberry.field(description="The launch's URL slug on LL2.")
    launch_designator: str | None = strawberry.field(description="COSPAR designator.")
    last_updated: datetime | None = strawberry.field(description="When LL2 last changed it.")
    net: datetime | None = strawberry.field(description="No earlier than: the launch time.")
    window_start: datetime | None = strawberry.field(description="Launch window opening.")
    window_end: datetime | None = strawberry.field(description="Launch window closing.")
    infographic: str | None = strawberry.field(description="Address of an infographic.")
    probability: int | None = strawberry.field(description="Weather go probability, percent.")
    weather_concerns: str | None = strawberry.field(description="Weather concerns, as text.")
    failreason: str | None = strawberry.field(description="Why it failed, when it did.")
    hashtag: str | None = strawberry.field(description="The launch's hashtag.")
    webcast_live: bool | None = strawberry.field(description="True while a webcast is live.")
    orbital_launch_attempt_count: int | None = strawberry.field(
        description="Orbital launch attempts ever, up to this one."
    )
    location_launch_attempt_count: int | None = strawberry.field(
        description="Launch attempts from this location, up to this one."
    )
    pad_launch_attempt_count: int | None = strawberry.field(
        description="Launch attempts from this pad, up to this one."
    )
    agency_launch_attempt_count: int | None = strawberry.field(
        description="Launch attempts by this provider, up to this one."
    )
    orbital_launch_attempt_count_year: int | None = strawberry.field(
        description="Orbital launch attempts this year, up to this one."
    )
    location_launch_attempt_count_year: int | None = strawberry.field(
        description="Attempts from this location this year, up to this one."
    )
    pad_launch_attempt_count_year: int | None = strawberry.field(
        description="Attempts from this pad this year, up to this one."
    )
    agency_launch_attempt_count_year: int | None = strawberry.field(
        description="Attempts by this provider this year, up to this one."
    )
    status_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]

    status: LaunchStatus | None = reference("status_id", "The launch's status (detailed mode).")

    image: Image | None = reference("image_id", "A picture of the launch (detailed mode).")
