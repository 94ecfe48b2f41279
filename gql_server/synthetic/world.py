"""The synthetic world: everything shared between events (agencies, images, stations and
their ports, configurations and their spacecraft, landing sites, payloads and their ports),
a few hundred JSON objects built once from a seeded random generator and the tables of
``tables.py``; and LL2's date-time and duration forms.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gql_server.synthetic.tables import (
    AGENCIES,
    AGENCY_TYPES,
    API,
    BODIES,
    CONFIG_TYPES,
    CONFIGS,
    CREDITS,
    DIRECTIONS,
    EXTRA_STATIONS,
    FAMILIES,
    LANDING_SITES,
    LICENSES,
    LOCATIONS,
    MEDIA,
    PAYLOAD_PROGRAMS,
    PAYLOAD_TYPES,
    SHIPS,
    STATIONS,
    STATUSES,
    ConfigSpec,
    Json,
)


def instant(value: datetime) -> str:
    """LL2's date-time form: UTC, whole seconds, a ``Z`` suffix."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def duration(delta: timedelta) -> str:
    """An ISO 8601 duration the way LL2 writes one (``P192DT4H25M27S``)."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"P{days}DT{hours}H{minutes}M{secs}S"


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:15]


@dataclass
class Station:
    json: Json
    bloc: str
    years: tuple[float, float]
    weight: float
    ports: list[Json] = field(default_factory=list)


@dataclass
class PayloadPort:
    payload: Json
    program: tuple[str, int, int, int, str]
    location: Json


class World:
    """Agencies, images, stations, ports, configurations, spacecraft, landing sites and
    payloads: a few hundred objects, built once from ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._image_id = 3000
        self.licenses = [
            {"id": i, "name": n, "priority": p, "link": link} for i, n, p, link in LICENSES
        ]
        self.agencies = {
            aid: {
                "response_mode": "list",
                "id": aid,
                "url": f"{API}/agencies/{aid}/?format=api",
                "name": name,
                "abbrev": abbrev,
                "type": {"id": tid, "name": AGENCY_TYPES[tid]},
            }
            for aid, name, abbrev, tid in AGENCIES
        }
        self._stations()
        self._configs()
        self._landing_sites()
        self._payloads()

    def image(self, subject: str) -> Json:
        rng = self.rng
        self._image_id += 1
        stamp = f"{rng.randrange(2019, 2026)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        stamp += f"{rng.randrange(0, 24):02d}{rng.randrange(0, 60):02d}{rng.randrange(0, 60):02d}"
        ext = rng.choice(["jpeg", "jpg", "png"])
        return {
            "id": self._image_id,
            "name": subject if rng.random() < 0.5 else f"[AUTO] {subject} - image",
            "image_url": f"{MEDIA}/{_slug(subject)}_image_{stamp}.{ext}",
            "thumbnail_url": f"{MEDIA}/{_slug(subject)}_image_thumbnail_{stamp}.{ext}",
            "credit": rng.choice(CREDITS),
            "license": rng.choice(self.licenses),
            "single_use": rng.random() < 0.6,
            "variants": [],
        }

    def _stations(self) -> None:
        rng = self.rng
        specs = list(STATIONS)
        for index, name in enumerate(EXTRA_STATIONS):
            first = rng.uniform(1999, 2024)
            bloc = "cn" if "Tiangong" in name else "intl"
            ports = [f"{name.split()[0]} {d}" for d in rng.sample(DIRECTIONS, rng.randint(2, 3))]
            specs.append((40 + index, name, bloc, first, first + rng.uniform(2, 12), 0.4, ports))
        self.stations: list[Station] = []
        self.locations: list[Json] = []
        for sid, name, bloc, first, last, weight, ports in specs:
            mini = {
                "id": sid,
                "url": f"{API}/space_stations/{sid}/?format=api",
                "name": name,
                "image": self.image(name),
            }
            station = Station(mini, bloc, (first, last), weight)
            for port in ports:
                location = {
                    "id": len(self.locations) + 1,
                    "name": port,
                    "spacestation": mini,
                    "spacecraft": None,
                    "payload": None,
                }
                self.locations.append(location)
                station.ports.append(location)
            self.stations.append(station)

    def _configs(self) -> None:
        families: dict[int, Json] = {}
        for fid, name, description, maker, parent, maiden in FAMILIES:
            families[fid] = {
                "response_mode": "normal",
                "id": fid,
                "name": name,
                "description": description,
                "manufacturer": self.agencies[maker],
                "parent": None
                if parent is None
                else {"response_mode": "list", "id": parent, "name": families[parent]["name"]},
                "maiden_flight": maiden,
            }
        self.configs: list[tuple[ConfigSpec, Json, list[Json]]] = []
        spacecraft_id = 0
        for spec in CONFIGS:
            config = {
                "response_mode": "normal",
                "id": spec.id,
                "url": f"{API}/spacecraft_configurations/{spec.id}/?format=api",
                "name": spec.name,
                "type": {"id": spec.type_id, "name": CONFIG_TYPES[spec.type_id]},
                "agency": self.agencies[spec.agency],
                "family": [families[f] for f in spec.families],
                "in_use": spec.in_use,
                "image": self.image(spec.name),
            }
            fleet = []
            ships = SHIPS.get(spec.name, [])
            for n in range(1, spec.fleet + 1):
                spacecraft_id += 1
                name = spec.pattern.format(
                    n=n + (5 if spec.reusable else 0),
                    ship=ships[(n - 1) % len(ships)] if ships else "",
                )
                fleet.append(self._spacecraft(spacecraft_id, name, spec, config))
            self.configs.append((spec, config, fleet))

    def _spacecraft(self, sid: int, name: str, spec: ConfigSpec, config: Json) -> Json:
        rng = self.rng
        flights = rng.randint(1, 9) if spec.reusable else 1
        days_in_space = rng.uniform(*spec.stay) * flights
        status = rng.choice([1, 1, 1, 2, 3]) if spec.reusable else 4
        return {
            "response_mode": "normal",
            "id": sid,
            "url": f"{API}/spacecraft/{sid}/?format=api",
            "name": name,
            "serial_number": name.split()[-1] if spec.reusable else rng.choice([None, str(sid)]),
            "is_placeholder": rng.random() < 0.02,
            "image": config["image"] if rng.random() < 0.7 else self.image(name),
            "in_space": rng.random() < 0.08,
            "time_in_space": duration(timedelta(days=days_in_space)),
            "time_docked": duration(timedelta(days=days_in_space * 0.97)),
            "flights_count": flights,
            "mission_ends_count": flights,
            "status": {"id": status, "name": STATUSES[status]},
            "description": f"{name} is a {spec.name} spacecraft flying to "
            f"{'Chinese' if spec.bloc == 'cn' else 'international'} space stations.",
            "spacecraft_config": config,
            "fastest_turnaround": duration(timedelta(days=rng.uniform(60, 400)))
            if spec.reusable and flights > 1
            else None,
        }

    def _landing_sites(self) -> None:
        rng = self.rng
        bodies = {}
        for name, (bid, kind, diameter, mass, gravity, day, air, text) in BODIES.items():
            bodies[name] = {
                "response_mode": "normal",
                "id": bid,
                "name": name,
                "type": {"id": bid, "name": kind},
                "diameter": diameter,
                "mass": mass,
                "gravity": gravity,
                "length_of_day": day,
                "atmosphere": air,
                "image": self.image(name),
                "description": text,
                "wiki_url": f"https://en.wikipedia.org/wiki/{name}",
            }
        locations = []
        for index, (name, zone, lat, lon) in enumerate(LOCATIONS):
            lid = 170 + index
            locations.append(
                {
                    "response_mode": "normal",
                    "id": lid,
                    "url": f"{API}/locations/{lid}/?format=api",
                    "name": name,
                    "active": rng.random() < 0.7,
                    "country": None,
                    "description": f"{name}: a place where spacecraft launch or land.",
                    "image": self.image(name),
                    "map_image": f"{MEDIA.replace('/images', '/map_images')}/location_{_slug(name)}.jpg",
                    "longitude": lon,
                    "latitude": lat,
                    "timezone_name": zone,
                    "total_launch_count": rng.randint(0, 500),
                    "total_landing_count": rng.randint(0, 100),
                }
            )
        self.sites: dict[str, list[Json]] = {}
        for index, (name, abbrev, text, kind, body, where, coords) in enumerate(LANDING_SITES):
            attempted = rng.randint(1, 150)
            failed = rng.randint(0, 2) if attempted > 3 else 0
            location = locations[where] if where is not None else None
            self.sites.setdefault(kind, []).append(
                {
                    "id": 20 + index,
                    "name": name,
                    "active": rng.random() < 0.8,
                    "abbrev": abbrev,
                    "description": text,
                    "location": location,
                    "longitude": (
                        location["longitude"] if location else round(rng.uniform(-170, 170), 4)
                    )
                    if coords
                    else None,
                    "latitude": (
                        location["latitude"] if location else round(rng.uniform(-60, 60), 4)
                    )
                    if coords
                    else None,
                    "image": self.image(f"{name} landing"),
                    "successful_landings": attempted - failed,
                    "attempted_landings": attempted,
                    "failed_landings": failed,
                    "celestial_body": bodies[body],
                }
            )

    def _payloads(self) -> None:
        """About two hundred payloads: per program a dozen chasers and a couple of
        targets, each target with its own docking port."""
        rng = self.rng
        self.chasers: dict[str, list[Json]] = {}
        self.ports: list[PayloadPort] = []
        payload_id = 0

        def payload(name: str, type_id: int, agency: int, image: Json) -> Json:
            nonlocal payload_id
            payload_id += 1
            return {
                "response_mode": "list",
                "id": payload_id,
                "name": name,
                "type": {"id": type_id, "name": PAYLOAD_TYPES[type_id]},
                "manufacturer": self.agencies[
                    rng.choice([agency, agency, rng.choice(AGENCIES)[0]])
                ],
                "operator": self.agencies[agency],
                "image": image,
            }

        for program in PAYLOAD_PROGRAMS:
            name, chaser_type, target_type, agency, _destination = program
            image = self.image(f"{name} spacecraft")
            chasers = []
            for n in range(1, 16):
                label = "Ascender" if chaser_type == 8 else "Chaser"
                chasers.append(payload(f"{name} {label} {n}", chaser_type, agency, image))
            self.chasers[name] = chasers
            for n in range(1, rng.randint(1, 2) + 1):
                target = payload(
                    f"{name} Target {n}", target_type, agency, self.image(f"{name} target")
                )
                location = {
                    "id": len(self.locations) + 1,
                    "name": target["name"],
                    "spacestation": None,
                    "spacecraft": None,
                    "payload": target,
                }
                self.locations.append(location)
                self.ports.append(PayloadPort(target, program, location))

    def station_at(self, when: float, rng: random.Random, bloc: str | None = None) -> Station:
        live = [
            s
            for s in self.stations
            if s.years[0] <= when <= s.years[1] and (bloc is None or s.bloc == bloc)
        ]
        if not live:
            live = [s for s in self.stations if bloc is None or s.bloc == bloc]
        return rng.choices(live, weights=[s.weight for s in live])[0]

    def config_at(
        self, when: float, bloc: str, rng: random.Random
    ) -> tuple[ConfigSpec, Json, list[Json]]:
        live = [
            c for c in self.configs if c[0].bloc == bloc and c[0].years[0] <= when <= c[0].years[1]
        ]
        if not live:
            live = [c for c in self.configs if c[0].bloc == bloc]
        return rng.choice(live)
