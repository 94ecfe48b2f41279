"""One row store per request (``graphql/loaders.py`` ``RowStore``): a row, a list or a
parent's children that the resolvers' loaders read is not read again by the look-ahead
planner below them, and the reverse; so a request whose resolver part and planned part need
the same rows reads them once. Statements are counted on both backends."""

from __future__ import annotations

from typing import Any

from support.client import Client

# The station is read by its root resolver (``one()``); its selection holds a page with
# arguments, so graphql-core completes it and the page's events go to the planner, whose
# ``target`` is that same station: found in the store, not read again.
STATION_THEN_ITS_EVENTS = """{ spaceStation(id: 4) { id name
  dockingEvents(limit: 3) { results { id target { ... on SpaceStation { id name } } } } } }"""

# The same for a to-one row (the image) and a relation's children (docking locations) that
# the station's resolvers read before the planner needs them under the events' target.
ROWS_AND_CHILDREN = """{ spaceStation(id: 4) { id
  image { id name }
  dockingLocations { id name }
  dockingEvents(limit: 3) { results { id target { ... on SpaceStation {
    id image { id name } dockingLocations { id name } } } } } } }"""


def targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["target"] for e in data["spaceStation"]["dockingEvents"]["results"]]


def test_a_row_the_resolver_read_is_not_read_again_by_the_planner(counting_client: Client) -> None:
    # The station, the page of its events: the events' target, the station again, costs
    # nothing.
    assert counting_client.count_statements(STATION_THEN_ITS_EVENTS) == 2
    data = counting_client.data(STATION_THEN_ITS_EVENTS)
    assert targets(data) == [{"id": 4, "name": data["spaceStation"]["name"]}] * 3


def test_rows_and_children_the_resolvers_read_are_shared_with_the_planner(
    counting_client: Client,
) -> None:
    # The station, its image, its docking locations, the page of its events; the planner
    # finds the target's image and locations stored.
    assert counting_client.count_statements(ROWS_AND_CHILDREN) == 4
    data = counting_client.data(ROWS_AND_CHILDREN)
    station = data["spaceStation"]
    assert station["image"] and station["dockingLocations"]
    for target in targets(data):
        assert target == {
            "id": 4,
            "image": station["image"],
            "dockingLocations": station["dockingLocations"],
        }


POINT = """query ($id: Int!) { dockingEvent(id: $id) {
  id url docking departure
  dockingLocation { id name spacestation { id name } }
  chaser { __typename ... on SpaceStation { name } ... on SpacecraftFlight { spacecraft { name } }
    ... on PayloadFlight { payload { name } } } } }"""


def test_a_point_lookup_is_one_statement_on_both_backends(counting_client: Client) -> None:
    # The event and its whole to-one chain in one statement of joins (planner/point.py),
    # written to the store once: the root resolver and the planner find every row there.
    for event_id in (613, 999_999):
        assert counting_client.count_statements(POINT, {"id": event_id}) == 1
        data = counting_client.data(POINT, {"id": event_id})
        assert (data["dockingEvent"] is None) == (event_id == 999_999)
