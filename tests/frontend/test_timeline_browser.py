"""The docking timeline (/timeline) in a real browser (Debian's Chromium, headless, over CDP),
on a live server seeded from ``seed/``: one bar per event on its port's row with the chaser's
name, the "now" occupancy equal to the API's ``dockedAt``, details and search through the API,
an ingest while the page is open shown live, no console or CSP error, no request beyond
127.0.0.1. Screenshots: test-artifacts/timeline-1280.png and timeline-390.png."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cdp import Page, chromium
from frontend_support import ARTIFACTS, ROOT, SEED_DIR, LiveServer, ensure_chromium, live_server

from gql_server import synthetic
from gql_server.db.engine import create_engine, writing
from gql_server.ingest.load import remove_events

PARTY = """
  __typename
  ... on SpacecraftFlight { spacecraft { name } }
  ... on PayloadFlight { payload { name } }
  ... on SpaceStation { name }
"""
EVENTS = f"""
query {{
  dockingEvents(limit: 100) {{
    count
    results {{
      id
      departure
      dockingLocation {{ id spacestation {{ id }} }}
      chaser {{ {PARTY} }}
    }}
  }}
}}"""
DOCKED_NOW = "{ spaceStations(limit: 100) { results { id dockedAt { id } } } }"
KINDS = {"SpacecraftFlight": "spacecraft", "PayloadFlight": "payload", "SpaceStation": "station"}

# What the page shows, read from the DOM.
BARS = """JSON.stringify([...document.querySelectorAll('.bar')].map(b => ({
  id: Number(b.dataset.eventId), chaser: b.dataset.chaser, kind: b.dataset.kind,
  text: b.textContent, label: b.getAttribute('aria-label'), open: b.classList.contains('open'),
  row: Number(b.closest('.row').dataset.locationId),
  section: b.closest('.section').dataset.section,
})))"""
OCCUPANCY = """JSON.stringify([...document.querySelectorAll('#now-list li[data-station-id]')].map(s => ({
  id: Number(s.dataset.stationId),
  events: [...s.querySelectorAll('li[data-event-id]')].map(e => Number(e.dataset.eventId)),
})))"""
# Each row's bars by lane (their `top`), as [left, right] in percent of the track.
LANES = """JSON.stringify(Object.fromEntries([...document.querySelectorAll('.row')].map(row => {
  const lanes = {};
  for (const b of row.querySelectorAll('.bar')) {
    const left = parseFloat(b.style.left), right = left + parseFloat(b.style.width);
    (lanes[b.style.top] ??= []).push([left, right]);
  }
  return [row.dataset.locationId, lanes];
})))"""
TAB_STOPS = (
    "[...document.querySelectorAll('.bar[tabindex=\"0\"]')].map(b => Number(b.dataset.eventId))"
)
DOCKED_BARS = "JSON.stringify([...document.querySelectorAll('.bar.docked-now')].map(b => Number(b.dataset.eventId)).sort((a, b) => a - b))"


@pytest.fixture(scope="module")
def browser_binary() -> Path:
    return ensure_chromium()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("timeline-server")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[LiveServer]:
    with live_server(workdir) as running:
        yield running


def party_name(party: dict[str, Any]) -> str:
    if party["__typename"] == "SpacecraftFlight":
        return str(party["spacecraft"]["name"])
    if party["__typename"] == "PayloadFlight":
        return str(party["payload"]["name"])
    return str(party["name"])


def api_events(server: LiveServer) -> list[dict[str, Any]]:
    page = server.post(EVENTS)["data"]["dockingEvents"]
    assert page["count"] == len(page["results"]), "the seed fits in one page"
    return list(page["results"])


def api_docked_now(server: LiveServer) -> list[dict[str, Any]]:
    stations = server.post(DOCKED_NOW)["data"]["spaceStations"]["results"]
    return [
        {"id": s["id"], "events": [e["id"] for e in s["dockedAt"]]}
        for s in stations
        if s["dockedAt"]
    ]


def open_timeline(page: Page, server: LiveServer, width: int) -> None:
    for domain in ("Page", "Network", "Runtime", "Log"):
        page.call(f"{domain}.enable")
    # Every CSP violation, as the page sees it (this script is the browser's, not the page's).
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        source="window.cspViolations = []; document.addEventListener('securitypolicyviolation',"
        " e => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));",
    )
    narrow = width < 500
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=844 if narrow else 800,
        deviceScaleFactor=1,
        mobile=narrow,
    )
    page.call("Page.navigate", url=f"{server.base}/timeline")
    state = page.wait_for(
        "document.body && document.body.dataset.state !== 'loading' && document.body.dataset.state",
        what="the timeline's first render",
    )
    assert state == "ready", page.evaluate("document.body.dataset.error")
    page.wait_for("document.getElementById('now-panel').dataset.loaded", what="the now panel")


KEYS = {"ArrowDown": 40, "ArrowRight": 39, "Enter": 13, "Escape": 27}


def press(page: Page, key: str) -> None:
    """A real key press (down and up) on the focused element."""
    text = {"text": "\r"} if key == "Enter" else {}
    for kind in ("keyDown", "keyUp"):
        page.call(
            "Input.dispatchKeyEvent",
            type=kind,
            key=key,
            code=key,
            windowsVirtualKeyCode=KEYS[key],
            **(text if kind == "keyDown" else {}),
        )


def ingest_file(path: Path, workdir: Path) -> None:
    """``python -m gql_server ingest`` into the live server's database."""
    ingest = subprocess.run(
        [sys.executable, "-m", "gql_server", "ingest", str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'gateway.db'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ingest.returncode == 0, ingest.stderr


async def remove(workdir: Path, ids: list[int]) -> None:
    """Delete events from the live server's database as a sync does (logged as removed)."""
    engine = create_engine(f"sqlite+aiosqlite:///{workdir / 'gateway.db'}")
    try:
        async with writing(engine).begin() as conn:
            assert await remove_events(conn, ids) == len(ids)
    finally:
        await engine.dispose()


def assert_bars_match(page: Page, events: list[dict[str, Any]]) -> None:
    """One bar per event, on its port's row, labelled and coloured after its chaser."""
    bars = json.loads(page.evaluate(BARS))
    assert sorted(b["id"] for b in bars) == sorted(e["id"] for e in events)
    by_id = {b["id"]: b for b in bars}
    for event in events:
        bar = by_id[event["id"]]
        name = party_name(event["chaser"])
        assert bar["row"] == event["dockingLocation"]["id"], event
        assert bar["chaser"] == name
        assert bar["text"] == name
        assert bar["label"].startswith(f"{name} (")
        assert bar["kind"] == KINDS[event["chaser"]["__typename"]]
        assert bar["open"] == (event["departure"] is None)
        station = event["dockingLocation"]["spacestation"]
        assert bar["section"] == (f"station-{station['id']}" if station else "away")


def test_every_event_is_a_bar_on_its_row_and_now_shows_docked_at(
    browser_binary: Path, server: LiveServer
) -> None:
    events = api_events(server)
    with chromium(browser_binary) as page:
        open_timeline(page, server, 1280)
        assert_bars_match(page, events)
        # The seed's two payload-to-payload dockings have rows of their own, away from
        # the stations.
        away = page.evaluate(
            "[...document.querySelectorAll('[data-section=away] .row-label')].map(r => r.textContent).join('|')"
        )
        assert away == "Chang'e 6|SpaDEx Target (SDX02)"

        # The now line: the occupancy beside it is the API's dockedAt, and those bars are
        # the ones marked as docked now.
        expected = api_docked_now(server)
        assert expected == [{"id": 4, "events": [619, 620]}]  # the seed's ISS
        assert json.loads(page.evaluate(OCCUPANCY)) == expected
        assert json.loads(page.evaluate(DOCKED_BARS)) == [619, 620]
        assert page.evaluate("document.querySelector('.now-flag').textContent") == "now · 2 docked"
        line = page.evaluate("document.querySelector('.now-line').getBoundingClientRect().x")
        bar_end = page.evaluate(
            "(r => r.x + r.width)(document.querySelector('.bar[data-event-id=\"619\"]').getBoundingClientRect())"
        )
        assert abs(line - bar_end) < 3  # an open bar runs to the now line

        # Zoom: the buttons double and halve the track, keeping the middle in place.
        width = (
            "document.querySelector('.bar[data-event-id=\"619\"]').getBoundingClientRect().width"
        )
        middle = (
            "(s => s.scrollLeft + (s.clientWidth - parseFloat(getComputedStyle(s)"
            ".getPropertyValue('--label-w'))) / 2)(document.getElementById('timeline'))"
        )
        before, at = page.evaluate(width), page.evaluate(middle)
        page.click("#zoom-in")
        assert page.evaluate(width) == pytest.approx(2 * before, rel=0.01)
        assert page.evaluate(middle) == pytest.approx(2 * at, abs=2)
        page.click("#zoom-out")
        assert page.evaluate(width) == pytest.approx(before, rel=0.01)
        page.click("#zoom-in")
        page.click("#zoom-all")  # every year on one screen
        track, view = page.evaluate(
            "(s => [parseFloat(getComputedStyle(s.firstChild).getPropertyValue('--track-w')),"
            " s.clientWidth - parseFloat(getComputedStyle(s).getPropertyValue('--label-w'))])"
            "(document.getElementById('timeline'))"
        )
        assert track == pytest.approx(view, abs=1)

        # The keyboard: one tab stop among the bars; arrows move between them, Enter opens.
        focused = "Number(document.activeElement.dataset.eventId)"
        assert page.evaluate(TAB_STOPS) == [570]  # the first bar of the first row
        page.evaluate("document.querySelector('.bar[tabindex=\"0\"]').focus()")
        press(page, "ArrowDown")  # Harmony forward, the stay nearest in time: 613
        assert page.evaluate(focused) == 613
        press(page, "ArrowRight")
        assert page.evaluate(focused) == 619
        assert page.evaluate(TAB_STOPS) == [619]
        press(page, "Enter")
        page.wait_for(
            "document.getElementById('details-title').textContent === 'Crew Dragon Endurance'",
            what="the details of 619",
        )
        press(page, "Escape")
        assert page.evaluate("document.getElementById('details').hidden") is True
        assert page.evaluate(focused) == 619

        # A click on a bar opens the event's details, fetched by id.
        page.click('.bar[data-event-id="613"]')
        page.wait_for(
            "!!document.querySelector('#details dd[data-field=duration]')", what="the details panel"
        )
        details = server.post(
            "{ dockingEvent(id: 613) { duration target { ... on SpaceStation { name } } } }"
        )["data"]["dockingEvent"]
        shown = json.loads(
            page.evaluate(
                "JSON.stringify(Object.fromEntries([...document.querySelectorAll('#details dd')]"
                ".map(d => [d.dataset.field, d.textContent])))"
            )
        )
        title = page.evaluate("document.getElementById('details-title').textContent")
        assert title == next(party_name(e["chaser"]) for e in events if e["id"] == 613)
        assert shown["chaser"].startswith(f"{title} (spacecraft flight")
        assert shown["target"].startswith(details["target"]["name"])
        assert shown["duration"].endswith(f"({details['duration']})")
        assert shown["port"] == "Harmony forward (International Space Station)"

        # The search box asks the API's search and marks what it answers.
        page.evaluate("document.querySelector('#details-close').click()")
        page.evaluate(
            "(s => { s.value = 'dragon'; s.dispatchEvent(new Event('input')); })"
            "(document.getElementById('search'))"
        )
        page.wait_for("document.body.dataset.matches", what="the search's answer")
        matched = server.post('{ dockingEvents(search: "dragon") { results { id } } }')
        wanted = sorted(e["id"] for e in matched["data"]["dockingEvents"]["results"])
        assert wanted  # the seed has Dragons
        shown_matches = page.evaluate(
            "[...document.querySelectorAll('.searching .bar.match')].map(b => Number(b.dataset.eventId))"
        )
        assert sorted(shown_matches) == wanted
        page.evaluate(
            "(s => { s.value = ''; s.dispatchEvent(new Event('input')); })"
            "(document.getElementById('search'))"
        )
        page.wait_for("!document.body.dataset.matches", what="the search cleared")
        assert page.evaluate("document.querySelectorAll('.searching, .bar.match').length") == 0

        page.screenshot(ARTIFACTS / "timeline-1280.png")
        page.drain()
        assert_stayed_local(page, server)
        assert_no_errors(page)
        assert page.evaluate("document.body.dataset.error ?? null") is None


def test_an_ingest_while_the_page_is_open_shows_up_live(
    browser_binary: Path, server: LiveServer, workdir: Path, tmp_path: Path
) -> None:
    with chromium(browser_binary) as page:
        open_timeline(page, server, 390)
        page.wait_for(
            "document.getElementById('live-status').dataset.status === 'live'",
            what="the subscription",
        )
        # The narrow screen: nothing is wider than it but the timeline, which scrolls.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        before = len(json.loads(page.evaluate(BARS)))

        # A new Soyuz docks at Poisk zenith and Crew Dragon Endurance (619) departs.
        seed = json.loads((SEED_DIR / "docking_events_page.json").read_text())["results"]
        arrival = copy.deepcopy(next(e for e in seed if e["id"] == 570))
        docked = datetime.now(UTC) - timedelta(days=30)
        arrival.update(id=9001, docking=docked.strftime("%Y-%m-%dT%H:%M:%SZ"), departure=None)
        arrival["url"] = arrival["url"].replace("/570/", "/9001/")
        flight = arrival["flight_vehicle_chaser"]
        flight["url"] = flight["url"].replace(f"/{flight['id']}/", "/99001/")
        flight["id"] = 99001
        flight["spacecraft"].update(id=99001, name="Soyuz MS-99")
        departure = copy.deepcopy(next(e for e in seed if e["id"] == 619))
        departure["departure"] = "2025-08-08T20:15:00Z"
        changes = tmp_path / "changes.json"
        changes.write_text(json.dumps([arrival, departure]))
        ingest_file(changes, workdir)

        page.wait_for(
            "!!document.querySelector('.bar[data-event-id=\"9001\"]')",
            what="the ingested event's bar",
        )
        page.wait_for(
            "!document.querySelector('.bar[data-event-id=\"619\"]').classList.contains('open')",
            what="event 619's departure",
        )
        events = api_events(server)
        assert len(events) == before + 1
        assert_bars_match(page, events)
        bar = json.loads(page.evaluate(BARS))
        assert next(b for b in bar if b["id"] == 9001)["row"] == 3  # Poisk zenith
        expected = api_docked_now(server)
        assert expected == [{"id": 4, "events": [620, 9001]}]
        page.wait_for(
            f"{OCCUPANCY} === {json.dumps(json.dumps(expected, separators=(',', ':')))}",
            what="the now panel after the ingest",
        )
        assert json.loads(page.evaluate(DOCKED_BARS)) == [620, 9001]

        page.screenshot(ARTIFACTS / "timeline-390.png")

        # An event at a port the page has no row for: laid out again, the new row in the
        # ISS's section, the view's search still applied.
        page.evaluate(
            "(s => { s.value = 'soyuz'; s.dispatchEvent(new Event('input')); })"
            "(document.getElementById('search'))"
        )
        page.wait_for("document.body.dataset.matches", what="the search's answer")
        berth = copy.deepcopy(arrival)
        berth.update(id=9002, docking=(docked - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"))
        berth["departure"] = (docked - timedelta(days=300)).strftime("%Y-%m-%dT%H:%M:%SZ")
        berth["url"] = berth["url"].replace("/9001/", "/9002/")
        berth["docking_location"].update(id=9999, name="Unity zenith")
        changes.write_text(json.dumps([berth]))
        ingest_file(changes, workdir)
        page.wait_for(
            "document.querySelector('.bar[data-event-id=\"9002\"]')?.closest('.row')"
            ".dataset.locationId === '9999'",
            what="the new port's row",
        )
        assert (
            page.evaluate(
                "document.querySelector('.row[data-location-id=\"9999\"]').closest('.section')"
                ".dataset.stationId"
            )
            == "4"
        )
        assert_bars_match(page, api_events(server))
        page.wait_for(
            "document.querySelector('.bar[data-event-id=\"9002\"]').classList.contains('match')",
            what="the search applied to the new bar",
        )

        # A removal (what a sync does when LL2 dropped an event): the bar goes.
        asyncio.run(remove(workdir, [9001]))
        page.wait_for(
            "!document.querySelector('.bar[data-event-id=\"9001\"]')", what="9001 removed"
        )
        assert_bars_match(page, api_events(server))
        expected = api_docked_now(server)
        assert expected == [{"id": 4, "events": [620]}]
        page.wait_for(
            f"{OCCUPANCY} === {json.dumps(json.dumps(expected, separators=(',', ':')))}",
            what="the now panel after the removal",
        )

        page.drain()
        assert_stayed_local(page, server)
        assert_no_errors(page)
        assert page.evaluate("document.body.dataset.error ?? null") is None


def test_the_page_fits_its_reads_to_the_servers_limits(
    browser_binary: Path, tmp_path: Path
) -> None:
    """1,000 events from a server that allows 3 root fields and a cost of 9,500: the page's
    first request is refused (about 10,000: 100 stations with their ports, 100 events) and
    sent again with a page of 50 events; its batch of 10 pages a request is refused
    (QUERY_TOO_COMPLEX, rootFields), then sent 3 pages at a time; the now panel's stations
    (each with up to 100 vehicles docked) are read a few at a time. It shrinks each read to
    what fits and still shows every event."""
    pages = synthetic.write_pages(tmp_path / "pages", 1000, seed=0)
    ingest = subprocess.run(
        [sys.executable, "-m", "gql_server", "ingest", *map(str, pages)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stderr
    limits = {"GQL_MAX_ROOT_FIELDS": "3", "GQL_MAX_COST": "9500"}
    with live_server(tmp_path, **limits) as server, chromium(browser_binary) as page:
        open_timeline(page, server, 1280)
        ids = json.loads(page.evaluate(BARS))
        assert sorted(b["id"] for b in ids) == list(range(1, 1001))
        # Stays that overlap at one port (the synthetic data has many) are on lanes of
        # their own: within a lane, each bar ends before the next begins.
        lanes = json.loads(page.evaluate(LANES))
        assert max(len(row) for row in lanes.values()) > 1
        for bars in (bar for row in lanes.values() for bar in row.values()):
            bars.sort()
            for (_, end), (start, _) in pairwise(bars):
                assert end <= start + 1e-9
        posts = page.evaluate(
            "performance.getEntriesByType('resource').filter(r => r.name.endsWith('/graphql')).length"
        )
        # 2 first requests, a refused batch, 950 events 300 a request, a refused now panel
        # and its smaller reads: with the default limits it would be 1 + 1 + 1.
        assert posts >= 2 + 1 + 4 + 2
        page.drain()
        assert_no_errors(page)
        assert page.evaluate("document.body.dataset.error ?? null") is None


def test_graphiql_links_to_the_timeline(browser_binary: Path, server: LiveServer) -> None:
    with chromium(browser_binary) as page:
        page.call("Page.enable")
        page.call("Page.navigate", url=server.graphql)
        href = page.wait_for(
            "document.querySelector('.graphiql-logo a')?.getAttribute('href')",
            what="GraphiQL's logo link",
        )
        assert href == "/timeline"


def assert_stayed_local(page: Page, server: LiveServer) -> None:
    """Every request went to 127.0.0.1 (the page, its modules, /graphql and its socket)."""
    urls = [e["request"]["url"] for e in page.events_named("Network.requestWillBeSent")]
    urls += [e["url"] for e in page.events_named("Network.webSocketCreated")]
    assert any(url.endswith("/timeline-assets/main.js") for url in urls), urls
    assert any(url.startswith("ws://127.0.0.1:") for url in urls), "no subscription socket"
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
    assert documents and documents[0]["url"] == f"{server.base}/timeline"
    headers = {k.lower(): v for k, v in documents[0]["headers"].items()}
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    failed = page.events_named("Network.loadingFailed")
    assert failed == [], failed


def assert_no_errors(page: Page) -> None:
    """No CSP violation, no script error and no console error or warning."""
    assert page.evaluate("window.cspViolations") == []
    exceptions = page.events_named("Runtime.exceptionThrown")
    assert exceptions == [], exceptions
    logged = [e["entry"] for e in page.events_named("Log.entryAdded")]
    console = [
        e
        for e in page.events_named("Runtime.consoleAPICalled")
        if e["type"] in {"error", "warning"}
    ]
    errors = [e for e in logged if e["level"] in {"error", "warning"}] + console
    assert errors == [], errors
