"""GraphiQL in a real browser (Debian's Chromium, headless, driven over CDP): it loads with
no request leaving 127.0.0.1 and no CSP violation, shows the default query and our schema's
descriptions, and runs the query to real data; a subscription runs in the page over the
page's own origin (ws:) and shows a change ingested meanwhile. The first view fits laptop
widths with the Docs pane open. Screenshots in test-artifacts/: graphiql-1280.png and
graphiql-1600.png (first views), graphiql-query.png, graphiql-subscription.png."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from cdp import Page, chromium
from frontend_support import ARTIFACTS, SEED_DIR, LiveServer, ensure_chromium, live_server

from gql_server.db.engine import create_engine
from gql_server.http.graphiql import default_query
from gql_server.ingest.files import ingest_paths

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
RESULT = ".graphiql-response .CodeMirror"


@pytest.fixture(scope="module")
def browser_binary() -> Path:
    return ensure_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Subscriptions poll SQLite for changes; 0.2 s keeps the wait for one short.
    folder = tmp_path_factory.mktemp("graphiql-server")
    with live_server(folder, **{"GQL_SUBSCRIPTION_POLL_SECONDS": "0.2"}) as running:
        yield running


def open_graphiql(page: Page, server: LiveServer, width: int) -> str:
    """GraphiQL at ``width`` x 800 CSS px on a first visit; the query editor's text once
    the Docs pane has drawn the schema."""
    for domain in ("Page", "Network", "Runtime", "Log"):
        page.call(f"{domain}.enable")
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=800,
        deviceScaleFactor=1,
        mobile=False,
    )
    page.call("Page.navigate", url=server.graphql)
    shown: str = page.wait_for(
        f"{editor_text(QUERY_EDITOR)}.includes('LatestIssDockings') && {editor_text(QUERY_EDITOR)}",
        what="GraphiQL's query editor with the default query",
    )
    page.wait_for(
        "!!document.querySelector('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')",
        what="the documentation explorer",
    )
    return shown


def assert_the_first_view_is_readable(page: Page, width: int) -> None:
    """With the Docs pane open, every line of the default query fits the editor (no
    horizontal scrolling) and the editor is the widest pane. Screenshot of the first view:
    test-artifacts/graphiql-<width>.png."""
    page.screenshot(ARTIFACTS / f"graphiql-{width}.png")
    sizes = page.evaluate(
        f"""(() => {{
        const cm = document.querySelector({json.dumps(QUERY_EDITOR)}).CodeMirror;
        const info = cm.getScrollInfo();
        const box = (s) => document.querySelector(s).getBoundingClientRect().width;
        return {{ content: info.width, visible: info.clientWidth,
                  editor: box('.graphiql-query-editor'), docs: box('.graphiql-plugin'),
                  response: box('.graphiql-response'), window: window.innerWidth }};
        }})()"""
    )
    assert sizes["window"] == width
    assert sizes["content"] <= sizes["visible"], sizes  # nothing cut off on the right
    assert sizes["editor"] > sizes["response"] and sizes["editor"] > sizes["docs"] >= 250, sizes


def editor_text(selector: str) -> str:
    # CodeMirror 5 renders only the visible lines; its instance has the whole text.
    return f"(document.querySelector({json.dumps(selector)})?.CodeMirror?.getValue() ?? '')"


def test_graphiql_runs_the_default_query_offline(browser_binary: Path, server: LiveServer) -> None:
    with chromium(browser_binary) as page:
        # The editor holds our default query (the latest ISS dockings through the union),
        # readable beside the open Docs pane at 1280 px.
        shown = open_graphiql(page, server, 1280)
        assert shown.strip() == default_query().strip()
        assert_the_first_view_is_readable(page, 1280)

        # "All Schema Types" in the Docs pane is in alphabetical order.
        listed = page.evaluate(
            "[...document.querySelectorAll('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')]"
            ".map(a => a.textContent)"
        )
        all_types = listed[listed.index("Agency") :]
        assert len(all_types) > 30 and all_types == sorted(all_types), listed

        # The documentation explorer is open and filled from the schema's descriptions.
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

        page.screenshot(ARTIFACTS / "graphiql-query.png")
        page.drain()
        assert_stayed_local(page, server)
        assert_no_errors(page)


SUBSCRIPTION = "subscription IssChanges {\n  dockingEventChanged(sinceVersion: %d) {\n    kind\n    eventId\n    event { id departure }\n  }\n}\n"


def test_graphiql_runs_a_subscription_over_the_pages_origin(
    browser_binary: Path, server: LiveServer, tmp_path: Path
) -> None:
    with chromium(browser_binary) as page:
        open_graphiql(page, server, 1600)
        assert_the_first_view_is_readable(page, 1600)

        # Subscribe from the current data version on: a change made after this point
        # arrives whether or not the socket is open yet when it is made.
        version = server.post("{ dataVersion }")["data"]["dataVersion"]
        # Opened as a shared link (`?q=`), the subscription is the editor's query.
        subscription = SUBSCRIPTION % version
        page.call("Page.navigate", url=f"{server.graphql}?{urlencode({'q': subscription})}")
        page.wait_for(
            f"{editor_text(QUERY_EDITOR)}.startsWith('subscription IssChanges') && "
            "!!document.querySelector('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name')",
            what="the subscription in the editor",
        )
        page.click(".graphiql-execute-button")

        # Tiangong's event 569 departs a day later: an ingest as the sync would make it.
        changed = copy.deepcopy(seed_event(569))
        changed["departure"] = "2024-11-04T08:12:00Z"
        source = tmp_path / "change.json"
        source.write_text(json.dumps(changed))
        asyncio.run(ingest(server, source))

        text = page.wait_for(
            f"{editor_text(RESULT)}.includes('2024-11-04T08:12:00Z') && {editor_text(RESULT)}",
            what="the change in the result pane",
        )
        assert json.loads(text) == {
            "data": {
                "dockingEventChanged": {
                    "kind": "UPDATED",
                    "eventId": 569,
                    "event": {"id": 569, "departure": "2024-11-04T08:12:00Z"},
                }
            }
        }
        page.screenshot(ARTIFACTS / "graphiql-subscription.png")
        page.drain()
        sockets = page.events_named("Network.webSocketCreated")
        assert [s["url"] for s in sockets] == [server.graphql.replace("http://", "ws://")]
        assert_stayed_local(page, server)
        assert_no_errors(page)


def seed_event(event_id: int) -> dict[str, object]:
    events = json.loads((SEED_DIR / "docking_events_page.json").read_text())["results"]
    return next(e for e in events if e["id"] == event_id)


async def ingest(server: LiveServer, source: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{server.log.parent / 'gateway.db'}")
    try:
        await ingest_paths(engine, [source])
    finally:
        await engine.dispose()


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
