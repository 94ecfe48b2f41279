"""The direct lane (gql_server/graphql/compiled/direct.py): a point lookup asked again is
answered without Strawberry's or graphql-core's executor, byte for byte as graphql-core
answers it, in one statement and no transaction control, on both backends. Two apps on one
seeded database, as in test_compiled.py: ours (compiled, the lane on) and a reference that
graphql-core executes (``compiled=False``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from starlette.testclient import TestClient
from support.client import graphql_view
from support.data import POINT_QUERY

from gql_server.app import create_app
from gql_server.db.engine import pg_alone, watch_statements
from gql_server.graphql.compiled.direct import quick_id
from gql_server.graphql.compiled.run import CompiledStats
from gql_server.graphql.documents import DIRECT_BYTES, document_bytes
from gql_server.settings import SEED_DIR, Limits, Settings

POINT = POINT_QUERY

# An alias at the root, a literal id, named and inline fragments on every union member,
# __typename at several levels.
VARIANT = """
fragment Party on SpacecraftFlight { __typename id spacecraft { id name } }
query { event: dockingEvent(id: 569) {
  __typename key: id docking
  chaser { ...Party ... on SpaceStation { __typename id name } ... on PayloadFlight { id } }
  target { ...Party ... on SpaceStation { __typename id name } ... on PayloadFlight { id } }
} }"""

# Not for the lane: several root fields, a switch read from a variable, a list below the
# root, a page at the root.
NOT_DIRECT: list[tuple[str, dict[str, Any]]] = [
    (
        "two root fields",
        {"query": "{ a: dockingEvent(id: 569) { id } b: dockingEvent(id: 570) { id } }"},
    ),
    (
        "@include from a variable",
        {
            "query": "query($full: Boolean!) { dockingEvent(id: 569) { id docking @include(if: $full) } }",
            "variables": {"full": True},
        },
    ),
    ("a list below the root", {"query": "{ spaceStation(id: 4) { id dockingLocations { id } } }"}),
    ("a page", {"query": "{ dockingEvents(limit: 2) { results { id } } }"}),
]


class Pair:
    def __init__(self, ours: TestClient, reference: TestClient) -> None:
        self.ours, self.reference = ours, reference
        self.schema = graphql_view(ours.app).schema
        self.stats: CompiledStats = self.schema.compiled_stats
        self.sent: list[str] = []  # every statement ours sent, transaction control included
        watch_statements(ours.app.state.engine, self.sent.append)  # type: ignore[attr-defined]

    def both(self, body: dict[str, Any]) -> bytes:
        """Ours and the reference's answers to ``body``: the same bytes and status."""
        mine = self.ours.post("/graphql", json=body)
        theirs = self.reference.post("/graphql", json=body)
        assert mine.status_code == theirs.status_code
        assert mine.content == theirs.content, body
        return mine.content

    def took_lane(self, body: dict[str, Any]) -> bool:
        before = self.stats.direct
        self.both(body)
        return self.stats.direct == before + 1


def _pair(db_url: str, **ours: Any) -> Iterator[Pair]:
    common: dict[str, Any] = {"database_url": db_url, "response_cache_bytes": 0}
    mine = create_app(
        Settings(seed_dir=SEED_DIR, compiled=True, compiled_check=True, **common, **ours)
    )
    with TestClient(mine) as a:
        reference = create_app(Settings(seed_dir=None, compiled=False, **common))
        with TestClient(reference) as b:
            yield Pair(a, b)


@pytest.fixture
def pair(db_url: str) -> Iterator[Pair]:
    yield from _pair(db_url)


def test_a_point_lookup_asked_again_takes_the_lane(pair: Pair) -> None:
    first = {"query": POINT, "variables": {"id": 569}}
    assert not pair.took_lane(first)  # the first time the full way, which notes it
    assert pair.stats.compiled == 1
    for key in (569, 570, 1, 987654, -3):  # known, others, unknown (null), negative
        assert pair.took_lane({"query": POINT, "variables": {"id": key}}), key
    body = pair.both({"query": POINT, "variables": {"id": 987654}})
    assert body == b'{"data":{"dockingEvent":null}}'
    # Every lane answer was also compared with the full way's in the same request.
    assert pair.stats.checked >= 6 and pair.stats.mismatches == []


def test_aliases_literals_fragments_and_typenames(pair: Pair) -> None:
    body = {"query": VARIANT}
    assert not pair.took_lane(body)
    assert pair.took_lane(body)
    answer = pair.both(body)
    assert answer.startswith(b'{"data":{"event":{"__typename":"DockingEvent","key":569,')


@pytest.mark.parametrize(("name", "body"), NOT_DIRECT, ids=[n for n, _ in NOT_DIRECT])
def test_what_the_lane_is_not_for(pair: Pair, name: str, body: dict[str, Any]) -> None:
    for _ in range(3):
        assert not pair.took_lane(body), name


