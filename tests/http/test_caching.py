"""HTTP caching: persisted queries, ETags and the response cache follow the data version."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from support.client import Client, make_client
from support.data import seed_events
from support.db_dump import ingest

Q = "{ dockingEvent(id: 569) { id departure } }"


def digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def apq(query_hash: str) -> str:
    return json.dumps({"persistedQuery": {"version": 1, "sha256Hash": query_hash}})


def change_569(url: str, tmp_path: Path, departure: str) -> None:
    event = copy.deepcopy(seed_events()[0])
    event["departure"] = departure
    path = tmp_path / f"change-{departure[:10]}.json"
    path.write_text(json.dumps(event))
    ingest(url, path)


def test_persisted_query_round_trip_over_get(client: Client) -> None:
    query_hash = digest(Q)
    miss = client.http.get(
        "/graphql", params={"extensions": apq(query_hash)}, headers={"accept": "application/json"}
    )
    assert miss.status_code == 200
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    register = client.http.post(
        "/graphql", json={"query": Q, "extensions": json.loads(apq(query_hash))}
    )
    assert register.json() == {
        "data": {"dockingEvent": {"id": 569, "departure": "2024-11-03T08:12:00Z"}}
    }
    hit = client.http.get("/graphql", params={"extensions": apq(query_hash)})
    assert hit.status_code == 200
    assert hit.json() == register.json()
    assert hit.headers["etag"]


def test_persisted_query_hash_mismatch_is_refused(client: Client) -> None:
    body = {"query": Q, "extensions": json.loads(apq(digest(Q + " "))), "variables": None}
    strict = {"accept": "application/graphql-response+json"}
    response = client.http.post("/graphql", json=body, headers=strict)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # A legacy client (httpx's `Accept: */*`) gets application/json: the same error, HTTP 200.
    legacy = client.http.post("/graphql", json=body)
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # ... and nothing was registered under that hash.
    again = client.http.get("/graphql", params={"extensions": apq(digest(Q + " "))})
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_etag_changes_after_an_ingest_and_only_then(
    client: Client, db_url: str, tmp_path: Path
) -> None:
    first = client.http.get("/graphql", params={"query": Q})
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    same = client.http.get("/graphql", params={"query": Q})
    assert same.headers["etag"] == etag
    other_request = client.http.get("/graphql", params={"query": Q.replace("569", "570")})
    assert other_request.headers["etag"] != etag
    not_modified = client.http.get("/graphql", params={"query": Q}, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    change_569(db_url, tmp_path, "2024-11-04T00:00:00Z")
    changed = client.http.get("/graphql", params={"query": Q}, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["data"]["dockingEvent"]["departure"] == "2024-11-04T00:00:00Z"


def test_the_response_cache_answers_repeats_with_one_statement(
    client: Client, db_url: str, tmp_path: Path
) -> None:
    from support.data import FULL_PAGE_QUERY

    cold = client.count_statements(FULL_PAGE_QUERY, {"limit": 100}, cached=True)
    warm = client.count_statements(FULL_PAGE_QUERY, {"limit": 100}, cached=True)
    assert cold > 20
    assert warm == 1  # the data version, nothing else
    # A write anywhere (here: another process's ingest) is seen at once.
    change_569(db_url, tmp_path, "2024-11-05T00:00:00Z")
    body = client.post(Q)
    assert body["data"]["dockingEvent"]["departure"] == "2024-11-05T00:00:00Z"


def test_two_gateways_on_one_database_never_serve_stale_answers(
    db_url: str, tmp_path: Path
) -> None:
    for first in make_client(db_url):
        for second in make_client(db_url, seed_dir=None):
            assert first.post(Q) == second.post(Q)  # both cached now
            change_569(db_url, tmp_path, "2024-11-06T00:00:00Z")
            for gateway in (first, second):
                assert (
                    gateway.post(Q)["data"]["dockingEvent"]["departure"] == "2024-11-06T00:00:00Z"
                )


def test_cache_max_age_is_configurable(db_url: str) -> None:
    for client in make_client(db_url, cache_max_age=60):
        response = client.http.get("/graphql", params={"query": Q})
        assert response.headers["cache-control"] == "public, max-age=60"


def test_the_response_cache_can_be_switched_off(db_url: str) -> None:
    for client in make_client(db_url, response_cache_bytes=0):
        client.post(Q)
        # A POST reads the event only: with no cache, nothing keys on the data version.
        assert client.count_statements(Q) == 1
        assert client.count_statements(Q) == 1  # and nothing was kept
        # A GET still reads it, for its ETag.
        response = client.http.get("/graphql", params={"query": Q})
        again = client.http.get(
            "/graphql", params={"query": Q}, headers={"If-None-Match": response.headers["etag"]}
        )
        assert again.status_code == 304
