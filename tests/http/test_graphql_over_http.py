"""The GraphQL-over-HTTP specification's rules, one test per rule, through the real app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from support.client import Client, make_client
from support.data import FULL_PAGE_QUERY

from gql_server.http.request_parsing import negotiate
from gql_server.settings import Limits

Q = "{ dockingEvents { count } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def post(client: Client, body: object, accept: str | None = GRAPHQL_RESPONSE, **headers: str):  # type: ignore[no-untyped-def]
    all_headers = {"content-type": JSON, **headers}
    if accept is not None:
        all_headers["accept"] = accept
    return client.http.post("/graphql", content=json.dumps(body), headers=all_headers)


# --- media types and Accept ---------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, JSON),
        ("", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/json", JSON),
        ("application/json;q=0.9, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("*/*", JSON),
        ("text/html;q=0.9, application/*;q=0.8", JSON),
        ("application/graphql-response+json, */*", GRAPHQL_RESPONSE),
        ("*/*, application/graphql-response+json", JSON),
    ],
)
def test_accept_negotiation(accept: str | None, media: str) -> None:
    assert negotiate(accept) == media


def test_the_response_names_its_media_type_and_charset(seeded: Client) -> None:
    for accept, media in (
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (JSON, JSON),
        (None, JSON),
        ("*/*", JSON),
    ):
        response = post(seeded, {"query": Q}, accept=accept)
        assert response.status_code == 200
        assert response.headers["content-type"] == f"{media}; charset=utf-8"
        assert response.json() == {"data": {"dockingEvents": {"count": 7}}}
        assert len(response.headers["x-request-id"]) == 32


def test_nothing_acceptable_is_406(seeded: Client) -> None:
    response = post(seeded, {"query": Q}, accept="application/xml")
    assert response.status_code == 406
    assert "application/graphql-response+json" in response.json()["errors"][0]["message"]
    assert post(seeded, {"query": Q}, accept="application/json;q=0").status_code == 406


# --- GET -----------------------------------------------------------------------------


def test_get_runs_queries_with_url_encoded_parameters(seeded: Client) -> None:
    response = seeded.http.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { dockingEvents(limit: $n) { results { id } } }",
            "variables": json.dumps({"n": 1}),
            "operationName": "Q",
            "extensions": "{}",
        },
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"dockingEvents": {"results": [{"id": 569}]}}}


def test_get_refuses_mutations_with_405(seeded: Client) -> None:
    response = seeded.http.get(
        "/graphql", params={"query": "mutation { x }"}, headers={"accept": JSON}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_get_with_an_empty_operation_name_means_none(seeded: Client) -> None:
    response = seeded.http.get("/graphql", params={"query": Q, "operationName": ""})
    assert response.status_code == 200
    assert response.json() == {"data": {"dockingEvents": {"count": 7}}}
    # As with no name at all, a document of several operations then needs one.
    two = "query A { __typename } query B { __typename }"
    for params in ({"query": two, "operationName": ""}, {"query": two}):
        response = seeded.http.get("/graphql", params=params, headers={"accept": JSON})
        assert response.status_code == 200
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "name the one to run in operationName" in error["message"]


@pytest.mark.parametrize(
    "params",
    [
        {},  # no query
        {"query": Q, "variables": "[1]"},
        {"query": Q, "variables": "{not json"},
        {"query": Q, "extensions": '"text"'},
    ],
)
def test_get_with_malformed_parameters_is_400(seeded: Client, params: dict[str, str]) -> None:
    response = seeded.http.get("/graphql", params=params, headers={"accept": JSON})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


# --- POST ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"variables": {}}, "needs a `query` string"),
        ({"query": 5}, "`query` must be a string"),
        ({"query": None}, "needs a `query` string"),
        ({"query": Q, "variables": [7]}, "`variables` must be a JSON object or null"),
        ({"query": Q, "variables": "x"}, "`variables` must be a JSON object or null"),
        ({"query": Q, "extensions": 1}, "`extensions` must be a JSON object or null"),
        ({"query": Q, "operationName": 3}, "`operationName` must be a string or null"),
        ([{"query": Q}], "batched requests"),
        ("just a string", "must be a JSON object"),
    ],
)
def test_malformed_requests_are_400_for_either_media_type(
    seeded: Client, body: object, message: str
) -> None:
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = post(seeded, body, accept=accept)
        assert response.status_code == 400
        assert message in response.json()["errors"][0]["message"]


def test_null_optional_parameters_are_absent_ones(seeded: Client) -> None:
    response = post(
        seeded, {"query": Q, "variables": None, "extensions": None, "operationName": None}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"dockingEvents": {"count": 7}}}


def test_invalid_json_is_400(seeded: Client) -> None:
    response = seeded.http.post("/graphql", content=b'{"query":', headers={"content-type": JSON})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        (None, "a POST request needs `Content-Type: application/json`"),
        ("text/plain", "unsupported Content-Type 'text/plain'; send application/json"),
        (
            "application/x-www-form-urlencoded",
            "unsupported Content-Type 'application/x-www-form-urlencoded'; send application/json",
        ),
        ("application/json; charset=latin-1", "the request body must be UTF-8"),
    ],
)
def test_post_needs_json_content_type(
    seeded: Client, content_type: str | None, message: str
) -> None:
    headers = (
        {"accept": JSON} if content_type is None else {"accept": JSON, "content-type": content_type}
    )
    response = seeded.http.post("/graphql", content=json.dumps({"query": Q}), headers=headers)
    assert response.status_code == 415
    assert response.json() == {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


def test_json_with_utf8_charset_is_accepted(seeded: Client) -> None:
    response = seeded.http.post(
        "/graphql",
        content=json.dumps({"query": Q}),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"dockingEvents": {"count": 7}}}


def test_other_methods_are_405(seeded: Client) -> None:
    for method in ("PUT", "DELETE", "PATCH", "HEAD"):
        response = seeded.http.request(method, "/graphql")
        assert response.status_code == 405
        assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


# --- status codes by media type ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ dockingEvents { count "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query A { dockingEvents { count } }", "operationName": "B"},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ({"query": "query A { __typename } query B { __typename }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "query ($n: Int!) { dockingEvents(limit: $n) { count } }"}, "BAD_USER_INPUT"),
        (
            {
                "query": "query ($n: Int) { dockingEvents(limit: $n) { count } }",
                "variables": {"n": "x"},
            },
            "BAD_USER_INPUT",
        ),
    ],
)
def test_request_errors(seeded: Client, body: dict[str, object], code: str) -> None:
    strict = post(seeded, body, accept=GRAPHQL_RESPONSE)
    assert strict.status_code == 400
    assert "data" not in strict.json()
    assert strict.json()["errors"][0]["extensions"]["code"] == code
    legacy = post(seeded, body, accept=JSON)
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == code


def test_field_errors_are_200_with_data(seeded: Client) -> None:
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = post(
            seeded,
            {"query": "{ a: dockingEvents(limit: 0) { count } b: spaceStation(id: 4) { name } }"},
            accept=accept,
        )
        assert response.status_code == 200
        body = response.json()
        assert (
            body["data"] == {"a": None, "b": {"name": "International Space Station"}}
            or body["data"] is None
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert body["errors"][0]["path"] == ["a"]


def test_a_field_error_leaves_the_rest_intact(seeded: Client) -> None:
    body = post(
        seeded, {"query": "{ dockingEvent(id: 569) { id } dockingLocations(limit: 500) { count } }"}
    ).json()
    # dockingLocations is non-null, so its error nulls data as a whole (GraphQL's rule);
    # nullable fields keep their siblings:
    assert body["data"] is None
    body = post(
        seeded, {"query": "{ e: dockingEvent(id: 569) { id } s: spaceStation(id: 4) { name } }"}
    ).json()
    assert body == {"data": {"e": {"id": 569}, "s": {"name": "International Space Station"}}}


def test_too_complex_is_a_request_error(seeded: Client) -> None:
    query = "{ " + " ".join(f"a{i}: dockingEvent(id: {i}) {{ id }}" for i in range(11)) + " }"
    response = post(seeded, {"query": query})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


# --- body size and timeout ------------------------------------------------------------


@pytest.fixture
def small(db_url: str) -> Iterator[Client]:
    yield from make_client(db_url, max_body_bytes=1000)


@pytest.fixture
def hurried(db_url: str) -> Iterator[Client]:
    yield from make_client(db_url, limits=Limits(timeout_seconds=0.001))


def _asgi_post(client: Client, messages: list[dict[str, Any]]) -> tuple[int, Any]:
    """POST /graphql to the app itself, its body arriving as ``messages``."""
    sent: list[dict[str, Any]] = []
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", JSON.encode())],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    client.http.portal.call(client.http.app, scope, receive, send)  # type: ignore[union-attr]
    return sent[0]["status"], json.loads(sent[1]["body"])


def test_a_body_in_several_messages_is_read_whole_or_refused_when_cut(seeded: Client) -> None:
    body = json.dumps({"query": Q}).encode()
    pieces = [body[:5], body[5:9], body[9:]]
    whole = [{"type": "http.request", "body": p, "more_body": True} for p in pieces]
    whole[-1]["more_body"] = False
    status, answer = _asgi_post(seeded, whole)
    assert status == 200 and "errors" not in answer and answer["data"]
    status, answer = _asgi_post(seeded, whole[:2])  # then the client leaves
    assert status == 400
    assert answer["errors"][0]["message"] == (
        "the client disconnected before sending the whole body"
    )


def test_a_body_over_the_limit_is_413_before_parsing(small: Client) -> None:
    response = post(small, {"query": Q, "variables": {"pad": "x" * 2000}})
    assert response.status_code == 413
    assert "larger than 1000 bytes" in response.json()["errors"][0]["message"]

    # Refused while reading too, without a Content-Length to trust.
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"query": "' + b" " * 1500 + b'"}'

    streamed = small.http.post("/graphql", content=chunks(), headers={"content-type": JSON})
    assert streamed.status_code == 413
    assert "larger than 1000 bytes" in streamed.json()["errors"][0]["message"]


def test_a_slow_request_is_cancelled_with_a_clear_error(hurried: Client) -> None:
    small = hurried
    response = post(small, {"query": FULL_PAGE_QUERY, "variables": {"limit": 100}})
    assert response.status_code == 504
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "cancelled" in error["message"]
    legacy = post(small, {"query": FULL_PAGE_QUERY, "variables": {"limit": 100}}, accept=JSON)
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    # The server is fine afterwards (the cancelled request's transaction was closed).
    assert small.http.get("/healthz").status_code == 200