def test_bad_variables_get_the_full_way_s_errors(pair: Pair) -> None:
    pair.both({"query": POINT, "variables": {"id": 569}})
    assert pair.took_lane({"query": POINT, "variables": {"id": 570}})
    for variables in ({"id": "x"}, {"id": None}, {}, {"id": 2**40}, {"id": 1.5}):
        before = pair.stats.direct
        answer = pair.both({"query": POINT, "variables": variables})
        assert b"BAD_USER_INPUT" in answer, variables
        assert pair.stats.direct == before
    # Another operation name than the document holds: refused as graphql-core refuses it.
    refused = pair.both({"query": POINT, "variables": {"id": 569}, "operationName": "Other"})
    assert b'"errors"' in refused


def test_int_variables_read_by_sight_as_graphql_core_reads_them(pair: Pair) -> None:
    """``quick_id`` reads ``Int`` variables given as 32-bit integers itself, and gives every
    other value to graphql-core: the lane's answers and errors stay the full way's."""
    query = "query($id: Int!) { dockingEvent(id: $id) { id docking } }"
    pair.both({"query": query, "variables": {"id": 569}})
    note = pair.schema.documents.direct(query, None)
    assert note is not None and note.ints == ("id",) and note.id_value == "id"
    cases: list[tuple[dict[str, Any], int | None, bool]] = [
        ({"id": 570}, 570, True),  # read by sight
        ({"id": 2**31 - 1}, 2**31 - 1, True),  # the range's end (no such event: null)
        ({"id": -(2**31)}, -(2**31), True),
        ({"id": 570.0}, None, True),  # a whole float: graphql-core makes it 570
        ({"id": True}, None, False),  # a bool is no Int
        ({"id": 2**31}, None, False),  # past 32 bits
        ({"id": None}, None, False),
    ]
    for variables, by_sight, lane in cases:
        assert quick_id(note, variables) == by_sight, variables
        assert pair.took_lane({"query": query, "variables": variables}) is lane, variables
    literal = "{ dockingEvent(id: 570) { id } }"
    pair.both({"query": literal})
    note = pair.schema.documents.direct(literal, None)
    assert note is not None and quick_id(note, None) == 570
    assert pair.took_lane({"query": literal})
    defaulted = "query($id: Int = 569) { dockingEvent(id: $id) { id } }"  # graphql-core's
    pair.both({"query": defaulted})
    note = pair.schema.documents.direct(defaulted, None)
    assert note is not None and note.ints is None and quick_id(note, {"id": 570}) is None
    assert pair.took_lane({"query": defaulted}) and pair.took_lane(
        {"query": defaulted, "variables": {"id": 570}}
    )
    assert pair.stats.mismatches == []


def test_one_statement_and_no_transaction_control(pair: Pair, backend: str) -> None:
    """W3's cost on the wire: the statement of joins alone; on SQLite no BEGIN and no
    ROLLBACK either (the reading thread's own connection, in autocommit)."""
    pair.both({"query": POINT, "variables": {"id": 569}})
    pair.sent.clear()
    assert pair.took_lane({"query": POINT, "variables": {"id": 600}})
    assert len(pair.sent) == 1, (backend, pair.sent)
    assert pair.sent[0].lstrip().upper().startswith("SELECT")


def test_the_note_is_kept_within_the_document_cache_s_budget(pair: Pair) -> None:
    pair.both({"query": POINT, "variables": {"id": 569}})
    entry = pair.schema.documents.entries.get(POINT)
    assert entry is not None and set(entry.direct) == {None}
    note = entry.direct[None]
    assert note.code is not None and note.code_bytes > 1_000  # its made code, accounted too
    assert entry.size >= document_bytes(POINT, entry.document) + DIRECT_BYTES + note.code_bytes


def test_a_heavy_operation_never_takes_the_lane(db_url: str) -> None:
    """With every operation heavy (``heavy_cost`` 1) the lane refuses each one: heavy
    operations wait for a slot of the heavy lane, on the full way."""
    for pair in _pair(db_url, limits=Limits(heavy_cost=1)):
        for key in (569, 570, 571):
            assert not pair.took_lane({"query": POINT, "variables": {"id": key}})


def test_a_note_that_would_not_fit_leaves_its_document_kept(db_url: str) -> None:
    """A document cache whose largest entry holds the point document but not its note as
    well: the document stays kept (parsed and validated once) and the lane is not taken."""
    from graphql import parse

    room = document_bytes(POINT, parse(POINT)) + 1_200  # the entry fits; with a note, not
    for pair in _pair(db_url, document_cache_bytes=4 * room):
        for key in (569, 570, 571):
            assert not pair.took_lane({"query": POINT, "variables": {"id": key}})
        entry = pair.schema.documents.entries.get(POINT)
        assert entry is not None and entry.direct == {} and entry.errors == ()


