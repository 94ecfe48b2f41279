"""Hypothesis strategies for LL2 docking event documents, valid and broken, and a model of
what the gateway must serve back after ingesting a valid one.

Documents start from real events (the seed page, or ``gql_server.synthetic``), then vary
what LL2 may vary: ids, names (any Unicode but NUL and the search separator), nullable
fields set to null, docking/departure instants with any UTC offset, spacecraft
configuration families, and the kind of chaser and target. Every change is made per
object (table and id), so an object that recurs in a document stays the same object.

The shape of the JSON (which key is a nested object of which table) is read off
``gql_server.ingest.shape``, the same description ingestion uses.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from support.data import seed_events

from gql_server.ingest.shape import ROOT, Shape, shapes
from gql_server.search_terms import SEPARATOR
from gql_server.synthetic import generate_events

Json = dict[str, Any]

CHASERS = ("flight_vehicle_chaser", "payload_flight_chaser", "space_station_chaser")
TARGETS = ("flight_vehicle_target", "payload_flight_target", "space_station_target")
PARTY_TABLES = {
    "flight_vehicle": "spacecraft_flight",
    "payload_flight": "payload_flight",
    "space_station": "space_station",
}
ID_SPACE = 1_000_000  # ids drawn below this; tests shift each example into its own range

SOURCES: list[list[Json]] = [
    seed_events(),
    list(generate_events(30, 1)),
    list(generate_events(30, 7)),
]

# Any text a name may hold: every code point but NUL (refused), the search separator
# (removed from search documents) and lone surrogates (not text).
TEXT = st.text(
    st.characters(exclude_characters=["\x00", SEPARATOR], exclude_categories=["Cs"]),
    max_size=24,
)


# --- walking a document by its shape ----------------------------------------------------


def occurrences(obj: Any, table: str = ROOT, path: str = "$") -> Iterator[tuple[str, str, Json]]:
    """Every nested object of ``obj`` as (table, JSON path, object), in the order
    ``normalize`` records rows: children (refs, then lists) before their parent."""
    if not isinstance(obj, dict):
        return
    shape = shapes()[table]
    for key, (_column, target) in shape.refs.items():
        if isinstance(obj.get(key), dict):
            yield from occurrences(obj[key], target, f"{path}.{key}")
    for key, listed in shape.lists.items():
        if isinstance(obj.get(key), list):
            for index, item in enumerate(obj[key]):
                yield from occurrences(item, listed.child, f"{path}.{key}[{index}]")
    yield table, path, obj


def event_paths(document: Any) -> list[tuple[str, Any]]:
    """The events of a document with their JSON paths (the three LL2 document forms)."""
    if isinstance(document, dict) and "results" in document:
        return [(f"$.results[{i}]", e) for i, e in enumerate(document["results"])]
    if isinstance(document, list):
        return [(f"$[{i}]", e) for i, e in enumerate(document)]
    return [("$", document)]


def all_occurrences(document: Any) -> Iterator[tuple[str, str, Json]]:
    for path, event in event_paths(document):
        yield from occurrences(event, ROOT, path)


def merged(document: Any) -> dict[tuple[str, Any], Json]:
    """Each object of a document, merged over its occurrences as ingestion merges them
    (a key a later occurrence carries wins; a key no occurrence carries is absent)."""
    index: dict[tuple[str, Any], Json] = {}
    for table, _path, obj in all_occurrences(document):
        index.setdefault((table, obj["id"]), {}).update(obj)
    return index


def shift_ids(document: Any, offset: int) -> None:
    """Move every integer id by ``offset`` and every launch UUID to one derived from it, in
    place: the same document under ids no other example uses."""
    namespace = uuid.uuid5(uuid.NAMESPACE_OID, str(offset))
    for _table, _path, obj in list(all_occurrences(document)):
        if isinstance(obj["id"], int):
            obj["id"] += offset
        else:
            obj["id"] = str(uuid.uuid5(namespace, obj["id"]))


# --- valid documents --------------------------------------------------------------------

OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
INSTANTS = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=OFFSETS
)


def written(instant: datetime, style: str) -> str:
    """An ISO 8601 text of ``instant``: with its own offset, in UTC with ``Z``, or naive
    (which ingestion reads as UTC)."""
    if style == "offset":
        return instant.isoformat()
    utc = instant.astimezone(UTC)
    if style == "Z":
        return utc.isoformat().replace("+00:00", "Z")
    return utc.replace(tzinfo=None).isoformat()


STYLES = st.sampled_from(["offset", "Z", "naive"])


def fresh(value: Any) -> Any:
    """A deep copy that shares nothing (``copy.deepcopy`` keeps shared references)."""
    return json.loads(json.dumps(value))


def _pools(events: list[Json]) -> dict[str, dict[Any, Json]]:
    """Every object of the source by table and id (its last form wins, as when ingested)."""
    pools: dict[str, dict[Any, Json]] = {}
    for event in events:
        for table, _path, obj in occurrences(event):
            pools.setdefault(table, {})[obj["id"]] = obj
    return pools


@st.composite
def valid_documents(draw: st.DrawFn) -> Any:
    source = draw(st.sampled_from(SOURCES))
    pools = _pools(source)
    chosen = draw(
        st.lists(st.sampled_from(range(len(source))), min_size=1, max_size=5, unique=True)
    )
    events = [fresh(source[i]) for i in chosen]

    # Chaser and target kinds: any of the three, or none; the other two keys null or absent.
    for event in events:
        for keys in (CHASERS, TARGETS):
            kind = draw(st.sampled_from([None, *keys]))
            for key in keys:
                if key == kind:
                    table = PARTY_TABLES[key.rsplit("_", 1)[0]]
                    pool = pools.get(table)
                    if pool:
                        event[key] = fresh(
                            draw(st.sampled_from(sorted(pool.values(), key=lambda o: o["id"])))
                        )
                        continue
                if draw(st.booleans()):
                    event[key] = None
                else:
                    event.pop(key, None)

    # Families: each configuration gets any ordered choice of the source's families.
    families = sorted(pools.get("spacecraft_config_family", {}).values(), key=lambda o: o["id"])
    configs = sorted(
        {obj["id"] for e in events for t, _, obj in occurrences(e) if t == "spacecraft_config"}
    )
    new_families = {
        config: draw(st.lists(st.sampled_from(range(len(families))), max_size=3, unique=True))
        for config in configs
        if families and draw(st.booleans())
    }

    document_events = events
    for event in document_events:
        for table, _path, obj in list(occurrences(event)):
            if table == "spacecraft_config" and obj["id"] in new_families:
                obj["family"] = [fresh(families[i]) for i in new_families[obj["id"]]]

    found = [(t, o) for e in document_events for t, _, o in occurrences(e)]
    keys = sorted({(t, o["id"]) for t, o in found}, key=repr)

    # Per object: a new id, maybe a new name, maybe some nullable keys set to null.
    new_ids: dict[tuple[str, Any], Any] = {}
    for table in sorted({t for t, _ in keys}):
        olds = [k for k in keys if k[0] == table]
        if shapes()[table].id_type is int:
            values = draw(
                st.lists(
                    st.integers(1, ID_SPACE - 1),
                    min_size=len(olds),
                    max_size=len(olds),
                    unique=True,
                )
            )
        else:
            values = [
                str(u)
                for u in draw(
                    st.lists(st.uuids(), min_size=len(olds), max_size=len(olds), unique=True)
                )
            ]
        new_ids.update(zip(olds, values, strict=True))
    named = [
        k
        for k in keys
        if "name" in shapes()[k[0]].scalars
        and any(o["id"] == k[1] and "name" in o for t, o in found if t == k[0])
    ]
    new_names = {k: draw(TEXT) for k in named if draw(st.booleans())}
    nullable = sorted(
        {
            (t, o["id"], key)
            for t, o in found
            for key in o
            if key not in shapes()[t].required
            and key != "id"
            and (key in shapes()[t].scalars or key in shapes()[t].refs)
            and o[key] is not None
            and not (t == ROOT and key in CHASERS + TARGETS)
        },
        key=repr,
    )
    nulled = draw(st.sets(st.sampled_from(nullable), max_size=10)) if nullable else set()

    # Instants of each event, written with any offset (or none).
    for event in document_events:
        docking = draw(INSTANTS)
        event["docking"] = written(docking, draw(STYLES))
        stay = draw(
            st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4000))
        )
        if stay is None or stay > datetime(9999, 1, 1, tzinfo=UTC) - docking:
            event["departure"] = None
        else:
            event["departure"] = written(docking + stay, draw(STYLES))

    for table, obj in found:
        old = (table, obj["id"])
        for key in [key for (t, i, key) in nulled if (t, i) == old]:
            if key in obj:
                obj[key] = None
        if old in new_names and "name" in obj:
            obj["name"] = new_names[old]
        obj["id"] = new_ids[old]

    form = draw(
        st.sampled_from(
            ["envelope", "list", "object"] if len(document_events) == 1 else ["envelope", "list"]
        )
    )
    if form == "envelope":
        return {
            "count": len(document_events),
            "next": None,
            "previous": None,
            "results": document_events,
        }
    if form == "list":
        return document_events
    return document_events[0]


# --- what the API must serve back ----------------------------------------------------------

DT = "date-time"
LICENSE = {"id": None, "name": None, "priority": None, "link": None}
IMAGE = {
    "id": None,
    "name": None,
    "image_url": None,
    "thumbnail_url": None,
    "credit": None,
    "single_use": None,
    "license": LICENSE,
}
STATION = {"id": None, "url": None, "name": None, "image": IMAGE}
AGENCY = {"id": None, "name": None, "abbrev": None}
CONFIG = {
    "id": None,
    "url": None,
    "name": None,
    "in_use": None,
    "agency": AGENCY,
    "family": [{"id": None, "name": None}],
}
SPACECRAFT = {
    "id": None,
    "url": None,
    "name": None,
    "serial_number": None,
    "is_placeholder": None,
    "in_space": None,
    "time_in_space": None,
    "time_docked": None,
    "flights_count": None,
    "mission_ends_count": None,
    "description": None,
    "fastest_turnaround": None,
    "status": {"id": None, "name": None},
    "image": IMAGE,
    "spacecraft_config": CONFIG,
}
LAUNCH = {"id": None, "url": None, "name": None}
FLIGHT = {
    "id": None,
    "url": None,
    "destination": None,
    "mission_end": DT,
    "spacecraft": SPACECRAFT,
    "launch": LAUNCH,
    "landing": {"id": None, "url": None, "attempt": None, "success": None, "description": None},
}
PAYLOAD = {"id": None, "name": None}
PAYLOAD_FLIGHT = {
    "id": None,
    "url": None,
    "destination": None,
    "amount": None,
    "payload": PAYLOAD,
    "launch": LAUNCH,
}
EVENT: Json = {
    "id": None,
    "url": None,
    "docking": DT,
    "departure": DT,
    "docking_location": {
        "id": None,
        "name": None,
        "spacestation": STATION,
        "spacecraft": CONFIG,
        "payload": PAYLOAD,
    },
    "flight_vehicle_chaser": FLIGHT,
    "payload_flight_chaser": PAYLOAD_FLIGHT,
    "space_station_chaser": STATION,
    "flight_vehicle_target": FLIGHT,
    "payload_flight_target": PAYLOAD_FLIGHT,
    "space_station_target": STATION,
}


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def selection(spec: Json) -> str:
    parts = []
    for key, sub in spec.items():
        if isinstance(sub, dict):
            parts.append(f"{camel(key)} {{ {selection(sub)} }}")
        elif isinstance(sub, list):
            parts.append(f"{camel(key)} {{ {selection(sub[0])} }}")
        else:
            parts.append(camel(key))
    return " ".join(parts)


def events_query(ids: list[int]) -> str:
    """One request for the events ``ids`` (aliases ``e0``, ``e1``...), chaser and target
    through the union as well."""
    fields = " ".join(
        f"e{i}: dockingEvent(id: {event_id}) {{ ...E }}" for i, event_id in enumerate(ids)
    )
    return (
        f"query {{ {fields} }} fragment E on DockingEvent {{ {selection(EVENT)} "
        "chaser { __typename } target { __typename } }"
    )


def instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def expected(index: dict[tuple[str, Any], Json], table: str, obj_id: Any, spec: Json) -> Json:
    """What the API serves for object ``obj_id`` of ``table``: the merged JSON through the
    selection ``spec``, date-times as instants."""
    obj = index[(table, obj_id)]
    shape: Shape = shapes()[table]
    out: Json = {}
    for key, sub in spec.items():
        value = obj.get(key)
        if isinstance(sub, dict):
            target = shape.refs[key][1]
            out[camel(key)] = None if value is None else expected(index, target, value["id"], sub)
        elif isinstance(sub, list):
            child = shape.lists[key].child
            ids = list(dict.fromkeys(item["id"] for item in value or []))
            out[camel(key)] = [expected(index, child, i, sub[0]) for i in ids]
        elif sub == DT:
            out[camel(key)] = None if value is None else instant(value)
        elif key == "id" and shape.id_type is uuid.UUID:
            out[camel(key)] = str(uuid.UUID(value))
        else:
            out[camel(key)] = value
    if table == ROOT:
        for name, keys in (("chaser", CHASERS), ("target", TARGETS)):
            kind = [k for k in keys if obj.get(k) is not None]
            typename = {
                "flight": "SpacecraftFlight",
                "payload": "PayloadFlight",
                "space": "SpaceStation",
            }
            out[name] = {"__typename": typename[kind[0].split("_")[0]]} if kind else None
    return out


def served(data: Any, spec: Any) -> Any:
    """A GraphQL answer with its date-times parsed into instants (per ``spec``)."""
    if data is None:
        return None
    if isinstance(spec, list):
        return [served(item, spec[0]) for item in data]
    if isinstance(spec, dict):
        out = dict(data)
        for key, sub in spec.items():
            out[camel(key)] = served(data[camel(key)], sub)
        return out
    if spec == DT:
        return instant(data)
    return data


# --- broken documents ---------------------------------------------------------------------

WRONG: dict[type, list[Any]] = {
    int: ["7", 1.5, True, [], {}, 2**63, -(2**63) - 1, 2**31, -(2**31) - 1],
    float: ["1.5", True, [], {}, float("nan"), float("inf")],
    str: [7, True, [], {}, "NUL\x00inside", "lone \ud800 surrogate"],
    bool: ["true", 1, 0, [], {}],
    datetime: [
        7,
        [],
        "soon",
        "",
        "2024-13-01T00:00:00Z",
        "2024-02-30T10:00:00Z",
        "2024-01-01T25:00:00Z",
        "0001-01-01T00:30:00+01:00",
    ],
    date: [7, "2024-02-30", "soon", "2024-1-1x"],
    uuid.UUID: [7, "not-a-uuid", "12978b64-816d-4ab1-b15f"],
}
NOT_OBJECTS = [7, "x", [], True, 1.5]


@dataclass(frozen=True)
class Broken:
    document: Any
    path: str  # the JSON path ingestion must name
    what: str  # the mutation, for failure messages

    def __repr__(self) -> str:
        return f"Broken({self.what} at {self.path})"


def _sites(document: Any) -> list[tuple[str, Callable[[st.DrawFn], tuple[str, str]]]]:
    """Every place a valid document can be broken, each as (kind, mutate): ``mutate``
    changes the document in place and returns the path of the error and a description."""
    sites: list[tuple[str, Callable[[st.DrawFn], tuple[str, str]]]] = []
    events = event_paths(document)
    parties: dict[str, list[Json]] = {}
    for _, event in events:
        for table, _, obj in occurrences(event):
            if table in PARTY_TABLES.values():
                parties.setdefault(table, []).append(obj)

    for table, path, obj in all_occurrences(document):
        shape = shapes()[table]

        def wrong_scalar(
            draw: st.DrawFn, obj: Json = obj, path: str = path, shape: Shape = shape
        ) -> tuple[str, str]:
            keys = sorted(k for k in obj if k in shape.scalars or k == "id")
            key = draw(st.sampled_from(keys))
            kind = shape.id_type if key == "id" else shape.scalars[key][1]
            choices = list(WRONG[kind])
            if key in shape.required or key == "id":
                choices.append(None)
            obj[key] = draw(st.sampled_from(choices))
            return f"{path}.{key}", f"{key} = {obj[key]!r}"

        def missing(
            draw: st.DrawFn, obj: Json = obj, path: str = path, shape: Shape = shape
        ) -> tuple[str, str]:
            key = draw(st.sampled_from(sorted(shape.required | {"id"})))
            del obj[key]
            return path, f"without {key}"

        sites.append(("wrong type", wrong_scalar))
        sites.append(("missing key", missing))
        refs = [
            k for k in shape.refs if k in obj and (obj[k] is not None or k not in CHASERS + TARGETS)
        ]
        if refs:

            def not_object(
                draw: st.DrawFn, obj: Json = obj, path: str = path, refs: list[str] = refs
            ) -> tuple[str, str]:
                key = draw(st.sampled_from(refs))
                obj[key] = draw(st.sampled_from(NOT_OBJECTS))
                return f"{path}.{key}", f"{key} = {obj[key]!r}"

            sites.append(("not an object", not_object))
        lists = [k for k in shape.lists if k in obj]
        if lists:

            def bad_list(
                draw: st.DrawFn, obj: Json = obj, path: str = path, lists: list[str] = lists
            ) -> tuple[str, str]:
                key = draw(st.sampled_from(lists))
                items = obj[key]
                if items and draw(st.booleans()):
                    index = draw(st.integers(0, len(items) - 1))
                    items[index] = draw(st.sampled_from(NOT_OBJECTS))
                    return f"{path}.{key}[{index}]", f"{key}[{index}] = {items[index]!r}"
                obj[key] = draw(st.sampled_from([{}, "x", 7, True]))
                return f"{path}.{key}", f"{key} = {obj[key]!r}"

            sites.append(("not a list", bad_list))

    for index, (path, event) in enumerate(events):
        if path != "$":

            def not_event(draw: st.DrawFn, index: int = index, path: str = path) -> tuple[str, str]:
                value = draw(st.sampled_from([*NOT_OBJECTS, None]))
                if isinstance(document, dict):
                    document["results"][index] = value
                else:
                    document[index] = value
                return path, f"event = {value!r}"

            sites.append(("not an event", not_event))
        for keys in (CHASERS, TARGETS):
            present = [k for k in keys if event.get(k) is not None]
            others = [
                k
                for k in keys
                if k not in present and parties.get(PARTY_TABLES[k.rsplit("_", 1)[0]])
            ]
            if present and others:

                def two(
                    draw: st.DrawFn,
                    event: Json = event,
                    path: str = path,
                    others: list[str] = others,
                ) -> tuple[str, str]:
                    key = draw(st.sampled_from(others))
                    pool = parties[PARTY_TABLES[key.rsplit("_", 1)[0]]]
                    event[key] = fresh(draw(st.sampled_from(pool)))
                    return path, f"a second party in {key}"

                sites.append(("two parties", two))
    return sites


@st.composite
def broken_documents(draw: st.DrawFn) -> Broken:
    document = fresh(draw(valid_documents()))
    sites = _sites(document)
    kinds = sorted({kind for kind, _ in sites})
    kind = draw(st.sampled_from(kinds))
    _, mutate = draw(st.sampled_from([s for s in sites if s[0] == kind]))
    path, what = mutate(draw)
    return Broken(document, path, f"{kind}: {what}")


def dumps(document: Any) -> str:
    """JSON as a file holds it (NaN/Infinity as Python writes them, like some producers)."""
    return json.dumps(document, allow_nan=True)
