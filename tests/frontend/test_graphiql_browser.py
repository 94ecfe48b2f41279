"""GraphiQL in a real browser (Debian's Chromium, headless, driven over CDP): it loads with
no request leaving 127.0.0.1 and no CSP violation, shows the default query and our schema's
descriptions, and runs the query to real data. Screenshot: test-artifacts/graphiql.png."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cdp import Page, chromium
from frontend_support import ARTIFACTS, LiveServer, ensure_chromium, live_server

from gql_server.http.graphiql import default_query

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESULT = ".graphiql-response .CodeMirror"


@pytest.fixture(scope="module")
def browser_binary() -> Path:
    return ensure_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("graphiql-server")) as running:
        yield running


def editor_text(selector: str) -> str:
    # CodeMirror 5 renders only the visible lines; its instance has the whole text.
    return f"(document.querySelector({json.dumps(selector)})?.CodeMirror?.getValue() ?? '')"


def test_graphiql_runs_the_default_query_offline(browser_binary: Path, server: LiveServer) -> None:
    with chromium(browser_binary) as page:
        for domain in ("Page", "Network", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        page.call("Page.navigate", url=server.graphql)

        # The editor holds our default query (the latest ISS dockings through the union).
        shown = page.wait_for(
            f"{editor_text(QUERY_EDITOR)}.includes('LatestIssDockings') && {editor_text(QUERY_EDITOR)}",
            what="GraphiQL's query editor with the default query",
        )
        assert shown.strip() == default_query().strip()

        # The documentation explorer is open and filled from the schema's descriptions.
        page.wait_for(
            "!!document.querySelector('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')",
            what="the documentation explorer",
        )
        page.evaluate(
            "[...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')]"
            ".find(a => a.textContent === 'Query').click()"
        )
        docs = page.wait_for(
            "(document.querySelector('.graphiql-doc-explorer')?.innerText ?? '')"
            ".includes('dockingEvents') && document.querySelector('.graphiql-doc-explorer').innerText",
            what="the Query type's fields in the documentation explorer",
        )
        assert "LL2's `/docking_events/` list" in docs or "LL2's /docking_events/ list" in docs

        # Run it with the ▶ button: the result pane shows the seed's real events.
        page.click(".graphiql-execute-button")
        text = page.wait_for(
            f"{editor_text(RESULT)}.includes('International Space Station') && {editor_text(RESULT)}",
            what="the result pane with data",
        )
        result = json.loads(text)
        assert result == server.post(default_query())
        events = result["data"]["dockingEvents"]["results"]
        assert events[0]["id"] == 620 and events[0]["chaser"]["spacecraft"]["name"] == "Soyuz MS-27"
        assert {e["target"]["__typename"] for e in events} == {"SpaceStation"}

        page.screenshot(ARTIFACTS / "graphiql.png")
        page.drain()
        assert_stayed_local(page, server)
        assert_no_errors(page)


def assert_stayed_local(page: Page, server: LiveServer) -> None:
    urls = [e["request"]["url"] for e in page.events_named("Network.requestWillBeSent")]
    assert any(url.endswith("/graphiql-assets/vendor/graphiql.min.js") for url in urls), urls
    elsewhere = [
        url
        for url in urls
        if urlsplit(url).scheme not in {"data", "blob", "about"}
        and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert elsewhere == [], f"the page reached beyond 127.0.0.1: {elsewhere}"
    documents = [
        e["response"]
        for e in page.events_named("Network.responseReceived")
        if e["type"] == "Document"
    ]
    assert documents and documents[0]["url"] == server.graphql
    headers = {k.lower(): v for k, v in documents[0]["headers"].items()}
    assert "script-src 'self'" in headers["content-security-policy"]
    failed = page.events_named("Network.loadingFailed")
    assert failed == [], failed


def assert_no_errors(page: Page) -> None:
    """No script error and no console error: a CSP violation or a failed load shows here."""
    exceptions = page.events_named("Runtime.exceptionThrown")
    assert exceptions == [], exceptions
    logged = [e["entry"] for e in page.events_named("Log.entryAdded")]
    console = [e for e in page.events_named("Runtime.consoleAPICalled") if e["type"] == "error"]
    errors = [e for e in logged if e["level"] == "error"] + console
    assert errors == [], errors
