"""What the docking timeline page is made of, over HTTP (no browser): the page, its strict
CSP, its modules served by the app, the GQL_TIMELINE switch and GraphiQL's link to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from frontend_support import SEED_DIR
from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.http.timeline import ASSETS_DIR
from gql_server.settings import Settings

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def app_client(tmp_path: Path, **settings: Any) -> Iterator[TestClient]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    app = create_app(Settings(database_url=url, seed_dir=SEED_DIR, **settings))
    with TestClient(app) as http:
        yield http


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from app_client(tmp_path_factory.mktemp("timeline-http"))


def test_the_page_runs_only_its_own_modules_under_a_strict_csp(http: TestClient) -> None:
    response = http.get("/timeline")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"  # no inline styles either
    assert directives["connect-src"] == "'self'"  # fetch and the ws: socket, same origin
    page = response.text
    assert "<style" not in page and " style=" not in page
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts == [(' type="module" src="/timeline-assets/main.js"', "")]
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "an asset from another origin"
    assert 'data-endpoint="/graphql"' in page
    assert '<a href="/graphql">GraphiQL</a>' in page


def test_every_module_the_page_imports_is_served(http: TestClient) -> None:
    """main.js and, transitively, every module it imports; each file in the folder is used."""
    seen: set[str] = set()
    todo = ["main.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        response = http.get(f"/timeline-assets/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith("text/javascript"), name
        # No third-party code, nothing fetched from elsewhere.
        assert "http://" not in response.text and "https://" not in response.text.replace(
            "https://github.com/enisdenjo/graphql-ws", ""
        ), name
        todo += re.findall(r'from "\./([\w-]+\.js)"', response.text)
    assert seen == {p.name for p in ASSETS_DIR.glob("*.js")}
    for name in ("timeline.css", "favicon.svg"):
        assert http.get(f"/timeline-assets/{name}").status_code == 200


def test_graphiql_links_to_the_timeline_when_it_is_served(tmp_path: Path, http: TestClient) -> None:
    assert 'data-timeline="/timeline"' in http.get("/graphql", headers=HTML).text
    for off in app_client(tmp_path, timeline=False):
        assert off.get("/timeline").status_code == 404
        assert off.get("/timeline-assets/main.js").status_code == 404
        assert 'data-timeline=""' in off.get("/graphql", headers=HTML).text


def test_without_graphiql_the_timeline_has_no_link_to_it(tmp_path: Path) -> None:
    for http in app_client(tmp_path, graphiql=False):
        page = http.get("/timeline").text
        assert "<nav></nav>" in page


def test_gql_timeline_setting() -> None:
    assert Settings.from_env({}).timeline is True
    assert Settings.from_env({"GQL_TIMELINE": "false"}).timeline is False
    with pytest.raises(ValueError):
        Settings.from_env({"GQL_TIMELINE": "maybe"})
