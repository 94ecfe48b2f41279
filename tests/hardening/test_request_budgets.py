"""Issue 12's findings 1-5 and 7 (HTTP), each reproduced and shown fixed: one small request
cannot buy unbounded work or memory, and malformed input is a clear client error."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from support.client import Client, graphql_view, make_client
from support.data import FULL_PAGE_QUERY

from gql_server.graphql.cost import measure
from gql_server.graphql.documents import document_bytes
from gql_server.graphql.schema import build_schema
from gql_server.http.caching import sha256
from gql_server.http.request_parsing import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS
from gql_server.settings import Limits

JSON = {"accept": "application/json"}


def chain(length: int) -> str:
    """Finding 1: fragments that each spread the next one twice."""
    fragments = [
        f"fragment F{i} on DockingEvent {{ ...F{i + 1} ...F{i + 1} }}" for i in range(length)
    ]
    fragments.append(f"fragment F{length} on DockingEvent {{ id }}")
    return "query { dockingEvent(id: 620) { ...F0 } }\n" + "\n".join(fragments)


def measured(query: str, variables: dict[str, Any] | None = None, **limits: Any) -> Any:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    schema = build_schema()._schema
    return measure(schema, operation, fragments, variables or {}, Limits(**limits))


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    (error,) = body["errors"]
    return error


# -- 1. fragment chains: measured in steps linear in the document -----------------------


@pytest.mark.parametrize("length", [24, 60])
def test_a_fragment_chain_is_measured_once_per_fragment(length: int) -> None:
    m = measured(chain(length))
    # One visit per selection written: the root field, its `...F0`, the two spreads of
    # each fragment, and `id`: linear in the chain, however often it expands.
    assert m.selections == 2 + 2 * length + 1
    assert m.cost == 1 + 2**length  # what it would cost written out in full
    assert m.depth == 2


@pytest.mark.parametrize("length", [24, 60])
def test_a_fragment_chain_is_refused_over_http(seeded: Client, length: int) -> None:
    error = error_of(seeded.post(chain(length)))
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["limit"] == "cost"
    assert error["extensions"]["actual"] == 1 + 2**length


def test_a_short_chain_under_the_limits_still_runs(seeded: Client) -> None:
    data = seeded.data(chain(3))
    assert data == {"dockingEvent": {"id": 620}}


def test_the_walk_stops_at_its_selection_budget(db_url: str) -> None:
    fields = " ".join(f"f{i}: id" for i in range(20))
    query = f"{{ dockingEvent(id: 620) {{ {fields} }} }}"  # 21 selections
    for client in make_client(db_url, limits=Limits(max_selections=21, max_aliases=100)):
        assert client.data(query)["dockingEvent"]["f0"] == 620
    for client in make_client(db_url, limits=Limits(max_selections=20, max_aliases=100)):
        error = error_of(client.post(query))
        assert error["extensions"] == {
            "code": "QUERY_TOO_COMPLEX",
            "limit": "selections",
            "max": 20,
            "actual": 21,
        }


# -- 2. nodes(ids:) is priced by its ids ---------------------------------------------------

NODES = """query ($ids: [ID!]!) { nodes(ids: $ids) { ... on SpaceStation {
  dockingEvents(limit: 70) { results { id docking chaser { __typename } } } } } }"""


def test_nodes_is_priced_by_the_number_of_ids() -> None:
    one = measured(NODES, {"ids": ["U3BhY2VTdGF0aW9uOjQ="]}).cost
    hundred = measured(NODES, {"ids": ["U3BhY2VTdGF0aW9uOjQ="] * 100}).cost
    assert hundred == 1 + 100 * (one - 1)


def test_a_hundred_copies_of_a_station_with_its_events_are_refused(seeded: Client) -> None:
    # The issue's request: each copy with its events' full LL2 tree (39.7 MB were served).
    station = seeded.data("{ spaceStation(id: 4) { nodeId } }")["spaceStation"]["nodeId"]
    tree = FULL_PAGE_QUERY[FULL_PAGE_QUERY.index("results {") : FULL_PAGE_QUERY.index("fragment")]
    fragments = FULL_PAGE_QUERY[FULL_PAGE_QUERY.index("fragment") :]
    query = (
        "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on SpaceStation { "
        f"dockingEvents(limit: 70) {{ {tree.rstrip().rstrip('}').rstrip().rstrip('}')} }} }} }} }}\n"
        + fragments
    )
    assert seeded.data(query, {"ids": [station]})["nodes"][0]["dockingEvents"]["results"]
    error = error_of(seeded.post(query, {"ids": [station] * 100}))
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["limit"] == "cost"

# -- 3. a null or omitted limit is priced at what the resolver serves -------------------

NESTED = """query ($a: Int, $b: Int, $c: Int) { spaceStations(limit: $a) { results {
  dockingEvents(limit: $b) { results { dockingLocation { spacestation {
    dockingEvents(limit: $c) { results { id url docking departure } } } } } } } } }"""


@pytest.mark.parametrize(
    "c", [{"c": 10}, {"c": None}, {}], ids=["ten", "null", "omitted"]
)
def test_null_or_omitted_limit_costs_the_default(seeded: Client, c: dict[str, Any]) -> None:
    variables = {"a": 100, "b": 100, **c}
    assert measured(NESTED, variables).cost == measured(NESTED, {"a": 100, "b": 100, "c": 10}).cost
    error = error_of(seeded.post(NESTED, variables))
    assert error["extensions"]["limit"] == "cost"
    assert seeded.data(NESTED, {"a": 100, "b": 100, "c": 1})["spaceStations"]["results"]


def test_every_list_of_the_full_page_is_priced(seeded: Client) -> None:
    # The documented figure (docs and Limits' comment): the LL2 page at limit 100.
    assert measured(FULL_PAGE_QUERY, {"limit": 100}).cost == 228_501
    assert seeded.data(FULL_PAGE_QUERY, {"limit": 100})["dockingEvents"]["count"] == 7


# -- search terms and statistics buckets ---------------------------------------------------

SEARCH = "query ($s: String) { dockingEvents(search: $s) { count } }"


def test_search_terms_are_capped(seeded: Client) -> None:
    twenty = " ".join(f"t{i}" for i in range(20))
    assert seeded.data(SEARCH, {"s": twenty})["dockingEvents"]["count"] == 0
    error = error_of(seeded.post(SEARCH, {"s": twenty + " t20"}))
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "argument": "search",
        "max": 20,
        "actual": 21,
    }
    # Repeated terms are one term (they add nothing to the search).
    assert seeded.data(SEARCH, {"s": twenty + " t0 t1"})["dockingEvents"]["count"] == 0


def test_each_search_term_is_priced() -> None:
    none = measured(SEARCH, {"s": None}).cost
    assert measured(SEARCH, {"s": "soyuz"}).cost == none + 1_000
    assert measured(SEARCH, {"s": "soyuz ms dragon"}).cost == none + 3_000


STATS = "query ($k: [DockingStatsKey!]!) { dockingStats(groupBy: $k) { count } }"


def test_statistics_are_priced_by_their_buckets() -> None:
    assert measured(STATS, {"k": []}).cost == 1 + 20_000 + 1
    assert measured(STATS, {"k": ["YEAR", "CHASER_KIND"]}).cost == 1 + 20_000 + 300
    everything = ["STATION", "DOCKING_LOCATION", "YEAR", "CHASER_KIND", "CHASER_AGENCY"]
    assert measured(STATS, {"k": everything}).cost == 1 + 20_000 + 10_000


def test_statistics_over_the_bucket_limit_are_refused_not_cut(db_url: str) -> None:
    # The seed makes 5 (year, station) buckets.
    keys = {"k": ["YEAR", "STATION"]}
    for client in make_client(db_url, limits=Limits(max_stats_buckets=5)):
        assert len(client.data(STATS, keys)["dockingStats"]) == 5
    for client in make_client(db_url, limits=Limits(max_stats_buckets=4)):
        body = client.post(STATS, keys)
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "limit": "buckets", "max": 4}


# -- 4. caches are bounded in bytes ------------------------------------------------------


@pytest.fixture
def small_caches(db_url: str) -> Iterator[Client]:
    yield from make_client(
        db_url,
        response_cache_bytes=64 * 1024,
        response_cache_entry_bytes=8 * 1024,
        persisted_queries_bytes=16 * 1024,
        document_cache_bytes=64 * 1024,
        plan_cache_bytes=64 * 1024,
    )


def view_of(client: Client) -> Any:
    """The app's GraphQL view (its caches)."""
    return graphql_view(client.http.app)


