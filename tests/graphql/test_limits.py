"""Abuse limits: just under each limit passes, just over is refused with QUERY_TOO_COMPLEX."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.client import Client, make_client
from support.data import FULL_PAGE_QUERY

from gql_server.settings import Limits

SMALL = Limits(
    max_depth=4, max_aliases=3, max_tokens=60, max_root_fields=3, max_cost=500
)


@pytest.fixture
def limited(db_url: str) -> Iterator[Client]:
    yield from make_client(db_url, limits=SMALL)


def refused(client: Client, query: str, limit: str) -> dict[str, object]:
    body = client.post(query)
    assert "data" not in body or body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert error["extensions"]["limit"] == limit
    return error


def test_depth(limited: Client) -> None:
    # depth 4: dockingEvents > results > dockingLocation > spacestation(name)
    limited.data("{ dockingEvents { results { dockingLocation { name } } } }")
    error = refused(
        limited,
        "{ dockingEvents { results { dockingLocation { spacestation { name } } } } }",
        "depth",
    )
    assert error["extensions"]["max"] == 4 and error["extensions"]["actual"] == 5


def test_depth_counts_through_fragments(limited: Client) -> None:
    refused(
        limited,
        "{ dockingEvents { results { ...E } } } fragment E on DockingEvent { dockingLocation { spacestation { name } } }",
        "depth",
    )


def test_aliases(limited: Client) -> None:
    limited.data("{ a: dockingEvent(id: 569) { b: id c: url } }")
    refused(limited, "{ a: dockingEvent(id: 569) { b: id c: url d: docking } }", "aliases")


def test_root_fields(limited: Client) -> None:
    limited.data(
        "{ a: dockingEvent(id: 569) { id } b: dockingEvent(id: 570) { id } spaceStation(id: 4) { id } }"
    )
    refused(
        limited,
        "{ dockingEvent(id: 569) { id } spaceStation(id: 4) { id } spacecraft(id: 1) { id } payloadFlight(id: 1) { id } }",
        "rootFields",
    )


def test_tokens(limited: Client) -> None:
    limited.data("{ dockingEvents { count } }")
    error = refused(limited, "{ dockingEvents { count " + "count " * 60 + "} }", "tokens")
    assert error["extensions"]["max"] == 60


def test_cost_multiplies_by_limit(limited: Client) -> None:
    # 1 (dockingEvents) + limit * (1 results + one per scalar).
    limited.data("{ dockingEvents(limit: 100) { results { id url docking } } }")  # 401
    body = limited.post("{ dockingEvents(limit: 100) { results { id url docking departure } } }")
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "limit": "cost",
        "max": 500,
        "actual": 501,
        "cost": 501,
    }


def test_cost_reads_limit_from_variables(limited: Client) -> None:
    query = "query ($n: Int) { dockingEvents(limit: $n) { results { id url docking departure } } }"
    assert "errors" not in limited.post(query, {"n": 99})  # 496
    body = limited.post(query, {"n": 100})  # 501
    assert body["errors"][0]["extensions"]["limit"] == "cost"


def test_default_limits_let_the_full_page_through(seeded: Client) -> None:
    page = seeded.data(FULL_PAGE_QUERY, {"limit": 100})
    assert page["dockingEvents"]["count"] == 7


def test_limits_come_from_the_environment() -> None:
    limits = Limits.from_env(
        {"GQL_MAX_DEPTH": "7", "GQL_MAX_COST": "1000", "GQL_INTROSPECTION": "false"}
    )
    assert (limits.max_depth, limits.max_cost, limits.introspection) == (7, 1000, False)
    with pytest.raises(ValueError, match="GQL_MAX_DEPTH must be positive"):
        Limits.from_env({"GQL_MAX_DEPTH": "0"})


def test_introspection_can_be_switched_off(db_url: str) -> None:
    for client in make_client(db_url, limits=Limits(introspection=False)):
        body = client.post("{ __schema { types { name } } }")
        assert body["errors"]
        assert client.data("{ dockingEvents { count } }") == {"dockingEvents": {"count": 7}}


def test_parse_and_validation_errors_have_codes(seeded: Client) -> None:
    parse = seeded.post("{ dockingEvents { count ")
    assert parse["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    invalid = seeded.post("{ dockingEvents { nope } }")
    assert invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    bad_variable = seeded.post(
        "query ($n: Int) { dockingEvents(limit: $n) { count } }", {"n": "ten"}
    )
    assert bad_variable["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_cost_multiplies_a_connection_by_first_or_last(limited: Client) -> None:
    # 1 (connection) + first * (1 edges + 1 node + one per scalar): sized like `limit`.
    query = "query ($f: Int, $l: Int) { dockingEventsConnection(first: $f, last: $l) { edges { node { id url docking } } } }"
    assert "errors" not in limited.post(query, {"l": 99})  # 496
    body = limited.post(query, {"f": 100})  # 501
    (error,) = body["errors"]
    assert (error["extensions"]["limit"], error["extensions"]["actual"]) == ("cost", 501)
    # Neither: the default page of 10 (1 + 10 * 5).
    assert "errors" not in limited.post("{ dockingEventsConnection { edges { node { id url docking } } } }")


NESTED = """query ($n: Int) { dockingEventsConnection(first: $n) { edges { node { target {
  ... on SpaceStation { dockingEvents(limit: 10) { results { id } } } } } } } }"""


def test_a_list_nested_in_a_connection_of_100_is_priced_accordingly(db_url: str) -> None:
    # dockingEvents(limit: 10) { results { id } } = 1 + 10 * 2 = 21; target 22; node 23;
    # edges 24; the connection 1 + first * 24: 2,401 at first: 100.
    for client in make_client(db_url, limits=Limits(max_cost=2_400)):
        assert "errors" not in client.post(NESTED, {"n": 99})  # 2,377
        (error,) = client.post(NESTED, {"n": 100})["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert (error["extensions"]["limit"], error["extensions"]["actual"]) == ("cost", 2_401)


def test_a_boolean_limit_that_is_not_a_boolean_is_refused() -> None:
    assert Limits.from_env({"GQL_INTROSPECTION": "off"}).introspection is False
    assert Limits.from_env({"GQL_INTROSPECTION": "Yes"}).introspection is True
    with pytest.raises(ValueError, match="GQL_INTROSPECTION must be a boolean"):
        Limits.from_env({"GQL_INTROSPECTION": "flase"})
