"""A first visit: `/` says where things are, every link there answers, the SDL is served."""

from __future__ import annotations

import re
from pathlib import Path

from support.client import Client, make_client
from support.data import ROOT
from support.databases import sqlite_url


def test_the_root_links_graphiql_the_schema_and_health(seeded: Client) -> None:
    response = seeded.http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = re.findall(r'href="([^"]+)"', response.text)
    assert {"/graphql", "/schema.graphql", "/healthz", "/metrics"} <= set(links)
    for link in links:  # every link works (GraphiQL as a browser asks for it)
        answer = seeded.http.get(link, headers={"accept": "text/html"})
        assert answer.status_code == 200, link


def test_the_schema_is_served_as_sdl(seeded: Client) -> None:
    response = seeded.http.get("/schema.graphql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == (ROOT / "schema.graphql").read_text()


def test_without_graphiql_the_root_says_what_graphql_is(tmp_path: Path) -> None:
    for client in make_client(sqlite_url(tmp_path / "plain.db"), graphiql=False):
        page = client.http.get("/").text
        assert "GraphiQL" not in page and "the GraphQL endpoint" in page
