"""The relations between tables and the statements that load them: one-to-many children (a
top-N window per parent, counts per parent, every child of some parents), and a chain of
to-one rows read in one statement of LEFT JOINs. No GraphQL here: ``graphql/loaders.py`` and
the planner (``graphql/planner/``) call these builders and run what they return."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    FromClause,
    Select,
    Table,
    any_,
    bindparam,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnCollection

from gql_server.db import models

OrderTerms = Callable[[ColumnCollection[str, Any]], Sequence[ColumnElement[Any]]]


@dataclass(frozen=True)
class Relation:
    """A one-to-many relation: the rows of ``table`` whose ``columns`` (any of them) hold the
    parent's id, e.g. docking events whose target or chaser is a station. A row that names
    the same parent in two columns belongs to it once."""

    name: str
    table: Table
    columns: tuple[str, ...]

    def branches(self, keys: Sequence[Hashable], conditions: Sequence[ColumnElement[bool]]) -> Any:
        """The matching rows of every parent in ``keys``, each with its parent as
        ``_parent``: one SELECT a column, UNION ALL, as a subquery."""
        t = self.table
        selects: list[Select[Any]] = []
        for i, name in enumerate(self.columns):
            column = t.c[name]
            earlier = [or_(t.c[o].is_(None), t.c[o] != column) for o in self.columns[:i]]
            selects.append(
                select(column.label("_parent"), *t.c).where(column.in_(keys), *conditions, *earlier)
            )
        compound = selects[0] if len(selects) == 1 else union_all(*selects)
        return compound.subquery("children")


def children_window(
    relation: Relation,
    keys: Sequence[Hashable],
    conditions: Sequence[ColumnElement[bool]],
    order: OrderTerms,
    limit: int | None,
    offset: int,
) -> Select[Any]:
    """Each parent's rows of ``relation`` that meet ``conditions``, in ``order``, the slice
    ``offset``..``offset + limit`` (all from ``offset`` when ``limit`` is None), ordered by
    parent then rank: ROW_NUMBER() OVER (PARTITION BY parent ORDER BY ...)."""
    rows = relation.branches(keys, conditions)
    number = (
        func.row_number()
        .over(partition_by=rows.c["_parent"], order_by=list(order(rows.c)))
        .label("_row")
    )
    ranked = select(rows, number).subquery("ranked")
    window = [ranked.c["_row"] > offset]
    if limit is not None:
        window.append(ranked.c["_row"] <= offset + limit)
    return select(ranked).where(*window).order_by(ranked.c["_parent"], ranked.c["_row"])


def child_counts(
    relation: Relation, keys: Sequence[Hashable], conditions: Sequence[ColumnElement[bool]]
) -> Select[Any]:
    """How many rows of ``relation`` each parent in ``keys`` has that meet ``conditions``
    (``_parent``, ``n``): one ``GROUP BY`` parent."""
    rows = relation.branches(keys, conditions)
    return select(rows.c["_parent"], func.count().label("n")).group_by(rows.c["_parent"])


@functools.cache
def all_children(relation: Relation) -> Select[Any]:
    """Every row of ``relation`` whose parent is in the ``ids`` parameter, by id. Built once
    per relation (see ``by_id.rows_by_id``)."""
    table = relation.table
    ids = bindparam("ids", expanding=True)
    columns = [table.c[name] for name in relation.columns]
    return select(table).where(or_(*(c.in_(ids) for c in columns))).order_by(table.c.id)


@dataclass(frozen=True)
class JoinStep:
    """One table of a to-one chain: the ``names`` columns read from it, and (but for the
    root) the step whose ``column`` references its id."""

    table: Table
    names: tuple[str, ...]
    parent: int | None
    column: str | None


def chained_columns(
    steps: Sequence[JoinStep], root: FromClause
) -> tuple[FromClause, list[ColumnElement[Any]]]:
    """A to-one chain's LEFT JOINs from ``root`` (the first step's rows: its table, or a
    subquery with its columns) and every step's columns in order, labelled ``c0``, ``c1``,
    ... across the whole row."""
    aliases = [root, *(step.table.alias(f"p{i}") for i, step in enumerate(steps) if i)]
    joined = aliases[0]
    for step, alias in zip(steps[1:], aliases[1:], strict=True):
        parent = aliases[step.parent]  # type: ignore[index]
        joined = joined.outerjoin(alias, alias.c.id == parent.c[step.column])
    columns: list[ColumnElement[Any]] = []
    for step, alias in zip(steps, aliases, strict=True):
        for name in step.names:
            columns.append(alias.c[name].label(f"c{len(columns)}"))
    return joined, columns


def joined_chain(steps: Sequence[JoinStep]) -> tuple[Select[Any], Select[Any]]:
    """The rows of a to-one chain in one SELECT of LEFT JOINs (``chained_columns``): for the
    root whose id is the ``key`` parameter, and (PostgreSQL only: an array parameter) for
    the roots whose ids are in ``ids``."""
    root_alias = steps[0].table.alias("p0")
    joined, columns = chained_columns(steps, root_alias)
    root = root_alias.c.id
    one = select(*columns).select_from(joined).where(root == bindparam("key"))
    # One array parameter (PostgreSQL's ``= ANY``), not an expanding IN: the SQL is the same
    # for any number of ids, so the driver prepares it once (``Reader.rows_driven``).
    many = (
        select(*columns)
        .select_from(joined)
        .where(root == any_(bindparam("ids", type_=ARRAY(root.type))))
    )
    return one, many


# The relation catalogue. Events of a station, flight or payload flight: as chaser or target.
EVENTS = models.DockingEvent.__table__

STATION_EVENTS = {
    None: Relation(
        "station_events", EVENTS, ("space_station_target_id", "space_station_chaser_id")
    ),
    "target": Relation("station_events_target", EVENTS, ("space_station_target_id",)),
    "chaser": Relation("station_events_chaser", EVENTS, ("space_station_chaser_id",)),
}
FLIGHT_EVENTS = {
    None: Relation(
        "flight_events", EVENTS, ("flight_vehicle_target_id", "flight_vehicle_chaser_id")
    ),
    "target": Relation("flight_events_target", EVENTS, ("flight_vehicle_target_id",)),
    "chaser": Relation("flight_events_chaser", EVENTS, ("flight_vehicle_chaser_id",)),
}
PAYLOAD_FLIGHT_EVENTS = {
    None: Relation(
        "payload_flight_events", EVENTS, ("payload_flight_target_id", "payload_flight_chaser_id")
    ),
    "target": Relation("payload_flight_events_target", EVENTS, ("payload_flight_target_id",)),
    "chaser": Relation("payload_flight_events_chaser", EVENTS, ("payload_flight_chaser_id",)),
}
LOCATION_EVENTS = Relation("location_events", EVENTS, ("docking_location_id",))
STATION_LOCATIONS = Relation(
    "station_locations", models.DockingLocation.__table__, ("spacestation_id",)
)
SPACECRAFT_FLIGHTS = Relation(
    "spacecraft_flights", models.SpacecraftFlight.__table__, ("spacecraft_id",)
)
AGENCY_CONFIGS = Relation("agency_configs", models.SpacecraftConfig.__table__, ("agency_id",))
CONFIG_SPACECRAFT = Relation(
    "config_spacecraft", models.Spacecraft.__table__, ("spacecraft_config_id",)
)