def test_the_response_cache_keeps_to_its_byte_budget(small_caches: Client) -> None:
    view = view_of(small_caches)
    # 150 distinct answers of about 1 KB each: more than the 64 KB budget.
    for offset in range(150):
        small_caches.data(
            "query ($o: Int) { dockingEvents(limit: 1, offset: $o) { count results { id } } "
            "spaceStations(limit: 20) { results { name description } } }",
            {"o": offset},
        )
    assert 0 < view.responses.bytes <= 64 * 1024
    assert 20 < len(view.responses) < 150


def test_an_answer_over_the_entry_cap_is_not_kept(small_caches: Client) -> None:
    view = view_of(small_caches)
    body = small_caches.http.post(
        "/graphql", json={"query": FULL_PAGE_QUERY, "variables": {"limit": 7}}
    )
    assert len(body.content) > 8 * 1024
    assert len(view.responses) == 0 and view.responses.bytes == 0
    small_caches.data("{ dockingEvent(id: 620) { id } }")
    assert len(view.responses) == 1


def test_the_document_cache_keeps_to_its_byte_budget(small_caches: Client) -> None:
    schema = view_of(small_caches).schema
    for n in range(40):
        # Distinct padded documents of about 4 KB each: 160 KB of text.
        small_caches.data("{ dockingEvent(id: 620) { id } }" + f"# {n}" + " " * 4000)
    assert 0 < schema.documents.entries.bytes <= 64 * 1024
    assert len(schema.documents.entries) < 40


