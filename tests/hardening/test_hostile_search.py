"""Hostile search strings through HTTP: every one is answered with 200 and exactly what a
plain Python reading of the README's rule finds, but the ones named in ``REFUSED``, which are
refused with the code and message named there; never a 500, never INTERNAL_SERVER_ERROR;
the database is intact afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.client import Client
from support.data import seed_events
from support.db_dump import dump
from support.reference import event_fields, matches

from gql_server.search_terms import split_terms

# The only refusal: more distinct terms than a search may have (Limits.max_search_terms, 20),
# each term a scan. Every other hostile string is answered.
MAX_SEARCH_TERMS = 20
MANY_TERMS = " ".join(f"w{i}" for i in range(1_500))
REFUSED = {MANY_TERMS: "search has 1500 distinct terms; at most 20 are allowed."}

HOSTILE = [
    "",
    "   ",
    ",,, ,",
    '"',
    '""',
    "'",
    '"crew dragon", harmony',
    '"crew dragon',
    "crew dragon\"'",
    "'harmony' \"nadir\"",
    '"a\\"b"',
    '"\\\\"',
    "%",
    "%%",
    "_",
    "__",
    "100%",
    "a_b",
    "\\",
    "\\\\",
    "\\%",
    "\\_",
    "'; DROP TABLE docking_event; --",
    '" OR 1=1 --',
    "' OR '1'='1",
    "1; SELECT * FROM space_station",
    "*) OR (1=1",
    'NEAR("a" "b")',  # FTS5 query syntax
    "dragon*",
    "^harmony",
    "harmony OR nadir",
    "x\x00y",
    "\x00",
    "harmony\x00",
    "\x1f",
    "harmony\x1fnadir",
    "\t\n\r\u00a0\u2028",
    "x" * 10_000,
    "%" * 10_000,
    "\\" * 10_000,
    "\U0001f680" * 10_000,  # 40,000 bytes of UTF-8
    "\U0001f680" * 13_000,  # more than SQLite's 50,000-byte LIKE pattern limit
    " ".join(["a"] * 5_000),  # 5,000 terms
    MANY_TERMS,  # 1,500 distinct terms: refused
    "🚀 🛰️ 👩‍🚀",
    "محطة الفضاء الدولية",  # Arabic
    "תחנת החלל",  # Hebrew
    "\u202eharmony\u202c",  # right-to-left override
    "e\u0301",  # combining acute accent
    "Ha\u0308rmony",
    "STRASSE",
    "ß",
    "ﬀ",  # a ligature that folds to "ff"
    "İ",  # folds to i + combining dot
    "ДРАГОН",
    "tianhe",
    "TIANGONG",
    "iss",
    "space",
]

EVENTS = """query($s: String) { dockingEvents(search: $s, limit: 100) { count results { id } } }"""
STATIONS = (
    """query($s: String) { spaceStations(search: $s, limit: 100) { count results { id } } }"""
)
LOCATIONS = (
    """query($s: String) { dockingLocations(search: $s, limit: 100) { count results { id } } }"""
)


def reference() -> dict[str, list[tuple[int, list[str]]]]:
    events = sorted(seed_events(), key=lambda e: (e["docking"], e["id"]))
    stations: dict[int, str] = {}
    locations: dict[int, str] = {}
    for event in events:
        location = event["docking_location"]
        locations[location["id"]] = location["name"]
        for key in ("space_station_chaser", "space_station_target"):
            if event.get(key):
                stations[event[key]["id"]] = event[key]["name"]
        if location.get("spacestation"):
            stations[location["spacestation"]["id"]] = location["spacestation"]["name"]
    return {
        "dockingEvents": [(e["id"], event_fields(e)) for e in events],
        "spaceStations": [(i, [n]) for i, n in sorted(stations.items())],
        "dockingLocations": [(i, [n]) for i, n in sorted(locations.items())],
    }


def check_answer(response: Any, field: str, search: str, rows: list[tuple[int, list[str]]]) -> None:
    assert response.status_code == 200, (field, search[:50], response.text[:500])
    body = response.json()
    if search in REFUSED:
        (error,) = body["errors"]
        assert error["message"] == REFUSED[search], (field, error)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, error)
        assert "data" not in body  # refused before execution, as a request error
        return
    assert "errors" not in body, (field, search[:50], body["errors"])
    want = [row_id for row_id, fields in rows if matches(search, fields)]
    page = body["data"][field]
    assert (page["count"], [r["id"] for r in page["results"]]) == (len(want), want), (
        field,
        search[:50],
    )


def test_refused_are_exactly_those_over_the_term_limit() -> None:
    over = [s for s in HOSTILE if len(dict.fromkeys(split_terms(s))) > MAX_SEARCH_TERMS]
    assert over == list(REFUSED)


@pytest.mark.parametrize("field", ["dockingEvents", "spaceStations", "dockingLocations"])
def test_hostile_searches(client: Client, db_url: str, field: str) -> None:
    before = dump(db_url)
    rows = reference()[field]
    query = {"dockingEvents": EVENTS, "spaceStations": STATIONS, "dockingLocations": LOCATIONS}[
        field
    ]
    # The seed answers sensible searches at all (the reference is not vacuous).
    assert any(matches(s, fields) for s in ("harmony", "tianhe", "station") for _, fields in rows)
    for search in HOSTILE:
        response = client.http.post("/graphql", json={"query": query, "variables": {"s": search}})
        check_answer(response, field, search, rows)
        # The same string inline in the document (GraphQL string escapes), over GET too
        # when it is short enough for a URL.
        literal = json.dumps(search)
        inline = query.replace("query($s: String)", "query").replace("$s", literal)
        check_answer(client.http.post("/graphql", json={"query": inline}), field, search, rows)
        if len(search) < 200:
            check_answer(client.http.get("/graphql", params={"query": inline}), field, search, rows)
    assert dump(db_url) == before


def test_lone_surrogates_in_the_raw_json_body(client: Client, db_url: str) -> None:
    """JSON may escape a lone surrogate (``"\\ud800"``), which is not text: as a variable it
    matches nothing (200); inside the GraphQL document it is a syntax error with a code."""
    before = dump(db_url)
    for field in ("dockingEvents", "spaceStations", "dockingLocations"):
        for escaped in ("\\ud800", "\\udfff", "a\\ud800b", "\\ud83d", "harmony \\udc00"):
            query = f"query($s: String) {{ {field}(search: $s) {{ count }} }}"
            body = f'{{"query": "{query}", "variables": {{"s": "{escaped}"}}}}'.encode()
            response = client.http.post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 200, response.text
            assert response.json() == {"data": {field: {"count": 0}}}

            doubled = escaped.replace("\\", "\\\\")  # JSON text for the GraphQL escape
            inline = f'{{"query": "{{ {field}(search: \\"{doubled}\\") {{ count }} }}"}}'.encode()
            response = client.http.post(
                "/graphql", content=inline, headers={"content-type": "application/json"}
            )
            assert response.status_code in (200, 400), response.text
            (error,) = response.json()["errors"]
            assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert dump(db_url) == before
