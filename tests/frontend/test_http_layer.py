"""The HTTP layer frontends meet: the offline GraphiQL page and its assets, CORS, gzip."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from frontend_support import SEED_DIR
from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.http.graphiql import ASSETS_DIR, default_query
from gql_server.settings import Settings

FRONTEND = "http://localhost:5173"
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def app_client(tmp_path: Path, **settings: Any) -> Iterator[TestClient]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR, **settings))
    with TestClient(app) as http:
        yield http


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from app_client(
        tmp_path_factory.mktemp("http"), cors_origins=(FRONTEND, "https://app.example.org")
    )


# GraphiQL ------------------------------------------------------------------------------


def test_the_graphiql_page_loads_only_its_own_assets(http: TestClient) -> None:
    response = http.get("/graphql", headers=HTML)
    assert response.status_code == 200
    page = response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in csp
    # No inline script: every <script> has a src, but the default query (data, not code).
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert all("src=" in attrs for attrs, _ in scripts if "application/graphql" not in attrs)
    assert all(body.strip() == "" for attrs, body in scripts if "src=" in attrs)
    assert "unpkg.com" not in page and "jsdelivr" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "an asset from another origin"
    assert default_query().strip() in page


def test_every_asset_of_the_page_is_served_and_matches_its_integrity(http: TestClient) -> None:
    page = http.get("/graphql", headers=HTML).text
    tags = re.findall(r"<(?:script|link)\b[^>]*?(?:src|href)=\"(/graphiql-assets/[^\"]+)\"([^>]*)>", page, re.S)
    assert len(tags) >= 8
    for path, rest in tags:
        response = http.get(path)
        assert response.status_code == 200, path
        integrity = re.search(r'integrity="sha384-([^"]+)"', rest)
        if integrity:  # the vendored files: byte for byte the npm packages' files
            digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
            assert digest == integrity.group(1), path
    vendored = {p.name for p in (ASSETS_DIR / "vendor").glob("*.*s")}
    assert vendored == {
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
        "plugin-explorer.umd.js",
        "plugin-explorer.css",
    }
    assert all(f"/vendor/{name}" in page for name in vendored)


def test_the_default_query_reads_the_latest_iss_dockings_through_the_union(
    http: TestClient,
) -> None:
    query = default_query()
    assert "spaceStationTargetId: 4" in query and "ordering: [DOCKING_DESC]" in query
    assert "__typename" in query and "... on SpacecraftFlight" in query
    body = http.post("/graphql", json={"query": query}).json()
    assert "errors" not in body
    results = body["data"]["dockingEvents"]["results"]
    assert [e["id"] for e in results] == [620, 619, 613, 570]
    assert results[0]["chaser"] == {
        "__typename": "SpacecraftFlight",
        "id": 858,
        "spacecraft": {"name": "Soyuz MS-27"},
    }
    assert results[0]["target"]["name"] == "International Space Station"


def test_graphiql_off_serves_neither_page_nor_assets(tmp_path: Path) -> None:
    for http in app_client(tmp_path, graphiql=False):
        # A browser gets no page: a GET without `query` is not a GraphQL request (400, JSON).
        page = http.get("/graphql", headers=HTML)
        assert page.status_code == 400
        assert "text/html" not in page.headers["content-type"]
        assert http.get("/graphiql-assets/app.js").status_code == 404
        # The API itself still answers GET and POST.
        assert http.get("/graphql", params={"query": "{ dockingEvents { count } }"}).json() == {
            "data": {"dockingEvents": {"count": 7}}
        }


# CORS ----------------------------------------------------------------------------------


def preflight(http: TestClient, origin: str, headers: str = "content-type") -> Any:
    return http.options(
        "/graphql",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": headers,
        },
    )


def test_preflight_from_an_allowed_origin(http: TestClient) -> None:
    response = preflight(http, FRONTEND, "content-type, authorization")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONTEND
    methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert methods == {"GET", "POST", "OPTIONS"}
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed and "authorization" in allowed
    assert "origin" in response.headers["vary"].lower()


def test_preflight_from_another_origin_is_refused(http: TestClient) -> None:
    response = preflight(http, "https://evil.example.com")
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_cross_origin_post_carries_the_allow_origin_header(http: TestClient) -> None:
    query = {"query": "{ dockingEvents { count } }"}
    allowed = http.post("/graphql", json=query, headers={"origin": "https://app.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.org"
    other = http.post("/graphql", json=query, headers={"origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


def test_without_origins_cors_is_off(tmp_path: Path) -> None:
    for http in app_client(tmp_path):
        response = preflight(http, FRONTEND)
        assert "access-control-allow-origin" not in response.headers
        assert response.status_code == 405  # /graphql answers GET and POST only


# gzip ----------------------------------------------------------------------------------

BIG = "{ dockingEvents(limit: 100) { results { id url docking departure chaser { __typename ... on SpacecraftFlight { url spacecraft { name description } } } } } }"
SMALL = "{ dockingEvents { count } }"


def test_large_responses_are_gzipped(http: TestClient) -> None:
    response = http.post("/graphql", json={"query": BIG}, headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert len(response.content) > 1024  # httpx decodes it
    assert response.json()["data"]["dockingEvents"]["results"][0]["id"] == 569


def test_answers_gzip_would_compress_vary_on_accept_encoding(http: TestClient) -> None:
    """A cache between client and gateway must not hand a gzipped answer to a client that
    did not ask for one, nor the reverse: every answer of the size gzip compresses says
    it varies with Accept-Encoding, compressed or not (GraphQLEntry, gql_server/http/entry.py,
    answers /graphql past Starlette's gzip wrapper when the client does not accept gzip)."""
    plain = http.post("/graphql", json={"query": BIG}, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert "accept-encoding" in plain.headers["vary"].lower()
    small = http.post("/graphql", json={"query": SMALL}, headers={"accept-encoding": "identity"})
    assert "accept-encoding" not in small.headers.get("vary", "").lower()


def test_gzip_saves_bytes_on_the_wire(http: TestClient) -> None:
    plain = http.post("/graphql", json={"query": BIG}, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with http.stream(
        "POST", "/graphql", json={"query": BIG}, headers={"accept-encoding": "gzip"}
    ) as zipped:
        wire = b"".join(zipped.iter_raw())
    assert gzip.decompress(wire) == plain.content
    assert len(wire) < len(plain.content) / 2


def test_small_responses_and_clients_without_gzip_are_not_compressed(http: TestClient) -> None:
    small = http.post("/graphql", json={"query": SMALL}, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers
    assert small.json() == {"data": {"dockingEvents": {"count": 7}}}


@pytest.mark.parametrize(
    ("header", "zipped"),
    [
        ("gzip;q=0", False),
        ("identity, gzip;q=0", False),
        ("GZIP; Q=0.000", False),
        ("gzip;q=nonsense", False),
        ("br, *", False),  # gzip not named: identity, always acceptable
        ("x-gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip;q=0, gzip;q=1", True),
    ],
)
def test_accept_encoding_weights_are_read(http: TestClient, header: str, zipped: bool) -> None:
    # Starlette alone looks for the text "gzip": `gzip;q=0` ("not gzip") got gzip. Both
    # the GraphQL answers and what goes down the stack (an asset) read the weights.
    asked = {"accept-encoding": header}
    for request in (
        lambda: http.stream("POST", "/graphql", json={"query": BIG}, headers=asked),
        lambda: http.stream("GET", "/graphiql-assets/app.js", headers=asked),
    ):
        with request() as response:
            raw = b"".join(response.iter_raw())
        assert response.status_code == 200
        assert (response.headers.get("content-encoding") == "gzip") is zipped, header
        plain = gzip.decompress(raw) if zipped else raw
        assert len(plain) > 1024


def test_gzip_can_be_turned_off(tmp_path: Path) -> None:
    for http in app_client(tmp_path, gzip_min_size=0):
        response = http.post("/graphql", json={"query": BIG}, headers={"accept-encoding": "gzip"})
        assert "content-encoding" not in response.headers


# Settings ------------------------------------------------------------------------------


def test_settings_read_cors_and_gzip_from_the_environment() -> None:
    settings = Settings.from_env(
        {"GQL_CORS_ORIGINS": " http://localhost:5173/ ,https://app.example.org,", "GQL_GZIP_MIN_SIZE": "2048"}
    )
    assert settings.cors_origins == ("http://localhost:5173", "https://app.example.org")
    assert settings.gzip_min_size == 2048
    defaults = Settings.from_env({})
    assert defaults.cors_origins == () and defaults.gzip_min_size == 1024
    assert Settings.from_env({"GQL_CORS_ORIGINS": ""}).cors_origins == ()
    with pytest.raises(ValueError, match="origin"):
        Settings.from_env({"GQL_CORS_ORIGINS": "localhost:5173"})
    with pytest.raises(ValueError, match="bytes"):
        Settings.from_env({"GQL_GZIP_MIN_SIZE": "-1"})


# Dates -----------------------------------------------------------------------------------


def test_dates_are_utc_iso_8601_with_z_exactly_as_ll2_writes_them(http: TestClient) -> None:
    import json

    seed = json.loads((SEED_DIR / "docking_events_page.json").read_text())["results"]
    body = http.post(
        "/graphql", json={"query": "{ dockingEvents(limit: 100) { results { id docking departure } } }"}
    ).json()
    served = {e["id"]: e for e in body["data"]["dockingEvents"]["results"]}
    assert len(served) == len(seed)
    for event in seed:
        for key in ("docking", "departure"):
            assert served[event["id"]][key] == event[key]
            if event[key] is not None:
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", served[event["id"]][key])