def test_document_bytes_grow_with_tokens_and_text() -> None:
    small = "{ dockingEvent(id: 620) { id } }"
    assert document_bytes(small, parse(small)) < 10_000
    padded = small + " " * 100_000
    assert document_bytes(padded, parse(padded)) >= 200_000
    many = "{ " + " ".join(f"a{i}: __typename" for i in range(1_000)) + " }"
    assert document_bytes(many, parse(many)) >= 3_000 * 400  # 3 tokens an alias


def test_plans_keep_to_their_byte_budget(small_caches: Client) -> None:
    schema = view_of(small_caches).schema
    for n in range(40):
        small_caches.data(
            "{ dockingEvents(limit: 2) { results { id dockingLocation { name } } } }"
            + f"# {n}"
            + " " * 4000
        )
    executor = schema.execution_context_class  # a class per schema, holding its plans
    assert 0 < executor.plans.bytes <= 2 * 64 * 1024


def apq(client: Client, query: str | None, digest: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    }
    if query is not None:
        payload["query"] = query
    return client.http.post("/graphql", json=payload, headers=JSON).json()


def test_persisted_queries_keep_only_valid_documents(small_caches: Client) -> None:
    view = view_of(small_caches)
    invalid = "{ dockingEvent(id: 620) { noSuchField } }"
    assert apq(small_caches, invalid, sha256(invalid))["errors"]
    missing = apq(small_caches, None, sha256(invalid))
    assert missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    garbage = "{ dockingEvent(id: "
    assert apq(small_caches, garbage, sha256(garbage))["errors"]
    assert len(view.persisted.queries) == 0
    valid = "{ dockingEvent(id: 620) { id } }"
    assert apq(small_caches, valid, sha256(valid))["data"]["dockingEvent"]["id"] == 620
    assert apq(small_caches, None, sha256(valid))["data"]["dockingEvent"]["id"] == 620


def test_persisted_queries_keep_to_their_byte_budget(small_caches: Client) -> None:
    view = view_of(small_caches)
    for n in range(30):
        query = "{ dockingEvent(id: 620) { id } }" + f"# {n}" + " " * 1000
        assert apq(small_caches, query, sha256(query))["data"]
    assert 0 < view.persisted.queries.bytes <= 16 * 1024
    assert len(view.persisted.queries) < 30


# -- 5. expensive requests take a lane of their own ---------------------------------------

HEAVY = "{ dockingStats(groupBy: [YEAR]) { count } }"  # 20,000 + : over heavy_cost
CHEAP = "{ dockingEvent(id: 620) { id } }"


