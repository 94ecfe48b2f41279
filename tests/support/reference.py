"""LL2's list rules in plain Python, to check the SQL against: the search (DRF's
SearchFilter as the README states it), the REST filters, the orderings and paging, read
straight from LL2 JSON events. Slow and obvious on purpose."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gql_server.search_terms import split_terms


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if obj is None:
            return None
        obj = obj.get(key)
    return obj


def event_fields(event: dict[str, Any]) -> list[str]:
    """The seven fields LL2 searches: the docking location's name; the chaser's and the
    target's spacecraft, payload or station name."""
    fields = [
        _get(event, "docking_location", "name"),
        _get(event, "flight_vehicle_chaser", "spacecraft", "name"),
        _get(event, "flight_vehicle_target", "spacecraft", "name"),
        _get(event, "payload_flight_chaser", "payload", "name"),
        _get(event, "payload_flight_target", "payload", "name"),
        _get(event, "space_station_chaser", "name"),
        _get(event, "space_station_target", "name"),
    ]
    return [field for field in fields if field]


def matches(search: str | None, fields: Iterable[str]) -> bool:
    """The README's rule: every term (split as DRF does) occurs, after casefold, in one
    field; a blank search matches everything."""
    folded = [field.casefold() for field in fields]
    terms = split_terms(search or "")
    return all(any(term.casefold() in field for field in folded) for term in terms)


NO_DATE = datetime.min.replace(tzinfo=UTC)  # a null departure in a sort key: nulls tie


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Event:
    """What the lists filter and order docking events by."""

    id: int
    docking: datetime
    departure: datetime | None
    location: int | None
    chaser_flight: int | None
    target_station: int | None
    fields: tuple[str, ...]

    @classmethod
    def of(cls, event: dict[str, Any]) -> Event:
        return cls(
            id=event["id"],
            docking=instant(event["docking"]),
            departure=instant(event["departure"]) if event["departure"] else None,
            location=_get(event, "docking_location", "id"),
            chaser_flight=_get(event, "flight_vehicle_chaser", "id"),
            target_station=_get(event, "space_station_target", "id"),
            fields=tuple(event_fields(event)),
        )


def kept(
    events: Iterable[Event],
    *,
    docking_gt: datetime | None = None,
    docking_gte: datetime | None = None,
    docking_lt: datetime | None = None,
    docking_lte: datetime | None = None,
    docking_location_id: int | None = None,
    flight_vehicle_chaser_id: int | None = None,
    space_station_target_id: int | None = None,
    search: str | None = None,
    docked_at: datetime | None = None,
) -> list[Event]:
    """The events every given filter keeps (AND), in the order given."""
    found = []
    for e in events:
        if docking_gt is not None and not e.docking > docking_gt:
            continue
        if docking_gte is not None and not e.docking >= docking_gte:
            continue
        if docking_lt is not None and not e.docking < docking_lt:
            continue
        if docking_lte is not None and not e.docking <= docking_lte:
            continue
        if docking_location_id is not None and e.location != docking_location_id:
            continue
        if flight_vehicle_chaser_id is not None and e.chaser_flight != flight_vehicle_chaser_id:
            continue
        if space_station_target_id is not None and e.target_station != space_station_target_id:
            continue
        if docked_at is not None and not (
            e.docking <= docked_at and (e.departure is None or e.departure > docked_at)
        ):
            continue
        if not matches(search, e.fields):
            continue
        found.append(e)
    return found


def ordered(events: Iterable[Event], ordering: Sequence[str] = ()) -> list[Event]:
    """LL2's ``ordering`` (``docking``, ``-docking``, ``departure``, ``-departure``; docking
    when none): null departures last ascending and first descending, ties by id."""
    result = sorted(events, key=lambda e: e.id)
    # Stable sorts, least significant key first.
    for key in reversed(list(ordering) or ["docking"]):
        descending = key.startswith("-")
        if key.lstrip("-") == "docking":
            result.sort(key=lambda e: e.docking, reverse=descending)
        else:  # nulls sort as if larger than every date: last ascending, first descending
            result.sort(key=lambda e: (e.departure is None, e.departure or NO_DATE), reverse=descending)
    return result


def ids(events: Iterable[Event]) -> list[int]:
    return [e.id for e in events]
