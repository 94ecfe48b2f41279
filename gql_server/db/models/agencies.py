"""Agencies (space agencies, manufacturers, operators) and countries."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, Link, child_key, parent_key, ref


class AgencyType(Base):
    __tablename__ = "agency_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class Country(Base):
    __tablename__ = "country"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]
    alpha_2_code: Mapped[str | None]
    alpha_3_code: Mapped[str | None]
    nationality_name: Mapped[str | None]
    nationality_name_composed: Mapped[str | None]


class AgencyCountry(Link):
    __tablename__ = "agency_country"
    parent_id: Mapped[int] = parent_key("agency")
    child_id: Mapped[int] = child_key("country")


class Agency(Base):
    __tablename__ = "agency"
    __ll2_lists__ = {"country": AgencyCountry}
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    name: Mapped[str]
    abbrev: Mapped[str | None]
    type_id: Mapped[int | None] = ref("agency_type")
    featured: Mapped[bool | None]
    description: Mapped[str | None]
    administrator: Mapped[str | None]
    founding_year: Mapped[int | None]
    launchers: Mapped[str | None]
    spacecraft: Mapped[str | None]
    parent: Mapped[str | None]
    image_id: Mapped[int | None] = ref("image")
    logo_id: Mapped[int | None] = ref("image")
    social_logo_id: Mapped[int | None] = ref("image")
    # True once a form with the `country` list was ingested (the list form has none).
    country_listed: Mapped[bool | None] = mapped_column(info={"derived": True})