def test_get_takes_the_lane_too(pair: Pair) -> None:
    """A query sent with GET (a CDN's cacheable form) takes the lane as POST does, with
    the same bytes; its ETag and Cache-Control are the view's as before."""
    import json

    params = {"query": POINT, "variables": json.dumps({"id": 569})}
    first = pair.ours.get("/graphql", params=params)
    before = pair.stats.direct
    again = pair.ours.get("/graphql", params=params)
    reference = pair.reference.get("/graphql", params=params)
    assert pair.stats.direct == before + 1
    assert first.content == again.content == reference.content
    assert again.headers["etag"] == first.headers["etag"]


def test_distinct_documents_share_one_read_and_keep_no_plan(db_url: str) -> None:
    """Point reads are kept per chain of tables, not per document: a client sending
    distinct documents (another alias each time) over the same relations adds no read, and
    once the plan cache lets a document's plans go, nothing of them stays (a read used to
    be kept per plan, and held its plan: about 0.6 MB a document, never freed)."""
    import gc

    from gql_server.graphql.planner import point

    for pair in _pair(db_url, plan_cache_bytes=64 * 1024, document_cache_bytes=256 * 1024):
        pair.both({"query": POINT, "variables": {"id": 569}})
        reads = len(point._READS)
        gc.collect()
        chains = len(point._CHAINS)  # other apps of the test session keep plans of their own
        for n in range(120):
            query = POINT.replace("dockingEvent(id: $id)", f"a{n}: dockingEvent(id: $id)")
            for key in (569, 570):
                body = pair.ours.post("/graphql", json={"query": query, "variables": {"id": key}})
                assert body.json()["data"][f"a{n}"]["id"] == key
        assert len(point._READS) == reads
        gc.collect()
        # At most the plans the small plan cache still holds, not one per document.
        assert len(point._CHAINS) - chains < 60


def test_the_access_log_counts_the_lane_s_statement(
    pair: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    """The access log and the statements histogram count the one read (rows_alone counted
    none: point lookups were logged with statements=0)."""
    import logging

    pair.both({"query": POINT, "variables": {"id": 569}})
    with caplog.at_level(logging.INFO, logger="gql_server.access"):
        assert pair.took_lane({"query": POINT, "variables": {"id": 570}})
    lines = [r.getMessage() for r in caplog.records if r.name == "gql_server.access"]
    assert any("path=/graphql" in line and "statements=1 " in line + " " for line in lines), lines


def _backends(pair: Pair) -> set[int]:
    """The server processes of the connections ours holds open now."""
    engine = pair.ours.app.state.engine  # type: ignore[attr-defined]

    async def pids() -> set[int]:
        async with engine.connect() as conn:
            rows = await conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            return {row[0] for row in rows}

    return pair.ours.portal.call(pids)  # type: ignore[union-attr]


def test_postgresql_lane_reads_reuse_kept_connections(new_pg_database: Any) -> None:
    """The lane's reads on PostgreSQL go to connections the engine keeps aside (pg_alone):
    twenty of them check nothing out of the pool. One the server closed is dropped, and
    the request it failed is answered the full way all the same."""
    url = new_pg_database()
    pairs = _pair(url)
    pair = next(pairs)
    engine = pair.ours.app.state.engine  # type: ignore[attr-defined]
    checkouts: list[object] = []
    pair.both({"query": POINT, "variables": {"id": 569}})
    assert pair.took_lane({"query": POINT, "variables": {"id": 570}})
    event.listen(engine.sync_engine.pool, "checkout", lambda *a: checkouts.append(a))
    for key in range(1, 21):
        assert pair.took_lane({"query": POINT, "variables": {"id": key}})
    assert checkouts == []
    kept = list(pg_alone(engine).free)
    assert len(kept) == 1

    # The server ends the kept connection's session: the next lane read fails on it, the
    # whole way answers (on a pool connection), and the dead one is not kept.
    (pid,) = {k.driver_connection.get_server_pid() for k in kept}  # type: ignore[union-attr]
    reference = pair.reference.app.state.engine  # type: ignore[attr-defined]

    async def terminate() -> None:
        async with reference.connect() as conn:
            await conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")

    pair.reference.portal.call(terminate)  # type: ignore[union-attr]
    before = pair.stats.direct
    answer = pair.both({"query": POINT, "variables": {"id": 569}})
    assert answer.startswith(b'{"data":{"dockingEvent":{"id":569,')
    assert pair.stats.direct == before  # answered the full way
    assert pair.took_lane({"query": POINT, "variables": {"id": 570}})
    kept = list(pg_alone(engine).free)
    assert len(kept) == 1
    assert pid != kept[0].driver_connection.get_server_pid()  # type: ignore[union-attr]
    assert pid not in _backends(pair)
    next(pairs, None)  # both apps shut down
    # Every connection is closed, the kept ones included.
    assert asyncio.run(_sessions(url)) == 0


async def _sessions(url: str) -> int:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        )
    finally:
        await conn.close()
