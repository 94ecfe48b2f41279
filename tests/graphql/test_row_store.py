"""One row store per request (``graphql/loaders.py`` ``RowStore``): a row, a list or a
parent's children that the resolvers' loaders read is not read again by the look-ahead
planner below them, and the reverse; so a request whose resolver part and planned part need
the same rows reads them once. Statements are counted on both backends."""

from __future__ import annotations

from typing import Any

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


def test_a_row_the_resolver_read_is_not_read_again_by_the_planner(seeded: Any) -> None:
    before = seeded.statements
    data = seeded.data(STATION_THEN_ITS_EVENTS)
    # The data version (the response cache's key), the station, the page of its events:
    # the events' target, the station again, costs nothing.
    assert seeded.statements - before == 3
    assert targets(data) == [{"id": 4, "name": data["spaceStation"]["name"]}] * 3


def test_rows_and_children_the_resolvers_read_are_shared_with_the_planner(
    seeded: Any,
) -> None:
    before = seeded.statements
    data = seeded.data(ROWS_AND_CHILDREN)
    # The data version, the station, its image, its docking locations, the page of its
    # events; the planner finds the target's image and locations stored.
    assert seeded.statements - before == 5
    station = data["spaceStation"]
    assert station["image"] and station["dockingLocations"]
    for target in targets(data):
        assert target == {
            "id": 4,
            "image": station["image"],
            "dockingLocations": station["dockingLocations"],
        }