def test_heavy_requests_over_the_lane_are_busy_and_cheap_ones_pass(db_url: str) -> None:
    limits = Limits(heavy_concurrency=1, heavy_queue_seconds=0.05)
    for client in make_client(db_url, limits=limits):
        lane = view_of(client).schema.lane
        interval = sys.getswitchinterval()
        assert client.data(HEAVY)["dockingStats"]  # a free slot: it runs
        assert lane.running == 0  # and gives the slot back
        # The interpreter switches threads often only while a heavy operation runs.
        assert sys.getswitchinterval() == interval
        lane.running = 1  # the one slot is taken (as by a request still running)
        try:
            # Another document: the answer above is in the response cache, which costs nothing.
            other = HEAVY.replace("count", "count departedCount")
            response = client.http.post("/graphql", json={"query": other}, headers=JSON)
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            (error,) = response.json()["errors"]
            assert error["extensions"]["code"] == "SERVER_BUSY"
            assert error["extensions"]["cost"] >= limits.heavy_cost
            # A cheap request does not enter the lane.
            assert client.data(CHEAP) == {"dockingEvent": {"id": 620}}
        finally:
            lane.running = 0
        assert client.data(other)["dockingStats"]


# -- 7. malformed input is a client error, not a 500 -------------------------------------


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("where", ["post", "get"])
def test_json_nested_too_deep_is_a_400(seeded: Client, where: str) -> None:
    query = "query ($v: [[Int]]) { dockingEvent(id: 620) { id } }"
    outer = 2 if where == "post" else 1  # the body's object, then `variables`' object
    most = MAX_JSON_DEPTH - outer
    for levels, status in [(most, 200), (most + 1, 400), (1_000, 400)]:
        variables = '{"v": ' + deep(levels) + "}"
        if where == "post":
            body = '{"query": ' + json.dumps(query) + ', "variables": ' + variables + "}"
            response = seeded.http.post(
                "/graphql",
                content=body,
                headers={"content-type": "application/json", **JSON},
            )
        else:
            response = seeded.http.get(
                "/graphql", params={"query": query, "variables": variables}, headers=JSON
            )
        if status == 400:
            assert response.status_code == 400, response.text
            assert response.headers["content-type"].startswith("application/json")
            assert "x-request-id" in response.headers
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "BAD_REQUEST"
            assert f"deeper than {MAX_JSON_DEPTH} levels" in error["message"]
        else:
            assert response.status_code == 200, response.text
            assert "nests" not in response.text


def test_json_with_a_huge_number_is_a_400(seeded: Client) -> None:
    for digits, status in [(MAX_NUMBER_DIGITS, 200), (MAX_NUMBER_DIGITS + 1, 400), (5_000, 400)]:
        body = '{"query": "{ dockingEvent(id: 620) { id } }", "variables": {"n": 1' + "0" * (
            digits - 1
        ) + "}}"
        response = seeded.http.post(
            "/graphql", content=body, headers={"content-type": "application/json", **JSON}
        )
        assert response.status_code == status, response.text
        if status == 400:
            assert f"more than {MAX_NUMBER_DIGITS} digits" in response.json()["errors"][0]["message"]


def test_json_numbers_past_any_float_and_bodies_not_in_utf8_are_a_400(seeded: Client) -> None:
    headers = {"content-type": "application/json", **JSON}
    query = '{"query": "{ dockingEvent(id: 620) { id } }", "variables": {"n": NUMBER}}'
    for number, status in [("1e308", 200), ("1e999", 400), ("-2E+400", 400)]:
        response = seeded.http.post(
            "/graphql", content=query.replace("NUMBER", number), headers=headers
        )
        assert response.status_code == status, (number, response.text)
        if status == 400:
            assert "number out of range" in response.json()["errors"][0]["message"]
    body = '{"query": "{ dockingEvent(id: 620) { id } }"}'
    assert seeded.http.post("/graphql", content=body.encode(), headers=headers).status_code == 200
    # UTF-16 and UTF-32 (which json alone would detect and read), and Latin-1 bytes. UTF-32
    # without a BOM is valid UTF-8 (ASCII and NULs), and not JSON.
    for encoded, reason in (
        (body.encode("utf-16"), "is not UTF-8"),
        (body.encode("utf-32"), "is not UTF-8"),
        (body.encode("utf-32-le"), "is not valid JSON"),
        ('{"query": "{ é }"}'.encode("latin-1"), "is not UTF-8"),
    ):
        response = seeded.http.post("/graphql", content=encoded, headers=headers)
        assert response.status_code == 400, encoded[:20]
        assert response.json()["errors"][0]["message"] == f"the request body {reason}"


