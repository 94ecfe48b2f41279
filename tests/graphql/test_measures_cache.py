"""An operation's measures are kept with its cached document, per operation name and the
values of the variables that can change them (``cost.priced_variables``): the same document
asked with another id is not walked again; another page size or search is."""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse

from gql_server.graphql.cost import Measures, measure, priced_variables
from gql_server.graphql.documents import MAX_MEASURES, DocumentCache
from gql_server.graphql.limits import operation_measures
from gql_server.graphql.schema import GatewaySchema, build_schema
from gql_server.settings import Limits

POINT = "query Point($id: Int!) { dockingEvent(id: $id) { id docking chaser { __typename } } }"
PAGE = (
    "query Page($limit: Int, $search: String, $id: Int) { dockingEvents(limit: $limit, "
    "search: $search) { results { id } } dockingEvent(id: $id) { id } }"
)
FRAGMENTED = (
    "query F($n: Int) { ...Root } fragment Root on Query { spaceStations(limit: $n) "
    "{ results { name } } }"
)


def _operation(text: str) -> OperationDefinitionNode:
    (operation,) = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
    return operation


def test_priced_variables_are_those_of_priced_arguments() -> None:
    assert priced_variables(_operation(POINT), {}) == ()
    assert priced_variables(_operation(PAGE), {}) == ("limit", "search")
    document = parse(FRAGMENTED)
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    assert priced_variables(_operation(FRAGMENTED), fragments) == ("n",)  # type: ignore[arg-type]


def _measured(
    schema: GatewaySchema, cache: DocumentCache, text: str, variables: dict[str, Any]
) -> tuple[Measures | None, int]:
    """The measures through the cache, and how many walks that took (0: kept)."""
    walks = 0
    document = cache.parsed(text, 10_000)
    assert document is not None
    operation = _operation(text)

    def walk() -> Measures:
        nonlocal walks
        walks += 1
        return measure(schema._schema, operation, {}, variables, Limits())

    found = cache.measures(
        text, document, None, variables, lambda: priced_variables(operation, {}), walk
    )
    return found, walks


def test_another_id_is_not_walked_again_another_page_size_is() -> None:
    schema = build_schema()
    cache = DocumentCache(1 << 20, 1 << 18)
    first, walks = _measured(schema, cache, POINT, {"id": 1})
    assert walks == 1
    again, walks = _measured(schema, cache, POINT, {"id": 2})
    assert walks == 0 and again is first
    small, walks = _measured(schema, cache, PAGE, {"limit": 5})
    assert walks == 1
    large, walks = _measured(schema, cache, PAGE, {"limit": 50, "id": 3})
    assert walks == 1 and large is not None and small is not None and large.cost > small.cost
    _, walks = _measured(schema, cache, PAGE, {"limit": 5, "id": 9})
    assert walks == 0
    # An absent variable and a null one are told apart; so are 1 and true.
    _, walks = _measured(schema, cache, PAGE, {"limit": None})
    assert walks == 1
    _, walks = _measured(schema, cache, PAGE, {"limit": 1})
    assert walks == 1
    _, walks = _measured(schema, cache, PAGE, {"limit": True})
    assert walks == 1
    searched, walks = _measured(schema, cache, PAGE, {"limit": 5, "search": "dragon"})
    assert walks == 1 and searched is not None and searched.cost > small.cost


def test_constant_measures_only_where_no_variable_prices_the_operation() -> None:
    """The HTTP view's first look (``DocumentCache.constant_measures``): an operation no
    variable prices has the same measures for any variables; one a variable prices has
    none to give, whatever is kept."""
    schema = build_schema()
    cache = DocumentCache(1 << 20, 1 << 18)
    assert cache.constant_measures(POINT, None) is None  # not measured yet
    first, _ = _measured(schema, cache, POINT, {"id": 1})
    assert first is not None and cache.constant_measures(POINT, None) is first
    assert cache.constant_measures(POINT, "Other") is None  # another operation name
    _measured(schema, cache, PAGE, {"limit": 5})
    assert cache.constant_measures(PAGE, None) is None


def test_kept_measures_are_bounded_and_accounted() -> None:
    schema = build_schema()
    cache = DocumentCache(1 << 20, 1 << 18)
    _measured(schema, cache, PAGE, {"limit": 0})
    before = cache.entries.bytes
    for limit in range(1, MAX_MEASURES + 10):
        _measured(schema, cache, PAGE, {"limit": limit})
    entry = cache.entries.get(PAGE)
    assert entry is not None and len(entry.measures) == MAX_MEASURES
    assert cache.entries.bytes > before
    _, walks = _measured(schema, cache, PAGE, {"limit": MAX_MEASURES + 5})
    assert walks == 1  # not kept: measured each time


def test_a_document_not_in_the_cache_is_walked_each_time() -> None:
    schema = build_schema()
    cache = DocumentCache(1 << 20, 1 << 18)
    document = parse(POINT)
    for _ in range(2):
        found = operation_measures(
            schema._schema, document, None, {"id": 1}, Limits(), cache, POINT
        )
        assert found is not None and found.cost >= 1
    assert POINT not in cache.entries


def test_over_http_a_refusal_stays_a_refusal_and_ids_share_the_measures(seeded: Any) -> None:
    view = next(
        r.endpoint.__self__  # the GraphQL view the /graphql route is bound to
        for r in seeded.http.app.routes
        if getattr(r, "path", None) == "/graphql" and hasattr(r.endpoint, "__self__")
    )
    documents = view.schema.documents
    for event_id in (1, 2, 3):
        seeded.post(POINT, {"id": event_id})
    entry = documents.entries.get(POINT)
    assert entry is not None and len(entry.measures) == 1
    costly = (
        "query Costly($n: Int) { dockingEvents(limit: $n) { results { dockingLocation { "
        "spacestation { dockingLocations { spacestation { dockedAt { id url } } } } } } } }"
    )
    for n, allowed in ((1, True), (100, False), (100, False), (1, True)):  # again: kept
        body = seeded.post(costly, {"n": n})
        if allowed:
            assert "errors" not in body, body
            continue
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert error["extensions"]["limit"] == "cost"
    entry = documents.entries.get(costly)
    assert entry is not None and len(entry.measures) == 2
