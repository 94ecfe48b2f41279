"""The synthetic event stream: docking events 1..count spread over 1998-2026, each made
with the flights, launches and landings it needs (the world model holds what is shared),
so memory stays flat whatever ``count`` is.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from gql_server.synthetic.tables import API, END, LANDING_TYPES, START, ConfigSpec, Json
from gql_server.synthetic.world import Station, World, duration, instant


class Stream:
    """The events of one ``(count, seed)``; ``events()`` yields them in id order."""

    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.world = World(random.Random(seed * 7919 + 1))
        self.flight_id = 0
        self.payload_flight_id = 0
        self.landing_id = 0

    def when(self, index: int) -> datetime:
        """Docking instants spread evenly over START..END in id order, with jitter."""
        span = (END - START).total_seconds()
        slot = (index - 1 + self.rng.uniform(0, 2.5)) / (self.count + 1.5)
        return START + timedelta(seconds=int(span * min(slot, 1.0)))

    def launch(self, name: str) -> Json:
        lid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return {"id": lid, "url": f"{API}/launches/{lid}/?format=api", "name": name}

    def landing(self, kind: str, what: str, success: bool = True) -> Json:
        rng = self.rng
        self.landing_id += 1
        lid = self.landing_id
        site = rng.choice(self.world.sites[kind])
        type_id = {"burn": 7, "runway": 3, "moon": 9}.get(kind, 4)
        name, abbrev, text = LANDING_TYPES[type_id]
        verb = "burned up on reentry" if type_id == 7 else f"landed at {site['name']}"
        return {
            "id": lid,
            "url": f"{API}/landings/{lid}/?format=api",
            "attempt": True,
            "success": success,
            "description": f"The {what} {verb}.",
            "downrange_distance": None,
            "landing_location": site,
            "type": {"id": type_id, "name": name, "abbrev": abbrev, "description": text},
        }

    def spacecraft_flight(
        self,
        docked: datetime,
        stays: list[timedelta],
        station: Station,
        spec: ConfigSpec,
        fleet: list[Json],
    ) -> tuple[Json, list[datetime | None]]:
        """A new flight and its departures (one per stay; null when after END)."""
        rng = self.rng
        self.flight_id += 1
        fid = self.flight_id
        spacecraft = rng.choice(fleet)
        launched = docked - timedelta(hours=rng.uniform(2.5, 60))
        departures: list[datetime | None] = []
        at = docked
        for stay in stays:
            left = at + stay
            departures.append(left if left <= END else None)
            at = left + timedelta(hours=rng.uniform(0.5, 3))
        last = departures[-1]
        ended = last + timedelta(hours=rng.uniform(3, 40)) if last is not None else None
        if ended is not None and ended > END:
            ended = None
        name = spacecraft["name"]
        mission = name.replace("Crew Dragon", "Crew").replace("Cargo Dragon", "CRS")
        flight = {
            "id": fid,
            "url": f"{API}/spacecraft_flights/{fid}/?format=api",
            "destination": "Tiangong Space Station"
            if station.json["id"] == 18
            else station.json["name"],
            "mission_end": instant(ended) if ended else None,
            "spacecraft": spacecraft,
            "launch": self.launch(f"{spec.rocket} | {mission}"),
            "landing": self.landing(spec.landing, f"{name} spacecraft", rng.random() < 0.98),
            "duration": duration((ended or END) - launched),
            "turn_around_time": duration(timedelta(days=rng.uniform(50, 700)))
            if spec.reusable and rng.random() < 0.7
            else None,
        }
        return flight, departures

    def payload_flight(self, payload: Json, destination: str, launch: Json, lands: bool) -> Json:
        self.payload_flight_id += 1
        pid = self.payload_flight_id
        return {
            "response_mode": "list",
            "id": pid,
            "url": f"{API}/payload_flights/{pid}/?format=api",
            "destination": destination,
            "amount": 1,
            "payload": payload,
            "launch": launch,
            "landing": self.landing("moon", payload["name"]) if lands else None,
        }

    def events(self) -> Iterator[Json]:
        """Events 1..count: spacecraft flights docking at stations (sometimes twice, a
        relocation), pairs of payload flights (sometimes docking again), and stations
        capturing a visiting vehicle with their arm."""
        rng = self.rng
        index = 0
        while index < self.count:
            roll = rng.random()
            docked = self.when(index + 1)
            year = docked.year + docked.timetuple().tm_yday / 366
            if roll < 0.81:
                built = self._visit(docked, year)
            elif roll < 0.96:
                built = self._payload_pair(docked)
            else:
                built = self._capture(docked, year)
            for parts in built:
                if index >= self.count:
                    break
                index += 1
                yield _event(index, **parts)

    def _visit(self, docked: datetime, year: float) -> list[Json]:
        rng = self.rng
        station = self.world.station_at(year, rng)
        spec, _config, fleet = self.world.config_at(year, station.bloc, rng)
        stays = [timedelta(days=rng.uniform(*spec.stay))]
        if rng.random() < 0.12 and len(station.ports) > 1:  # a relocation to another port
            stays = [stays[0] * rng.uniform(0.1, 0.5), stays[0] * rng.uniform(0.4, 0.8)]
        flight, departures = self.spacecraft_flight(docked, stays, station, spec, fleet)
        ports = rng.sample(station.ports, len(stays))
        parts = []
        at = docked
        for port, left in zip(ports, departures, strict=True):
            parts.append(
                {
                    "docking": at,
                    "departure": left,
                    "location": port,
                    "chaser": ("flight_vehicle_chaser", flight),
                    "target": ("space_station_target", station.json),
                }
            )
            if left is None:
                break
            at = left + timedelta(hours=rng.uniform(0.5, 3))
        return parts

    def _payload_pair(self, docked: datetime) -> list[Json]:
        rng = self.rng
        port = rng.choice(self.world.ports)
        name, _c, _t, _agency, destination = port.program
        launch = self.launch(
            f"{rng.choice(['PSLV-CA', 'Long March 5', 'Falcon 9 Block 5', 'Electron', 'H-IIA'])} | {name}"
        )
        lunar = destination == "Moon"
        chaser = self.payload_flight(
            rng.choice(self.world.chasers[name]), destination, launch, False
        )
        target = self.payload_flight(
            port.payload, destination, launch, lunar and rng.random() < 0.8
        )
        parts = []
        at = docked
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            stay = timedelta(hours=rng.uniform(0, 2000)) if rng.random() < 0.85 else timedelta(0)
            left = at + stay
            parts.append(
                {
                    "docking": at,
                    "departure": left if left <= END else None,
                    "location": port.location,
                    "chaser": ("payload_flight_chaser", chaser),
                    "target": ("payload_flight_target", target),
                }
            )
            if left > END:
                break
            at = left + timedelta(hours=rng.uniform(2, 300))
        return parts

    def _capture(self, docked: datetime, year: float) -> list[Json]:
        """A station berths a visiting vehicle with its robotic arm (station chaser)."""
        rng = self.rng
        station = self.world.station_at(year, rng, "intl")
        spec, _config, fleet = self.world.config_at(year, "intl", rng)
        stay = timedelta(days=rng.uniform(*spec.stay))
        flight, departures = self.spacecraft_flight(docked, [stay], station, spec, fleet)
        return [
            {
                "docking": docked,
                "departure": departures[0],
                "location": rng.choice(station.ports),
                "chaser": ("space_station_chaser", station.json),
                "target": ("flight_vehicle_target", flight),
            }
        ]


def _event(
    index: int,
    docking: datetime,
    departure: datetime | None,
    location: Json,
    chaser: tuple[str, Json],
    target: tuple[str, Json],
) -> Json:
    sides = {chaser[0]: chaser[1], target[0]: target[1]}
    return {
        "id": index,
        "url": f"{API}/docking_events/{index}/?format=api",
        "docking": instant(docking),
        "departure": instant(departure) if departure else None,
        "docking_location": location,
        "space_station_target": sides.get("space_station_target"),
        "flight_vehicle_target": sides.get("flight_vehicle_target"),
        "payload_flight_target": sides.get("payload_flight_target"),
        "response_mode": "normal",
        "flight_vehicle_chaser": sides.get("flight_vehicle_chaser"),
        "space_station_chaser": sides.get("space_station_chaser"),
        "payload_flight_chaser": sides.get("payload_flight_chaser"),
    }
