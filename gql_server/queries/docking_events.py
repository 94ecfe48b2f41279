"""Which docking events a list asks for, in which order: the REST endpoint's semantics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import ColumnElement, Select, func, select

from gql_server.db.models import DockingEvent
from gql_server.queries.search import search_conditions

EVENTS = DockingEvent.__table__


class Ordering(Enum):
    """LL2's ``ordering`` values: ``docking``, ``-docking``, ``departure``, ``-departure``."""

    DOCKING_ASC = "docking"
    DOCKING_DESC = "-docking"
    DEPARTURE_ASC = "departure"
    DEPARTURE_DESC = "-departure"


@dataclass(frozen=True)
class EventFilter:
    """The REST filters and the search; every given one must hold (AND)."""

    docking_gt: datetime | None = None
    docking_gte: datetime | None = None
    docking_lt: datetime | None = None
    docking_lte: datetime | None = None
    docking_location_id: int | None = None
    flight_vehicle_chaser_id: int | None = None
    space_station_target_id: int | None = None
    search: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        c = EVENTS.c
        conditions: list[ColumnElement[bool]] = []
        if self.docking_gt is not None:
            conditions.append(c.docking > self.docking_gt)
        if self.docking_gte is not None:
            conditions.append(c.docking >= self.docking_gte)
        if self.docking_lt is not None:
            conditions.append(c.docking < self.docking_lt)
        if self.docking_lte is not None:
            conditions.append(c.docking <= self.docking_lte)
        if self.docking_location_id is not None:
            conditions.append(c.docking_location_id == self.docking_location_id)
        if self.flight_vehicle_chaser_id is not None:
            conditions.append(c.flight_vehicle_chaser_id == self.flight_vehicle_chaser_id)
        if self.space_station_target_id is not None:
            conditions.append(c.space_station_target_id == self.space_station_target_id)
        conditions.extend(search_conditions(c.search_document, self.search))
        return conditions


def order_by(ordering: Sequence[Ordering] | None) -> list[ColumnElement[object]]:
    """ORDER BY terms: the keys in order (docking ascending when none), null departures last
    ascending and first descending (PostgreSQL's rule, which LL2 follows), then id."""
    c = EVENTS.c
    terms: list[ColumnElement[object]] = []
    for key in ordering or [Ordering.DOCKING_ASC]:
        if key is Ordering.DOCKING_ASC:
            terms.append(c.docking.asc())
        elif key is Ordering.DOCKING_DESC:
            terms.append(c.docking.desc())
        elif key is Ordering.DEPARTURE_ASC:
            terms.append(c.departure.asc().nulls_last())
        else:
            terms.append(c.departure.desc().nulls_first())
    terms.append(c.id.asc())
    return terms


def page(
    where: EventFilter, ordering: Sequence[Ordering] | None, limit: int, offset: int
) -> Select[tuple[object, ...]]:
    return (
        select(EVENTS)
        .where(*where.conditions())
        .order_by(*order_by(ordering))
        .limit(limit)
        .offset(offset)
    )


def count(where: EventFilter) -> Select[tuple[int]]:
    return select(func.count()).select_from(EVENTS).where(*where.conditions())
