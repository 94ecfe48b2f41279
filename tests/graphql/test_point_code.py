"""The direct lane's made code (gql_server/graphql/compiled/point_code.py): with no check
running beside it (``compiled_check`` off, as served), its answers are graphql-core's bytes;
where the planner's build refuses a row (a null in a non-null field), the code refuses it
too, and the request falls back with the row kept. Both backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from support.client import graphql_view
from support.data import POINT_QUERY

from gql_server.app import create_app
from gql_server.graphql.context import Context
from gql_server.graphql.planner.plan import Unplannable
from gql_server.graphql.planner.state import planning
from gql_server.settings import SEED_DIR, Settings

# Every kind of field the code makes: columns (an Int, a String, DateTimes, a null one),
# a resolver's field (nodeId) at the root and below, aliases, __typename, a reference read
# (the port, its station), a keyed reference (the port's id alone), union members read
# (the chaser's spacecraft) and keyed (the target's id alone).
WIDE = """query Wide($id: Int!) { event: dockingEvent(id: $id) {
  __typename id nodeId url when: docking departure
  dockingLocation { id name nodeId spacestation { __typename id name } }
  port: dockingLocation { id }
  chaser { __typename
    ... on SpacecraftFlight { id destination spacecraft { id name nodeId } }
    ... on SpaceStation { id name } ... on PayloadFlight { id url } }
  target { __typename ... on SpaceStation { id } ... on SpacecraftFlight { id }
    ... on PayloadFlight { id } }
} }"""
IDS = (569, 570, 1, 600, 987654)  # seeded ones, and one unknown (null)


@pytest.fixture
def apps(db_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    common: dict[str, Any] = {"database_url": db_url, "response_cache_bytes": 0}
    served = create_app(Settings(seed_dir=SEED_DIR, compiled=True, compiled_check=False, **common))
    with TestClient(served) as ours:
        reference = create_app(Settings(seed_dir=None, compiled=False, **common))
        with TestClient(reference) as theirs:
            yield ours, theirs


@pytest.mark.parametrize("query", [POINT_QUERY, WIDE], ids=["point", "wide"])
def test_the_code_answers_graphql_core_s_bytes(
    apps: tuple[TestClient, TestClient], query: str
) -> None:
    ours, theirs = apps
    schema = graphql_view(ours.app).schema
    ours.post("/graphql", json={"query": query, "variables": {"id": 569}})  # notes the lane
    note = schema.documents.direct(query, None)
    assert note is not None and note.code is not None
    before = schema.compiled_stats.direct
    for key in IDS:
        body = {"query": query, "variables": {"id": key}}
        mine, reference = ours.post("/graphql", json=body), theirs.post("/graphql", json=body)
        assert mine.status_code == reference.status_code == 200
        assert mine.content == reference.content, key
    assert schema.compiled_stats.direct == before + len(IDS)  # each by the lane's code
    assert (
        b'"nodeId":"'
        in theirs.post("/graphql", json={"query": WIDE, "variables": {"id": 569}}).content
    )


def test_a_null_in_a_non_null_field_is_refused_as_the_planner_refuses_it(
    apps: tuple[TestClient, TestClient],
) -> None:
    ours, _ = apps
    schema = graphql_view(ours.app).schema
    ours.post("/graphql", json={"query": WIDE, "variables": {"id": 569}})
    note = schema.documents.direct(WIDE, None)
    assert note is not None and note.code is not None

    async def read() -> tuple[Any, Any, Any]:
        context = Context.for_engine(ours.app.state.engine)  # type: ignore[attr-defined]
        try:
            state = planning(context)
            found = await state.read_point(note.plan, 569)
            assert found is not None
            read, rows = found
            state.keep_point(note.plan, 569, read, rows)
            obj = context.store.rows[note.plan.table.name][569]
            return read, rows[0], state.build(note.plan, obj)
        finally:
            await context.close()

    read, row, built = ours.portal.call(read)  # type: ignore[union-attr]
    assert note.code(row) == built  # the same dicts the planner builds
    broken = list(row)
    broken[read.nodes[0].id_at] = None  # the event's id: an Int!
    with pytest.raises(Unplannable):
        note.code(broken)