def test_an_instant_out_of_range_in_utc_is_bad_user_input(seeded: Client) -> None:
    query = "query ($t: DateTime) { dockingEvents(dockingLt: $t) { count } }"
    for instant in ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]:
        error = error_of(seeded.post(query, {"t": instant}))
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "outside the years 1 to 9999" in error["message"]
    assert seeded.data(query, {"t": "9999-12-31T09:59:59-14:00"})["dockingEvents"]["count"] == 7


def test_ids_past_what_the_database_holds_are_bad_user_input(seeded: Client) -> None:
    import base64

    node = "query ($id: ID!) { node(id: $id) { nodeId } }"
    # Ids are 32-bit INTEGER columns on both backends.
    for raw in [str(2**31), str(2**63), str(2**64 + 5), "9" * 5000, "0", "-3"]:
        global_id = base64.b64encode(f"DockingEvent:{raw}".encode()).decode()
        error = seeded.post(node, {"id": global_id})["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["argument"] == "id"
    biggest = base64.b64encode(f"DockingEvent:{2**31 - 1}".encode()).decode()
    assert seeded.data(node, {"id": biggest}) == {"node": None}

    connection = "query ($after: String) { dockingEventsConnection(after: $after) { edges { cursor } } }"
    cursor = seeded.data(connection)["dockingEventsConnection"]["edges"][0]["cursor"]
    decoded = json.loads(base64.urlsafe_b64decode(cursor))
    for key in [2**31, -(2**31) - 1, 2**64]:
        forged = dict(decoded, k=[*decoded["k"][:-1], key])
        forged_cursor = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
        error = seeded.post(connection, {"after": forged_cursor})["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}, error
    bomb = base64.urlsafe_b64encode(deep(20_000).encode()).decode()
    error = seeded.post(connection, {"after": bomb})["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_introspection_is_priced_by_its_written_out_fields(seeded: Client) -> None:
    from graphql import get_introspection_query

    # GraphiQL's own introspection query nests deeper than GQL_MAX_DEPTH; it is left out of
    # the depth and costs its fields once each.
    assert measured(get_introspection_query(descriptions=True)).cost < 1_000
    assert seeded.data(get_introspection_query())["__schema"]["queryType"]["name"] == "Query"
    # A chain of fragments doubling inside introspection cannot hide from the cost.
    fragments = [
        f"fragment T{i} on __Type {{ a: ofType {{ ...T{i + 1} }} b: ofType {{ ...T{i + 1} }} }}"
        for i in range(24)
    ]
    fragments.append("fragment T24 on __Type { name }")
    query = '{ __type(name: "Query") { ...T0 } }\n' + "\n".join(fragments)
    body = seeded.post(query)
    assert body.get("data") is None
    assert {e["extensions"]["limit"] for e in body["errors"]} == {"cost", "aliases"}


def test_a_persisted_query_answered_from_the_response_cache_is_registered(db_url: str) -> None:
    # The answer is cached, the document itself is not (its cache keeps nothing): the
    # registration must not depend on the document cache.
    for client in make_client(db_url, document_cache_bytes=0):
        view = view_of(client)
        query = "{ dockingEvent(id: 620) { id } }"
        assert client.data(query) == {"dockingEvent": {"id": 620}}
        assert apq(client, query, sha256(query))["data"] == {"dockingEvent": {"id": 620}}
        assert len(view.persisted.queries) == 1
        assert apq(client, None, sha256(query))["data"] == {"dockingEvent": {"id": 620}}


def test_root_list_statements_are_kept_by_shape_not_by_value(seeded: Client) -> None:
    from gql_server.queries import event_statements

    cache = event_statements._STATEMENTS
    query = (
        "query ($s: String, $o: Int) "
        "{ dockingEvents(search: $s, limit: 5, offset: $o) { results { id } } }"
    )
    assert seeded.data(query, {"s": "qqwarm", "o": 0})["dockingEvents"]["results"] == []
    entries, size = len(cache), cache.bytes
    # New terms (one long), new offsets within the same kind of slice: the same statement,
    # run with other values; nothing of a term is kept.
    for term, offset in (("x" * 50_000 + str(id(seeded)), 0), ("qqdragonfly", 7), ("qz9", 3)):
        assert seeded.data(query, {"s": term, "o": offset})["dockingEvents"]["results"] == []
    assert (len(cache), cache.bytes) == (entries, size)
    assert cache.bytes <= event_statements.STATEMENT_CACHE_BYTES
