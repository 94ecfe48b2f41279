"""Which LL2 version a document is, how older versions map onto the model, and what kind
of LL2 object something is (to say so when it is not a docking event).

A version is read off an object's ``url`` (``https://ll.thespacedevs.com/2.1.0/...``).
Docking events of 2.0.0 to 2.2.0 (LL2's ``/docking_event/`` endpoint) differ from 2.3.0's
(``/docking_events/``) where the meaning is the same:

- ``flight_vehicle`` is the chaser spacecraft flight (``flight_vehicle_chaser``);
- ``launch_id`` (at the event) is that flight's launch;
- ``space_station`` (2.2.0 detailed mode) is the target station (``space_station_target``;
  2.2.0 filtered on ``space_station__id`` where 2.3.0 has ``space_station_target__id``);
- an agency's ``type`` is a string, the type's name (2.3.0: an object with id and name);
- ``spacecraft_config.image_url`` / ``space_station.image_url`` is the image's URL, without
  the image object (and its id) 2.3.0 serves: reported as not stored.

A 2.1.0 ``docking_location`` has no ``spacestation``: absent, so a stored one is kept.
Everything else that has no 2.3.0 meaning is reported like any unknown key.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

from gql_server.ingest.shape import ROOT, Shape, shapes

_VERSION = re.compile(r"/(2\.\d+\.\d+)/")
LEGACY_VERSIONS = frozenset({"2.0.0", "2.1.0", "2.2.0"})
CURRENT_VERSIONS = frozenset({"2.3.0", "2.4.0"})  # 2.4.0: the event shapes equal 2.3.0's


def version_of(obj: dict[str, Any]) -> str | None:
    """The LL2 version in an object's ``url``, if it has one."""
    url = obj.get("url")
    if type(url) is str:
        found = _VERSION.search(url)
        if found:
            return found.group(1)
    return None


# Keys of an older event that map onto a 2.3.0 reference: key -> (column, table).
LEGACY_EVENT_REFS = {
    "flight_vehicle": ("flight_vehicle_chaser_id", "spacecraft_flight"),
    "space_station": ("space_station_target_id", "space_station"),
}
LAUNCH_ID = "launch_id"  # an older event's key for its chaser flight's launch

# A reference an older version gives as the referenced row's name: (table, key) -> table.
NAMED_REFS = {("agency", "type"): "agency_type"}

# Keys with a known meaning that cannot be stored from what the document holds.
IMAGE_URL_ONLY = (
    "an image URL without its image object (LL2 2.3.0 serves the image with its id): "
    "a 2.3.0 ingest or sync of this object stores its image"
)
NOT_STORABLE = {
    ("spacecraft_config", "image_url"): IMAGE_URL_ONLY,
    ("space_station", "image_url"): IMAGE_URL_ONLY,
}


@cache
def legacy_event_shape() -> Shape:
    """The docking event shape with the older keys mapped (the 2.3.0 keys stay known)."""
    root = shapes()[ROOT]
    return replace(
        root,
        refs={**root.refs, **LEGACY_EVENT_REFS},
        known=root.known | set(LEGACY_EVENT_REFS) | {LAUNCH_ID},
    )


# --- what kind of object is this? -------------------------------------------------------

# Markers in an object's url, newest endpoint names first.
_URL_KINDS = (
    ("/docking_events/", "docking_event"),
    ("/docking_event/", "docking_event"),
    ("/space_stations/", "space_station"),
    ("/spacestation/", "space_station"),
    ("/spacecraft_flights/", "spacecraft_flight"),
    ("/spacecraft/flight/", "spacecraft_flight"),
)
_NOUNS = {
    "space_station": "a space station",
    "spacecraft_flight": "a spacecraft flight",
    "docking_location": "a docking location",
}
# Keys that tell each kind apart when there is no url to go by.
_TELLING = {
    "space_station": ("orbit", "status", "founded", "owners"),
    "spacecraft_flight": ("spacecraft", "destination", "mission_end", "launch"),
    "docking_location": ("spacestation", "spacecraft", "payload", "currently_docked"),
}
TAKES = (
    "ingest takes docking-event pages, lists or objects "
    "(and pages of LL2's /space_stations/ and /config/docking_locations/)"
)


def kind_of(obj: dict[str, Any]) -> str | None:
    """``docking_event``, ``space_station``, ``spacecraft_flight``, ``docking_location``,
    or None when it looks like none of them."""
    url = obj.get("url")
    if type(url) is str:
        for marker, kind in _URL_KINDS:
            if marker in url:
                return kind
    if "docking" in obj:
        return "docking_event"
    for kind in ("space_station", "spacecraft_flight", "docking_location"):
        if sum(key in obj for key in _TELLING[kind]) >= 2 or (
            kind == "docking_location" and any(key in obj for key in _TELLING[kind])
        ):
            return kind
    return None


def not_an_event(obj: dict[str, Any]) -> str | None:
    """Why ``obj`` is not a docking event, when it is recognisably something else."""
    kind = kind_of(obj)
    if kind is None or kind == "docking_event":
        return None
    url = obj.get("url")
    if type(url) is str and any(marker in url for marker, k in _URL_KINDS if k == kind):
        evidence = f"its url is {url}"
    else:
        evidence = "has " + ", ".join(f"`{key}`" for key in _TELLING[kind] if key in obj)
    return f"{_NOUNS[kind]} object ({evidence}) is not a docking event; {TAKES}"


def objects_page_table(document: Any) -> str | None:
    """The table of a page of stations or docking locations (``/space_stations/``,
    ``/config/docking_locations/``), or None for anything else."""
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        return None
    results = document["results"]
    if not results or not isinstance(results[0], dict):
        return None
    kind = kind_of(results[0])
    return kind if kind in ("space_station", "docking_location") else None
