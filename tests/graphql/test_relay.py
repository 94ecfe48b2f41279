"""Relay: global ids on every entity (`nodeId`), `node`/`nodes`, and the keyset cursor
connection over docking events."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLObjectType
from support.client import Client
from support.data import seed_events
from support.db_dump import ingest

from gql_server.graphql.schema import build_schema
from gql_server.graphql.types._base import RowType

ALL = [569, 570, 609, 613, 616, 619, 620]  # by docking


def gid(type_name: str, ll2_id: object) -> str:
    return base64.b64encode(f"{type_name}:{ll2_id}".encode()).decode()


def test_every_entity_type_is_a_node_and_keeps_its_ll2_id() -> None:
    schema = build_schema()._schema
    node = schema.type_map["Node"]
    entities = {name for name in RowType.registry}
    assert len(entities) >= 25
    for name in entities:
        graphql_type = schema.type_map[name]
        assert isinstance(graphql_type, GraphQLObjectType)
        assert node in graphql_type.interfaces, name
        assert str(graphql_type.fields["nodeId"].type) == "ID!"
        assert "id" in graphql_type.fields  # the LL2 id stays `id`


def test_node_ids_decode_to_type_and_ll2_id(seeded: Client) -> None:
    data = seeded.data(
        """{ dockingEvent(id: 613) { nodeId
              dockingLocation { nodeId }
              chaser { ... on SpacecraftFlight { nodeId launch { id nodeId } } } } }"""
    )["dockingEvent"]
    assert data["nodeId"] == gid("DockingEvent", 613)
    assert data["dockingLocation"]["nodeId"] == gid("DockingLocation", 19)
    launch = data["chaser"]["launch"]
    assert base64.b64decode(launch["nodeId"]).decode() == f"Launch:{launch['id']}"


def test_node_and_nodes(seeded: Client) -> None:
    launch = seeded.data("{ spacecraftFlight(id: 837) { launch { id } } }")["spacecraftFlight"]
    launch_id = launch["launch"]["id"]
    data = seeded.data(
        """query ($e: ID!, $ids: [ID!]!) {
          node(id: $e) { __typename nodeId ... on DockingEvent { id docking } }
          nodes(ids: $ids) { __typename
            ... on SpaceStation { id name }
            ... on Launch { launchId: id }
            ... on Agency { abbrev } }
        }""",
        {
            "e": gid("DockingEvent", 613),
            "ids": [
                gid("SpaceStation", 18),
                gid("SpaceStation", 999),
                gid("Launch", launch_id),
                gid("DockingEvent", 1),
                gid("SpaceStation", 4),
            ],
        },
    )
    assert data["node"] == {
        "__typename": "DockingEvent",
        "nodeId": gid("DockingEvent", 613),
        "id": 613,
        "docking": "2024-11-05T14:52:11Z",
    }
    assert data["nodes"] == [
        {"__typename": "SpaceStation", "id": 18, "name": "Tiangong space station"},
        None,
        {"__typename": "Launch", "launchId": launch_id},
        None,
        {"__typename": "SpaceStation", "id": 4, "name": "International Space Station"},
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "not base64!",
        base64.b64encode(b"NoSuchType:4").decode(),
        base64.b64encode(b"SpaceStation:four").decode(),
        base64.b64encode(b"SpaceStation").decode(),
        base64.b64encode(b"Launch:not-a-uuid").decode(),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
def test_undecodable_ids_are_bad_user_input(seeded: Client, bad: str) -> None:
    for query in ("query ($id: ID!) { node(id: $id) { nodeId } }", "query ($id: ID!) { nodes(ids: [$id]) { nodeId } }"):
        body = seeded.post(query, {"id": bad})
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error


def test_nodes_are_batched(counting_client: Client) -> None:
    one = counting_client.count_statements(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { nodeId } }", {"ids": [gid("DockingEvent", 569)]}
    )
    many = counting_client.count_statements(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { nodeId } }",
        {"ids": [gid("DockingEvent", i) for i in ALL]},
    )
    mixed = counting_client.count_statements(
        "query ($ids: [ID!]!) { nodes(ids: $ids) { nodeId } }",
        {"ids": [gid("DockingEvent", i) for i in ALL] + [gid("SpaceStation", 4), gid("SpaceStation", 18)]},
    )
    assert one == many
    assert mixed == one + 1  # one statement a type


CONNECTION = """query ($first: Int, $after: String, $last: Int, $before: String,
                      $ordering: [DockingEventOrdering!], $station: Int) {
  dockingEventsConnection(first: $first, after: $after, last: $last, before: $before,
                          ordering: $ordering, spaceStationTargetId: $station) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


def connection(client: Client, **variables: Any) -> dict[str, Any]:
    return client.data(CONNECTION, variables)["dockingEventsConnection"]


def edge_ids(page: dict[str, Any]) -> list[int]:
    return [edge["node"]["id"] for edge in page["edges"]]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ALL),
        (["DOCKING_DESC"], [620, 619, 616, 613, 609, 570, 569]),
        (["DEPARTURE_ASC"], [609, 569, 570, 613, 616, 619, 620]),
        (["DEPARTURE_DESC"], [619, 620, 616, 613, 570, 569, 609]),
        (["DEPARTURE_ASC", "DOCKING_DESC"], [609, 569, 570, 613, 616, 620, 619]),
    ],
)
def test_forward_and_backward_paging_walk_the_ordering(
    seeded: Client, ordering: list[str] | None, expected: list[int]
) -> None:
    # Forward, two at a time.
    seen: list[int] = []
    after = None
    for _ in range(10):  # bounded: 4 pages expected
        page = connection(seeded, first=2, after=after, ordering=ordering)
        assert page["totalCount"] == 7
        seen += edge_ids(page)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert seen == expected
    # Backward, three at a time.
    seen = []
    before = None
    for _ in range(10):  # bounded: 3 pages expected
        page = connection(seeded, last=3, before=before, ordering=ordering)
        seen = edge_ids(page) + seen
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        before = page["pageInfo"]["startCursor"]
        if not page["pageInfo"]["hasPreviousPage"]:
            break
    assert seen == expected


