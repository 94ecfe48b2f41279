"""Serving: health, GraphiQL, seeding an empty database at start-up."""

from __future__ import annotations

from support.client import Client, make_client


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


def test_an_empty_database_is_seeded_once(db_url: str) -> None:
    url = db_url
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
    engine = client.http.app.state.engine  # type: ignore[attr-defined]

    async def corrupt() -> None:
        async with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                await conn.exec_driver_sql("COMMIT")  # the pragma only works outside one
                await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await conn.exec_driver_sql("BEGIN")
            else:
                await conn.exec_driver_sql("SET session_replication_role = replica")
            await conn.exec_driver_sql("UPDATE docking_event SET docking_location_id = 999 WHERE id = 569")
            await conn.commit()
            if engine.dialect.name == "sqlite":
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")

    client.http.portal.call(corrupt)  # type: ignore[attr-defined]
    body = client.post("{ dockingEvent(id: 569) { id dockingLocation { name } } }")
    (error,) = body["errors"]
    assert body["data"] == {"dockingEvent": None}
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["errorId"] in caplog.text
    assert "docking_location" not in str(body) and "Traceback" not in str(body)


def test_every_answer_carries_a_request_id(seeded: Client) -> None:
    # The router's own answers too (404, 405, the redirect of /graphql/), not only the view's.
    answers = [
        seeded.http.get("/no-such-page"),
        seeded.http.put("/graphql", content=b"{}"),
        seeded.http.post("/graphql/", json={"query": "{ __typename }"}, follow_redirects=False),
        seeded.http.get("/healthz"),
        seeded.http.post("/graphql", json={"query": "{ __typename }"}),
    ]
    assert [a.status_code for a in answers] == [404, 405, 307, 200, 200]
    ids = [a.headers.get("x-request-id", "") for a in answers]
    assert all(len(i) == 32 for i in ids), ids
    assert len(set(ids)) == len(ids)
