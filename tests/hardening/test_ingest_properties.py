"""Bad data, by property: any valid LL2 document round-trips through ingest and GraphQL;
any document broken at one JSON path is refused naming that file and that path, and
leaves the database as it was, row for row."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from ll2_documents import (
    EVENT,
    ID_SPACE,
    WRONG,
    Broken,
    all_occurrences,
    broken_documents,
    dumps,
    event_paths,
    events_query,
    expected,
    merged,
    served,
    shift_ids,
    valid_documents,
)
from support.client import make_client
from support.data import SEED_PAGE
from support.db_dump import dump, ingest

from gql_server.ingest.errors import IngestError
from gql_server.ingest.shape import ROOT, shapes

# Every example on SQLite; fewer on PostgreSQL, where each statement is a round trip.
# GQL_HARDENING_EXAMPLES=N runs N examples on both (a longer hunt).
_N = os.environ.get("GQL_HARDENING_EXAMPLES")
EXAMPLES = {"sqlite": int(_N or 40), "postgresql": int(_N or 15)}
COMMON = {
    "deadline": None,
    "derandomize": False,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def test_valid_documents_read_back_as_ingested(db_url: str, backend: str, tmp_path: Path) -> None:
    """Ingest a generated document, then read every event back through GraphQL: each
    selected field equals the input (date-times as instants, ids and names verbatim, nulls
    null, families in order, the union's member by the chaser's and target's kind)."""
    examples = itertools.count(1)
    clients = make_client(db_url, seed_dir=None)
    client = next(clients)

    @settings(max_examples=EXAMPLES[backend], **COMMON)
    @given(valid_documents())
    def check(document: object) -> None:
        # Each example under ids of its own, so examples never update each other's rows.
        shift_ids(document, next(examples) * ID_SPACE)
        path = tmp_path / "valid.json"
        path.write_text(dumps(document), encoding="utf-8")
        ingest(db_url, path)
        index = merged(document)
        ids = [event["id"] for _, event in event_paths(document)]
        data = client.data(events_query(ids))
        for number, event_id in enumerate(ids):
            want = expected(index, ROOT, event_id, EVENT)
            got = served(data[f"e{number}"], EVENT)
            got["chaser"], got["target"] = (
                data[f"e{number}"]["chaser"],
                data[f"e{number}"]["target"],
            )
            assert got == want

    try:
        check()
    finally:
        clients.close()


def test_broken_documents_are_refused_at_their_path(
    db_url: str, backend: str, tmp_path: Path
) -> None:
    """Break a valid document at one JSON path (a wrong type, a missing required key, a bad
    or out-of-range date-time, a second chaser or target, a non-object where an object is
    required, NUL or a lone surrogate in a string): ingestion raises IngestError naming
    the file and that path (the parent object's path for a missing key or a second party),
    and the database, which holds the seed, is unchanged row for row."""
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)
    assert len(before["docking_event"]) == 7

    @settings(max_examples=EXAMPLES[backend], **COMMON)
    @given(broken_documents())
    def check(broken: Broken) -> None:
        path = tmp_path / "broken.json"
        path.write_text(dumps(broken.document), encoding="utf-8")
        with pytest.raises(IngestError) as caught:
            ingest(db_url, path)
        error = caught.value
        assert error.file == str(path), broken
        assert error.path == broken.path, (broken, error.message)
        assert str(error).startswith(f"{path}: {broken.path}: ")
        assert dump(db_url) == before, broken

    check()


def _first_key_of_each_kind() -> dict[type, tuple[str, str]]:
    """For each scalar type, the first (object path, key) of that type in the seed page."""
    found: dict[type, tuple[str, str]] = {}
    document = json.loads(SEED_PAGE.read_text())
    for table, path, obj in all_occurrences(document):
        shape = shapes()[table]
        for key in obj:
            kind = shape.id_type if key == "id" else shape.scalars.get(key, (None, None))[1]
            if kind is not None and obj[key] is not None:
                found.setdefault(kind, (path, key))
    return found


KEYS = _first_key_of_each_kind()
WRONG_CASES = [
    pytest.param(kind, value, id=f"{kind.__name__}-{value!r}"[:40])
    for kind, values in WRONG.items()
    if kind in KEYS
    for value in values
]


@pytest.mark.parametrize(("kind", "value"), WRONG_CASES)
def test_every_wrong_value_is_refused_at_its_path(
    db_url: str, tmp_path: Path, kind: type, value: object
) -> None:
    """The property's wrong values, each once, at the seed's first key of that type (the
    strategy samples them; this makes sure none is left out)."""
    path, key = KEYS[kind]
    document = json.loads(SEED_PAGE.read_text())
    (obj,) = [o for _, p, o in all_occurrences(document) if p == path]
    obj[key] = value
    bad = tmp_path / "bad.json"
    bad.write_text(dumps(document), encoding="utf-8")
    before = dump(db_url)
    with pytest.raises(IngestError) as caught:
        ingest(db_url, bad)
    assert (caught.value.file, caught.value.path) == (str(bad), f"{path}.{key}")
    assert dump(db_url) == before