def test_connection_arguments(seeded: Client) -> None:
    first = connection(seeded, first=2, station=4)
    assert first["totalCount"] == 4 and edge_ids(first) == [570, 613]
    middle = connection(
        seeded, first=10, station=4, after=first["edges"][0]["cursor"], before=first["pageInfo"]["endCursor"]
    )
    assert edge_ids(middle) == []  # nothing strictly between two neighbours
    both = connection(seeded, first=5, last=2)  # first 5, then the last 2 of them
    assert edge_ids(both) == [613, 616]
    assert both["pageInfo"]["hasNextPage"] and both["pageInfo"]["hasPreviousPage"]
    default = connection(seeded)
    assert edge_ids(default) == ALL and default["pageInfo"]["hasNextPage"] is False
    empty = connection(seeded, first=0)
    assert empty["edges"] == [] and empty["pageInfo"]["hasNextPage"] is True
    assert empty["pageInfo"]["startCursor"] is None
    data = seeded.data(
        '{ dockingEventsConnection(dockedAt: "2025-05-01T00:00:00Z", search: "dragon") { totalCount edges { node { id } } } }'
    )
    assert data["dockingEventsConnection"] == {"totalCount": 1, "edges": [{"node": {"id": 619}}]}


def test_bad_connection_arguments(seeded: Client) -> None:
    cursor = connection(seeded, first=1)["pageInfo"]["endCursor"]
    cases = [
        ({"first": 101}, "first must be between 0 and 100, got 101"),
        ({"last": -1}, "last must be between 0 and 100, got -1"),
        ({"first": 1, "after": "garbage"}, "`after` is not a cursor of this list"),
        ({"first": 1, "after": base64.urlsafe_b64encode(b'{"o":["docking","id"],"k":[1,2]}').decode()}, "`after` is not a cursor of this list"),
        ({"first": 1, "after": cursor, "ordering": ["DOCKING_DESC"]}, None),
    ]
    for variables, message in cases:
        body = seeded.post(CONNECTION, variables)
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        if message:
            assert error["message"] == message
        else:
            assert "another ordering" in error["message"]


def test_a_page_does_not_shift_when_events_are_inserted_before_it(
    client: Client, db_url: str, tmp_path: Path
) -> None:
    first = connection(client, first=3)
    assert edge_ids(first) == [569, 570, 609]
    offset_page = client.data("{ dockingEvents(limit: 3, offset: 3) { results { id } } }")
    assert [e["id"] for e in offset_page["dockingEvents"]["results"]] == [613, 616, 619]
    # Two earlier dockings arrive (another ingest, through another engine).
    early = []
    for new_id, day in ((9001, "2020-01-01"), (9002, "2021-01-01")):
        event = copy.deepcopy(next(e for e in seed_events() if e["id"] == 570))
        event["id"] = new_id
        event["docking"] = f"{day}T00:00:00Z"
        event["departure"] = f"{day}T12:00:00Z"
        early.append(event)
    source = tmp_path / "early.json"
    source.write_text(json.dumps(early))

    ingest(db_url, source)
    after = connection(client, first=3, after=first["pageInfo"]["endCursor"])
    assert edge_ids(after) == [613, 616, 619]  # the keyset page stays put
    assert after["totalCount"] == 9 and after["pageInfo"]["hasPreviousPage"] is True
    shifted = client.data("{ dockingEvents(limit: 3, offset: 3) { results { id } } }")
    assert [e["id"] for e in shifted["dockingEvents"]["results"]] == [570, 609, 613]  # offsets shift


def test_connection_statements_do_not_depend_on_the_page_size(counting_client: Client) -> None:
    client = counting_client
    query = "query ($n: Int) { dockingEventsConnection(first: $n) { totalCount edges { cursor node { dockingLocation { name } } } pageInfo { hasNextPage endCursor } } }"
    bare = client.count_statements("query ($n: Int) { dockingEventsConnection(first: $n) { edges { cursor } } }", {"n": 1})
    assert bare == 1  # the page
    # Then its locations and the total: two more statements, whatever the size.
    assert client.count_statements(query, {"n": 1}) == client.count_statements(query, {"n": 100}) == bare + 2
