"""Serving: health, GraphiQL, seeding an empty database at start-up."""

from __future__ import annotations

import sqlite3

from conftest import Client, make_client, sqlite_url


def test_healthz_answers_when_the_database_does(seeded: Client) -> None:
    response = seeded.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_browser_gets_graphiql(seeded: Client) -> None:
    response = seeded.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "graphiql" in response.text.lower()


def test_get_queries_work(seeded: Client) -> None:
    response = seeded.http.get("/graphql", params={"query": "{ dockingEvents { count } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"dockingEvents": {"count": 7}}}


def test_an_empty_database_is_seeded_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_url(tmp_path / "fresh.db")
    for client in make_client(url):
        assert client.data("{ dockingEvents { count } }") == {"dockingEvents": {"count": 7}}
    # A second start finds data and does not ingest again (no statement writes).
    for client in make_client(url):
        assert client.data("{ dockingEvents { count } }") == {"dockingEvents": {"count": 7}}


def test_without_seed_the_database_stays_empty(empty_client: Client) -> None:
    assert empty_client.data("{ dockingEvents { count results { id } } }") == {
        "dockingEvents": {"count": 0, "results": []}
    }


def test_unexpected_errors_are_masked_with_an_id(client: Client, caplog) -> None:  # type: ignore[no-untyped-def]
    # Corrupt the database behind the app's back: an event whose location row is missing.
    path = client.http.app.state.engine.url.database  # type: ignore[attr-defined]
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("UPDATE docking_event SET docking_location_id = 999 WHERE id = 569")
    raw.close()
    body = client.post("{ dockingEvent(id: 569) { id dockingLocation { name } } }")
    (error,) = body["errors"]
    assert body["data"] == {"dockingEvent": None}
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["errorId"] in caplog.text
    assert "docking_location" not in str(body) and "Traceback" not in str(body)
