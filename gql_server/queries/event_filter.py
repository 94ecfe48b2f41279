"""Which docking events a list asks for: the REST endpoint's filters and search, plus
occupancy (``docked_at``), as SQL conditions, with or without their values inline; and how
many they are (``count``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from gql_server.db.models import DockingEvent, DockingEventCount
from gql_server.queries.search import search_conditions, search_parameters, search_shape
from gql_server.queries.sql import utc_day, utc_month, utc_year

EVENTS = DockingEvent.__table__
_COUNTED = DockingEventCount.__table__
# The count the triggers keep (``DockingEventCount``), read where nothing is filtered.
ALL_EVENTS_COUNT: Select[tuple[int]] = select(_COUNTED.c.n).where(
    _COUNTED.c.id == literal_column("1")
)


class Ordering(Enum):
    """LL2's ``ordering`` values: ``docking``, ``-docking``, ``departure``, ``-departure``."""

    DOCKING_ASC = "docking"
    DOCKING_DESC = "-docking"
    DEPARTURE_ASC = "departure"
    DEPARTURE_DESC = "-departure"


@dataclass(frozen=True)
class EventFilter:
    """The REST filters, the search and occupancy; every given one must hold (AND).
    Hashable: loaders key their batches on it."""

    docking_gt: datetime | None = None
    docking_gte: datetime | None = None
    docking_lt: datetime | None = None
    docking_lte: datetime | None = None
    docking_location_id: int | None = None
    flight_vehicle_chaser_id: int | None = None
    space_station_target_id: int | None = None
    search: str | None = None
    # Attached at this instant: docking <= t and (departure is null or departure > t).
    docked_at: datetime | None = None
    # LL2 2.4.0: still attached (no departure) when true, departed when false.
    docked: bool | None = None
    # LL2 2.4.0: the UTC year, month, day of docking is one of these (None: any).
    docking_year: tuple[int, ...] | None = None
    docking_month: tuple[int, ...] | None = None
    docking_day: tuple[int, ...] | None = None

    def conditions(self, *, named: bool = False) -> list[ColumnElement[bool]]:
        """The conditions; ``named``: their values are parameters named after the fields
        (``parameters`` gives them), so one statement serves every filter of the same
        ``shape``."""
        c = EVENTS.c

        def value(name: str) -> Any:
            return bindparam(f"where_{name}") if named else getattr(self, name)

        conditions: list[ColumnElement[bool]] = []
        if self.docking_gt is not None:
            conditions.append(c.docking > value("docking_gt"))
        if self.docking_gte is not None:
            conditions.append(c.docking >= value("docking_gte"))
        if self.docking_lt is not None:
            conditions.append(c.docking < value("docking_lt"))
        if self.docking_lte is not None:
            conditions.append(c.docking <= value("docking_lte"))
        if self.docking_location_id is not None:
            conditions.append(c.docking_location_id == value("docking_location_id"))
        if self.flight_vehicle_chaser_id is not None:
            conditions.append(c.flight_vehicle_chaser_id == value("flight_vehicle_chaser_id"))
        if self.space_station_target_id is not None:
            conditions.append(c.space_station_target_id == value("space_station_target_id"))
        if self.docked_at is not None:
            conditions.append(c.docking <= value("docked_at"))
            conditions.append(or_(c.departure.is_(None), c.departure > value("docked_at")))
        if self.docked is not None:
            conditions.append(c.departure.is_(None) if self.docked else c.departure.is_not(None))
        for part, values in (
            (utc_year, self.docking_year),
            (utc_month, self.docking_month),
            (utc_day, self.docking_day),
        ):
            if values is not None:
                # Named: one parameter per value (in the shape), not an expanding IN, which
                # a statement sent to the driver itself cannot hold (``driver_reading``).
                listed = [literal(v, Integer()) for v in values] if named else values
                conditions.append(part(c.docking).in_(listed))
        conditions.extend(
            search_conditions(c.search_document, self.search, rowid=c.id, named=named)
        )
        return conditions

    def shape(self) -> tuple[Any, ...]:
        """What decides the statements ``conditions(named=True)`` goes into: which valued
        filters are given, the others' values, the search's shape."""
        return (
            tuple(name for name in _VALUED if getattr(self, name) is not None),
            self.docked,
            self.docking_year,
            self.docking_month,
            self.docking_day,
            search_shape(self.search),
        )

    def parameters(self) -> dict[str, Any]:
        """The values of ``conditions(named=True)``'s parameters."""
        values = {f"where_{n}": v for n in _VALUED if (v := getattr(self, n)) is not None}
        values.update(search_parameters(self.search))
        return values


# The filters whose values ``conditions(named=True)`` takes as parameters.
_VALUED = (
    "docking_gt",
    "docking_gte",
    "docking_lt",
    "docking_lte",
    "docking_location_id",
    "flight_vehicle_chaser_id",
    "space_station_target_id",
    "docked_at",
)


def count(where: EventFilter, *, named: bool = False) -> Select[tuple[int]]:
    """How many events ``where`` matches: the kept count when it filters nothing."""
    conditions = where.conditions(named=named)
    if not conditions:
        return ALL_EVENTS_COUNT
    return select(func.count()).select_from(EVENTS).where(*conditions)
