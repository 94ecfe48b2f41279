"""The name-searched lists (``gql_server.queries.by_name``: space stations and docking
locations, ordered by id) built and run as they are, on both backends, against the plain
Python reading of the search rule."""

from __future__ import annotations

from typing import Any

import pytest
from support.reference import matches
from support.statements import Generated, events_json

from gql_server.db.models import DockingLocation, SpaceStation
from gql_server.queries import by_name

TABLES = {"stations": SpaceStation.__table__, "locations": DockingLocation.__table__}


def named(kind: str) -> dict[int, str]:
    """Every station (or docking location) the events hold, anywhere, by id."""
    found: dict[int, str] = {}

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            is_station = key in ("space_station_chaser", "space_station_target", "spacestation")
            if (kind == "stations" and is_station) or (kind == "locations" and key == "docking_location"):
                found[value["id"]] = value["name"]
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)

    walk(events_json(), None)
    return dict(sorted(found.items()))


SEARCHES = [None, "", "station", "INTERNATIONAL space", "nadir", '"zenith"', "mo,na", "zz", "%", "no such"]


def test_the_searches_are_not_vacuous() -> None:
    for kind in TABLES:
        names = named(kind).values()
        hits = [sum(matches(search, [name]) for name in names) for search in SEARCHES]
        assert hits[0] == hits[1] == len(names) > 3
        assert any(1 < n < len(names) for n in hits), kind


@pytest.mark.parametrize("kind", list(TABLES))
def test_the_lists_hold_every_one_by_id(generated: Generated, kind: str) -> None:
    want = named(kind)
    assert len(want) > 1
    (rows,) = generated.rows(by_name.page(TABLES[kind], None, 1000, 0))
    assert {row["id"]: row["name"] for row in rows} == want
    assert [row["id"] for row in rows] == list(want)


@pytest.mark.parametrize("search", SEARCHES)
@pytest.mark.parametrize("kind", list(TABLES))
def test_search_count_and_paging(generated: Generated, kind: str, search: str | None) -> None:
    whole = [i for i, name in named(kind).items() if matches(search, [name])]
    table = TABLES[kind]
    cases = [(1000, 0), (2, 0), (2, 1), (3, max(len(whole) - 1, 0)), (5, len(whole))]
    found = generated.rows(by_name.count(table, search), *[by_name.page(table, search, n, o) for n, o in cases])
    ((total,),) = [row.values() for row in found[0]]
    assert total == len(whole)
    for (limit, offset), rows in zip(cases, found[1:], strict=True):
        assert [row["id"] for row in rows] == whole[offset : offset + limit], (limit, offset)
