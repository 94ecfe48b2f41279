"""Payloads, the programs they belong to, and their flights."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, Link, child_key, parent_key, ref


class PayloadType(Base):
    __tablename__ = "payload_type"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]


class Program(Base):
    __tablename__ = "program"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    name: Mapped[str]
    image_id: Mapped[int | None] = ref("image")
    info_url: Mapped[str | None]
    wiki_url: Mapped[str | None]


class PayloadProgram(Link):
    __tablename__ = "payload_program"
    parent_id: Mapped[int] = parent_key("payload")
    child_id: Mapped[int] = child_key("program")


class Payload(Base):
    __tablename__ = "payload"
    __ll2_lists__ = {"program": PayloadProgram}
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str | None]
    type_id: Mapped[int | None] = ref("payload_type")
    manufacturer_id: Mapped[int | None] = ref("agency")
    operator_id: Mapped[int | None] = ref("agency")
    image_id: Mapped[int | None] = ref("image")
    wiki_link: Mapped[str | None]
    info_link: Mapped[str | None]
    cost: Mapped[int | None]
    mass: Mapped[float | None]
    description: Mapped[str | None]
    # True once a form with the `program` list was ingested (detailed mode only).
    program_listed: Mapped[bool | None] = mapped_column(info={"derived": True})


class PayloadFlight(Base):
    __tablename__ = "payload_flight"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    url: Mapped[str]
    destination: Mapped[str | None]
    amount: Mapped[int | None]
    payload_id: Mapped[int | None] = ref("payload")
    launch_id: Mapped[uuid.UUID | None] = ref("launch")
    landing_id: Mapped[int | None] = ref("landing")
