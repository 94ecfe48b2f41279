"""Docking statistics: events grouped by station, port, year, chaser kind or agency, in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select

from gql_server.db.models import (
    Payload,
    PayloadFlight,
    Spacecraft,
    SpacecraftConfig,
    SpacecraftFlight,
)
from gql_server.queries.docking_events import EVENTS, EventFilter
from gql_server.queries.sql import epoch_seconds, utc_year


class StatsKey(Enum):
    STATION = "station_id"
    DOCKING_LOCATION = "docking_location_id"
    YEAR = "year"
    CHASER_KIND = "chaser_kind"
    CHASER_AGENCY = "chaser_agency_id"


def _key_expressions() -> dict[StatsKey, ColumnElement[object]]:
    c = EVENTS.c
    config = SpacecraftConfig.__table__
    payload = Payload.__table__
    return {
        # The station involved: the target station, else the chasing station.
        StatsKey.STATION: func.coalesce(c.space_station_target_id, c.space_station_chaser_id),
        StatsKey.DOCKING_LOCATION: c.docking_location_id,
        StatsKey.YEAR: utc_year(c.docking),
        # Literal columns, not bound parameters: both backends see one expression.
        StatsKey.CHASER_KIND: case(
            (c.flight_vehicle_chaser_id.is_not(None), literal_column("'SPACECRAFT_FLIGHT'")),
            (c.payload_flight_chaser_id.is_not(None), literal_column("'PAYLOAD_FLIGHT'")),
            (c.space_station_chaser_id.is_not(None), literal_column("'SPACE_STATION'")),
        ),
        # A spacecraft flight's agency is its spacecraft design's; a payload's, its operator.
        StatsKey.CHASER_AGENCY: func.coalesce(config.c.agency_id, payload.c.operator_id),
    }


def stats(
    where: EventFilter, group_by: Sequence[StatsKey], limit: int | None = None
) -> Select[tuple[object, ...]]:
    """One row a bucket: the key values (named by ``StatsKey.value``), ``count`` (events),
    ``departed`` (events with a departure) and ``docked_seconds`` (the sum over departed
    events of departure minus docking, in whole seconds). Buckets come ordered by the keys
    in ``group_by`` order, ascending, nulls last; at most ``limit`` of them."""
    keys = list(dict.fromkeys(group_by))
    expressions = _key_expressions()
    c = EVENTS.c
    source = EVENTS
    if StatsKey.CHASER_AGENCY in keys:
        flight = SpacecraftFlight.__table__
        craft = Spacecraft.__table__
        config = SpacecraftConfig.__table__
        payload_flight = PayloadFlight.__table__
        payload = Payload.__table__
        source = (
            EVENTS.outerjoin(flight, flight.c.id == c.flight_vehicle_chaser_id)
            .outerjoin(craft, craft.c.id == flight.c.spacecraft_id)
            .outerjoin(config, config.c.id == craft.c.spacecraft_config_id)
            .outerjoin(payload_flight, payload_flight.c.id == c.payload_flight_chaser_id)
            .outerjoin(payload, payload.c.id == payload_flight.c.payload_id)
        )
    seconds = epoch_seconds(c.departure) - epoch_seconds(c.docking)
    rows = (
        select(
            *[expressions[key].label(key.value) for key in keys],
            case((c.departure.is_not(None), seconds)).label("seconds"),
        )
        .select_from(source)
        .where(*where.conditions())
        .subquery("bucketed")
    )
    b = rows.c
    key_columns = [b[key.value] for key in keys]
    return (
        select(
            *key_columns,
            func.count().label("count"),
            func.count(b.seconds).label("departed"),
            func.coalesce(func.sum(b.seconds), 0).label("docked_seconds"),
        )
        .group_by(*key_columns)
        .order_by(*[column.asc().nulls_last() for column in key_columns])
        .limit(limit)
    )
