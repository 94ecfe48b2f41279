"""Agencies and countries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from gql_server.db import models
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.fields import api_url, children_of, listed, ll2_id, name_of, reference
from gql_server.graphql.types.images import Image
from gql_server.queries.relations import AGENCY_CONFIGS

if TYPE_CHECKING:
    from gql_server.graphql.types.spacecraft import SpacecraftConfig


@strawberry.type(description="A country, as LL2 names it.")
class Country(RowType):
    _table = models.Country.__table__
    id: int = ll2_id("country")
    name: str | None = name_of("country")
    alpha_2_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    alpha_3_code: str | None = strawberry.field(description="ISO 3166-1 alpha-3 code.")
    nationality_name: str | None = strawberry.field(description="Adjective, e.g. `American`.")
    nationality_name_composed: str | None = strawberry.field(
        description="Adjective used in compounds, e.g. `Americano`."
    )


@strawberry.type(description="The kind of an agency (government, commercial, ...).")
class AgencyType(RowType):
    _table = models.AgencyType.__table__
    id: int = ll2_id("agency type")
    name: str | None = name_of("agency type")


@strawberry.type(
    description=(
        "A space agency, company or other organization. Docking events in normal mode carry "
        "the short (list) form; fields only the normal form has are null until it is ingested."
    )
)
class Agency(RowType):
    _table = models.Agency.__table__
    id: int = ll2_id("agency")
    url: str = api_url("agency")
    name: str = name_of("agency")
    abbrev: str | None = strawberry.field(description="Short name, e.g. `NASA`.")
    featured: bool | None = strawberry.field(description="True when LL2 features the agency.")
    description: str | None = strawberry.field(description="A paragraph about the agency.")
    administrator: str | None = strawberry.field(description="Who leads the agency.")
    founding_year: int | None = strawberry.field(description="The year it was founded.")
    launchers: str | None = strawberry.field(description="Launch vehicles it operates, as text.")
    spacecraft: str | None = strawberry.field(description="Spacecraft it operates, as text.")
    parent: str | None = strawberry.field(description="The name of its parent organization.")
    type_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]
    logo_id: strawberry.Private[int | None]
    social_logo_id: strawberry.Private[int | None]
    country_listed: strawberry.Private[bool | None]

    type: AgencyType | None = reference("type_id", "What kind of organization this is.")

    country: list[Country] | None = listed(
        models.AgencyCountry.__table__,
        "The countries the agency belongs to; null until its normal form is ingested.",
        flag="country_listed",
    )

    image: Image | None = reference("image_id", "A picture of the agency.")

    logo: Image | None = reference("logo_id", "The agency's logo.")

    social_logo: Image | None = reference(
        "social_logo_id", "The agency's logo sized for social media cards."
    )

    spacecraft_configs: list[
        Annotated[SpacecraftConfig, strawberry.lazy("gql_server.graphql.types.spacecraft")]
    ] = children_of(
        AGENCY_CONFIGS, "The spacecraft designs this agency is responsible for, by id; batched."
    )
