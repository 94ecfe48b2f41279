"""Docking events as older LL2 versions served them, built from public material.

- 2.1.0: ``docking_event_2.1.0_sample.json`` (one real event, id 100, as a public iOS app
  embeds it: colbad2/LaunchList ``API/JSON/Samples.swift`` @0d5f9b15); further events are
  that one with other ids and names.
- 2.2.0: the shape of LL2's own browsable API pages
  (``https://ll.thespacedevs.com/2.2.0/docking_event/615/?format=api`` and the list at
  ``?offset=470``) and of a client generated from LL2's 2.2.0 OpenAPI description
  (``DockingEvent``/``DockingEventDetailed``: ``launch_id``, ``flight_vehicle``,
  ``docking_location`` {id, name, spacestation}; detailed adds ``space_station``
  {id, url, name, image_url}). Values are event 615's where the pages show them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from support.data import ROOT

# A copy of the shared reference file, unchanged.
SAMPLE_2_1_0 = ROOT / "tests" / "ingest" / "docking_event_2.1.0_sample.json"
LL2_210 = "https://ll.thespacedevs.com/2.1.0"
LL2_220 = "https://ll.thespacedevs.com/2.2.0"

Json = dict[str, Any]


def sample_210() -> Json:
    return json.loads(SAMPLE_2_1_0.read_text())


def event_210(
    event_id: int,
    *,
    flight_id: int,
    spacecraft_id: int,
    name: str,
    launch_id: str,
    docking: str,
    location: tuple[int, str] = (2, "Zvezda aft"),
) -> Json:
    """The real 2.1.0 event with other ids and names (same Soyuz configuration)."""
    event = sample_210()
    event.update(
        id=event_id,
        url=f"{LL2_210}/docking_event/{event_id}/",
        launch_id=launch_id,
        docking=docking,
        departure=None,
    )
    flight = event["flight_vehicle"]
    flight.update(id=flight_id, url=f"{LL2_210}/spacecraft/flight/{flight_id}/")
    spacecraft = flight["spacecraft"]
    spacecraft.update(id=spacecraft_id, url=f"{LL2_210}/spacecraft/{spacecraft_id}/", name=name)
    event["docking_location"] = {"id": location[0], "name": location[1]}
    return event


def page_210() -> Json:
    """Three 2.1.0 events: the real one, another Soyuz, and a vehicle whose agency's type
    name no stored agency type has."""
    progress = event_210(
        102,
        flight_id=222,
        spacecraft_id=79,
        name="Progress M-05M",
        launch_id="0e3f5b54-7d1c-4f0a-9a52-8f5c8f0c1a02",
        docking="2010-05-01T18:30:00Z",
        location=(5, "Pirs nadir"),
    )
    config = progress["flight_vehicle"]["spacecraft"]["spacecraft_config"]
    config.update(id=990, url=f"{LL2_210}/config/spacecraft/990/", name="Progress")
    config["agency"] = {
        "id": 990,
        "url": f"{LL2_210}/agencies/990/",
        "name": "Test Consortium",
        "type": "Multinational",
    }
    return {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [
            sample_210(),
            event_210(
                101,
                flight_id=221,
                spacecraft_id=78,
                name="Soyuz TMA-17",
                launch_id="2a1c8d9e-5b7f-4c3d-8e6a-1f2b3c4d5e6f",
                docking="2009-12-22T22:48:00Z",
            ),
            progress,
        ],
    }


def event_220() -> Json:
    """A 2.2.0 detailed-mode event (615: Tianzhou-8 at the Tiangong space station)."""
    return {
        "id": 615,
        "url": f"{LL2_220}/docking_event/615/",
        "launch_id": "1b411bfa-86b8-4b88-8f01-6e97ca4b90d7",
        "docking": "2024-11-15T18:32:00Z",
        "departure": None,
        "flight_vehicle": {
            "id": 864,
            "url": f"{LL2_220}/spacecraft/flight/864/",
            "destination": "Tiangong Space Station",
            "mission_end": None,
            "spacecraft": {
                "id": 602,
                "url": f"{LL2_220}/spacecraft/602/",
                "name": "Tianzhou-8",
                "serial_number": "8",
                "is_placeholder": False,
                "in_space": True,
                "time_in_space": "P139DT10H52M14S",
                "time_docked": "P139DT7H33M33S",
                "flights_count": 1,
                "mission_ends_count": 0,
                "status": {"id": 4, "name": "Single Use"},
                "description": "Eighth operational Tianzhou spacecraft",
                "spacecraft_config": {
                    "id": 25,
                    "url": f"{LL2_220}/config/spacecraft/25/",
                    "name": "Tianzhou",
                    "type": {"id": 4, "name": "Cargo Resupply"},
                },
            },
        },
        "docking_location": {
            "id": 41,
            "name": "Tianhe nadir",
            "spacestation": {
                "id": 18,
                "url": f"{LL2_220}/spacestation/18/",
                "name": "Tiangong space station",
            },
        },
        "space_station": {
            "id": 18,
            "url": f"{LL2_220}/spacestation/18/",
            "name": "Tiangong space station",
            "image_url": "https://example.invalid/tiangong.jpg",
        },
    }


def event_230_completing_100(seed_event: Json) -> Json:
    """Seed event 570 (a Soyuz at the ISS, 2.3.0 form) carrying the ids of the 2.1.0
    sample: what a 2.3.0 ingest or sync of event 100 brings."""
    event = copy.deepcopy(seed_event)
    sample = sample_210()
    event["id"] = 100
    event["url"] = "https://ll.thespacedevs.com/2.3.0/docking_events/100/"
    event["docking"], event["departure"] = sample["docking"], sample["departure"]
    event["docking_location"]["id"] = 2
    event["docking_location"]["name"] = "Zvezda aft"
    flight = event["flight_vehicle_chaser"]
    flight["id"] = 220
    flight["launch"]["id"] = sample["launch_id"]
    flight["spacecraft"]["id"] = 77
    flight["spacecraft"]["name"] = "Soyuz TMA-16"
    return event
