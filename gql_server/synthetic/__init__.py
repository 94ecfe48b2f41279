"""Deterministic LL2-shaped synthetic docking data, of any size, for load tests.

``generate_events(count, seed)`` streams normal-mode docking events with the exact JSON
shape of LL2's ``/2.3.0/docking_events/`` (see ``seed/docking_events_page.json``);
``write_pages(folder, count, seed)`` writes them as LL2 page envelopes that
``python -m gql_server ingest`` (``gql_server.ingest.files.ingest_paths``) reads.

The world (agencies, images, stations, ports, configurations, spacecraft, landing sites)
is small and built once from the seed; flights, launches and landings are made as the
events need them, so memory stays flat whatever ``count`` is. Every object that occurs
more than once has the same JSON each time, and the same ``(count, seed)`` always gives
the same JSON.

The package: ``tables`` (reference data), ``world`` (the objects shared between events),
``stream`` (the events); this module writes them as LL2 pages.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gql_server.settings import LL2_PAGE_SIZE
from gql_server.synthetic.stream import Stream
from gql_server.synthetic.tables import API, Json

__all__ = ["generate_events", "write_pages"]


def generate_events(count: int, seed: int = 0) -> Iterator[Json]:
    """``count`` normal-mode LL2 docking events with ids 1..count, one at a time.

    Each event is a fresh dict (safe to modify); the same ``(count, seed)`` always
    yields the same JSON.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    for event in Stream(count, seed).events():
        yield _clone(event)


def write_pages(
    folder: Path, count: int, seed: int = 0, page_size: int = LL2_PAGE_SIZE
) -> list[Path]:
    """Write ``count`` events as LL2 page envelopes of ``page_size`` events into
    ``folder`` (``page-00001.json``, ...); returns the files in order."""
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, got {page_size}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pages = max(1, -(-count // page_size))
    width = max(5, len(str(pages)))
    paths: list[Path] = []
    stream = Stream(count, seed).events()  # shared sub-objects: fine, they go to JSON
    for number in range(pages):
        results = list(itertools.islice(stream, page_size))
        offset = number * page_size
        envelope = {
            "count": count,
            "next": _page_url(offset + page_size, page_size) if number + 1 < pages else None,
            "previous": _page_url(offset - page_size, page_size) if number > 0 else None,
            "results": results,
        }
        path = folder / f"page-{number + 1:0{width}d}.json"
        path.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def _page_url(offset: int, limit: int) -> str:
    query = f"format=json&limit={limit}" + (f"&offset={offset}" if offset else "")
    return f"{API}/docking_events/?{query}"


def _clone(value: Any) -> Any:
    """A deep copy of JSON data (much faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    return value
