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
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

API = "https://lldev.thespacedevs.com/2.3.0"
MEDIA = "https://thespacedevs-prod.nyc3.digitaloceanspaces.com/media/images"
START = datetime(1998, 11, 20, tzinfo=UTC)  # the first ISS module
END = datetime(2026, 6, 30, tzinfo=UTC)  # "now": later departures are still unknown (null)

Json = dict[str, Any]

# --- reference data -------------------------------------------------------------------

LICENSES = [
    (1, "Unknown", 9, None),
    (
        4,
        "NASA Image and Media Guidelines",
        0,
        "https://www.nasa.gov/nasa-brand-center/images-and-media/",
    ),
    (20, "CC BY-SA 4.0", 6, "https://creativecommons.org/licenses/by-sa/4.0/"),
    (25, "CC0 1.0", 3, "https://creativecommons.org/publicdomain/zero/1.0/deed.en"),
    (
        11,
        "Government Open Data License - India (GODL)",
        3,
        "https://data.gov.in/sites/default/files/Gazette_Notification_OGDL.pdf",
    ),
    (2, "CC BY 2.0", 5, "https://creativecommons.org/licenses/by/2.0/"),
    (7, "ESA Standard License", 4, "https://www.esa.int/ESA_Multimedia/Terms_and_conditions"),
    (9, "JAXA Image Use Policy", 4, "https://global.jaxa.jp/policy.html"),
]
CREDITS = [None, None, None, "NASA", "SpaceX", "Roscosmos", "CNSA", "ESA", "JAXA", "ISRO"]

AGENCY_TYPES = {
    1: "Government",
    2: "Multinational",
    3: "Commercial",
    4: "Educational",
    5: "Private",
}
# (id, name, abbrev, type id)
AGENCIES = [
    (44, "National Aeronautics and Space Administration", "NASA", 1),
    (121, "SpaceX", "SpX", 3),
    (63, "Russian Federal Space Agency (ROSCOSMOS)", "RFSA", 1),
    (17, "China National Space Administration", "CNSA", 1),
    (27, "European Space Agency", "ESA", 2),
    (37, "Japan Aerospace Exploration Agency", "JAXA", 1),
    (31, "Indian Space Research Organization", "ISRO", 1),
    (88, "China Aerospace Science and Technology Corporation", "CASC", 1),
    (1000, "Energia", "OKB-1", 1),
    (257, "Northrop Grumman Space Systems", "NGSS", 3),
    (80, "Boeing", "BA", 3),
    (1046, "Sierra Space", "SS", 3),
    (1016, "Axiom Space", "AX", 3),
    (98, "Mitsubishi Heavy Industries", "MHI", 3),
    (1024, "Airbus Defence and Space", "ADS", 3),
    (1020, "Thales Alenia Space", "TAS", 3),
    (141, "Blue Origin", "BO", 3),
    (147, "Rocket Lab", "RL", 3),
    (1030, "Vast", "VAST", 3),
    (1031, "Voyager Space", "VS", 3),
    (1032, "Starlab Space", "SLS", 3),
    (66, "Soviet Space Program", "CCCP", 1),
    (16, "Canadian Space Agency", "CSA", 1),
    (34, "Italian Space Agency", "ASI", 1),
    (1033, "Northrop Grumman Innovation Systems", "NGIS", 3),
    (1034, "SpaceLogistics", "SL", 3),
    (1035, "Astroscale", "AS", 3),
    (1036, "ClearSpace", "CS", 3),
    (1037, "Chinese Academy of Sciences", "CAS", 1),
    (1038, "Korea Aerospace Research Institute", "KARI", 1),
    (1039, "United Arab Emirates Space Agency", "UAESA", 1),
    (1040, "Momentus", "MNTS", 3),
    (1041, "Impulse Space", "IS", 3),
    (1042, "D-Orbit", "DO", 3),
    (1043, "Starfish Space", "SFS", 3),
    (1044, "Massachusetts Institute of Technology", "MIT", 4),
    (1045, "Surrey Space Centre", "SSC", 4),
    (1047, "Gravitics", "GRV", 5),
    (1048, "Max Space", "MXS", 5),
    (1049, "Orbital Assembly Corporation", "OAC", 5),
]

# (id, name, bloc, first year, last year, weight, ports)
STATIONS = [
    (
        4,
        "International Space Station",
        "intl",
        1998.9,
        2031,
        60.0,
        [
            "Harmony forward",
            "Harmony zenith",
            "Harmony nadir",
            "Unity nadir",
            "Poisk zenith",
            "Rassvet nadir",
            "Prichal nadir",
            "Zvezda aft",
            "Nauka nadir",
            "Pirs nadir",
            "Zarya nadir",
            "Destiny forward",
        ],
    ),
    (
        18,
        "Tiangong space station",
        "cn",
        2021.3,
        2036,
        22.0,
        ["Tianhe forward", "Tianhe nadir", "Tianhe aft", "Tianhe zenith"],
    ),
    (
        2,
        "Mir",
        "intl",
        1986.1,
        2001.2,
        4.0,
        ["Kvant-1 aft", "Mir forward", "Kristall axial", "Mir aft"],
    ),
    (8, "Tiangong-1", "cn", 2011.7, 2016.2, 1.5, ["Tiangong-1 forward"]),
    (9, "Tiangong-2", "cn", 2016.7, 2019.5, 1.5, ["Tiangong-2 forward", "Tiangong-2 aft"]),
]
EXTRA_STATIONS = [
    "Axiom Station",
    "Starlab",
    "Orbital Reef",
    "Haven-1",
    "Lunar Gateway",
    "Bharatiya Antariksh Station",
    "Russian Orbital Station",
    "Haven-2",
    "Voyager Station",
    "Pioneer Station",
    "Aurora Station",
    "Vast Station 3",
    "Skylab II",
    "Freedom Station",
    "Columbus Free Flyer",
    "Mir-2",
    "Tiangong Lunar Outpost",
    "Gravitics Outpost",
    "Max Space Habitat",
    "Orbital Assembly Voyager",
    "Kibo Free Flyer",
    "Nautilus Station",
    "Polaris Station",
    "Astra Station",
    "Meridian Station",
]
DIRECTIONS = ["forward", "aft", "zenith", "nadir", "port", "starboard"]

CONFIG_TYPES = {2: "Capsule", 4: "Cargo Resupply", 5: "Spaceplane"}
STATUSES = {1: "Active", 2: "Retired", 3: "Destroyed", 4: "Single Use"}
# (id, name, description, manufacturer agency id, parent family id, maiden flight)
FAMILIES = [
    (
        6,
        "Dragon",
        "Dragon is a family of spacecraft developed and produced by American private space transportation company SpaceX.",
        121,
        None,
        "2010-12-08",
    ),
    (
        7,
        "Dragon 2",
        "Dragon 2 is a family of spacecraft developed and produced by American private space transportation company SpaceX. It was redesigned for human spaceflight, and is capable of docking to the ISS.",
        121,
        6,
        "2019-03-02",
    ),
    (
        1,
        "Soyuz",
        "Soyuz is a series of spacecraft which has been in service since the 1960s, having made more than 140 flights. It was designed for the Soviet space program by the Korolev Design Bureau (now Energia).",
        1000,
        None,
        "1966-11-28",
    ),
    (
        2,
        "Progress",
        "The Progress is a Russian expendable cargo spacecraft. Its purpose is to deliver the supplies needed to sustain a human presence in orbit.",
        1000,
        None,
        "1978-01-20",
    ),
    (
        10,
        "Tianzhou",
        "Tianzhou is a Chinese automated cargo spacecraft developed from the Tiangong-1 laboratory.",
        88,
        None,
        "2017-04-20",
    ),
    (
        11,
        "Cygnus",
        "Cygnus is an expendable American cargo spacecraft developed for ISS resupply missions.",
        257,
        None,
        "2013-09-18",
    ),
    (
        12,
        "HTV",
        "The H-II Transfer Vehicle is an expendable automated cargo spacecraft used to resupply the ISS.",
        98,
        None,
        "2009-09-10",
    ),
    (16, "HTV-X", "HTV-X is the successor of the H-II Transfer Vehicle.", 37, 12, "2025-10-26"),
    (
        13,
        "ATV",
        "The Automated Transfer Vehicle was an expendable cargo spacecraft developed by ESA.",
        1024,
        None,
        "2008-03-09",
    ),
    (
        14,
        "Space Shuttle",
        "The Space Shuttle was a partially reusable low Earth orbital spacecraft system operated by NASA.",
        44,
        None,
        "1981-04-12",
    ),
    (
        15,
        "CST-100",
        "The CST-100 Starliner is a crew capsule built by Boeing.",
        80,
        None,
        "2019-12-20",
    ),
]


# name, type, agency, families, in use, bloc, years, reusable, spacecraft names ({n}),
# how many spacecraft, stay in days (min, max), rocket, landing site kind
@dataclass(frozen=True)
class ConfigSpec:
    id: int
    name: str
    type_id: int
    agency: int
    families: tuple[int, ...]
    in_use: bool
    bloc: str
    years: tuple[float, float]
    reusable: bool
    pattern: str
    fleet: int
    stay: tuple[int, int]
    rocket: str
    landing: str


CONFIGS = [
    ConfigSpec(
        6,
        "Crew Dragon 2",
        2,
        121,
        (6, 7),
        True,
        "intl",
        (2020.4, 2031),
        True,
        "Crew Dragon {ship} C2{n:02d}",
        6,
        (120, 210),
        "Falcon 9 Block 5",
        "splash",
    ),
    ConfigSpec(
        7,
        "Cargo Dragon 2",
        2,
        121,
        (6, 7),
        True,
        "intl",
        (2020.9, 2031),
        True,
        "Cargo Dragon C2{n:02d}",
        4,
        (25, 45),
        "Falcon 9 Block 5",
        "splash",
    ),
    ConfigSpec(
        9,
        "Dragon 1",
        4,
        121,
        (6,),
        False,
        "intl",
        (2012.4, 2020.3),
        True,
        "Dragon C1{n:02d}",
        12,
        (25, 40),
        "Falcon 9",
        "splash",
    ),
    ConfigSpec(
        38,
        "Soyuz MS",
        2,
        63,
        (1,),
        True,
        "intl",
        (2016.5, 2031),
        False,
        "Soyuz MS-{n:02d}",
        28,
        (150, 370),
        "Soyuz 2.1a",
        "kazakh",
    ),
    ConfigSpec(
        39,
        "Soyuz TMA-M",
        2,
        63,
        (1,),
        False,
        "intl",
        (2010.8, 2016.5),
        False,
        "Soyuz TMA-{n:02d}M",
        20,
        (150, 200),
        "Soyuz-FG",
        "kazakh",
    ),
    ConfigSpec(
        40,
        "Soyuz TMA",
        2,
        63,
        (1,),
        False,
        "intl",
        (2002.8, 2011.9),
        False,
        "Soyuz TMA-{n}",
        22,
        (150, 200),
        "Soyuz-FG",
        "kazakh",
    ),
    ConfigSpec(
        41,
        "Soyuz TM",
        2,
        63,
        (1,),
        False,
        "intl",
        (1998.9, 2002.9),
        False,
        "Soyuz TM-{n}",
        10,
        (100, 200),
        "Soyuz-U",
        "kazakh",
    ),
    ConfigSpec(
        33,
        "Progress-MS",
        4,
        63,
        (2,),
        True,
        "intl",
        (2015.9, 2031),
        False,
        "Progress MS-{n:02d}",
        30,
        (90, 370),
        "Soyuz 2.1a",
        "burn",
    ),
    ConfigSpec(
        34,
        "Progress M-M",
        4,
        63,
        (2,),
        False,
        "intl",
        (2008.9, 2015.9),
        False,
        "Progress M-{n:02d}M",
        29,
        (60, 200),
        "Soyuz-U",
        "burn",
    ),
    ConfigSpec(
        35,
        "Progress M",
        4,
        63,
        (2,),
        False,
        "intl",
        (1998.9, 2009.5),
        False,
        "Progress M-{n}",
        25,
        (60, 200),
        "Soyuz-U",
        "burn",
    ),
    ConfigSpec(
        2,
        "Shenzhou",
        2,
        17,
        (),
        True,
        "cn",
        (2011.8, 2036),
        False,
        "Shenzhou {n}",
        22,
        (30, 190),
        "Long March 2F/G",
        "china",
    ),
    ConfigSpec(
        20,
        "Tianzhou",
        4,
        17,
        (10,),
        True,
        "cn",
        (2017.3, 2036),
        False,
        "Tianzhou {n}",
        14,
        (150, 370),
        "Long March 7",
        "burn",
    ),
    ConfigSpec(
        21,
        "Cygnus",
        4,
        257,
        (11,),
        True,
        "intl",
        (2013.7, 2031),
        False,
        "Cygnus NG-{n}",
        24,
        (40, 100),
        "Antares 230+",
        "burn",
    ),
    ConfigSpec(
        22,
        "Cygnus XL",
        4,
        257,
        (11,),
        True,
        "intl",
        (2025.5, 2031),
        False,
        "Cygnus XL-{n}",
        4,
        (60, 120),
        "Falcon 9 Block 5",
        "burn",
    ),
    ConfigSpec(
        23,
        "H-II Transfer Vehicle",
        4,
        37,
        (12,),
        False,
        "intl",
        (2009.7, 2020.4),
        False,
        "HTV-{n}",
        9,
        (30, 60),
        "H-IIB",
        "burn",
    ),
    ConfigSpec(
        24,
        "HTV-X",
        4,
        37,
        (16,),
        True,
        "intl",
        (2025.8, 2031),
        False,
        "HTV-X{n}",
        4,
        (90, 180),
        "H3-24W",
        "burn",
    ),
    ConfigSpec(
        25,
        "Automated Transfer Vehicle",
        4,
        27,
        (13,),
        False,
        "intl",
        (2008.2, 2015.1),
        False,
        "ATV-{n}",
        5,
        (120, 190),
        "Ariane 5 ES",
        "burn",
    ),
    ConfigSpec(
        1,
        "Space Shuttle",
        5,
        44,
        (14,),
        False,
        "intl",
        (1998.9, 2011.6),
        True,
        "Space Shuttle {ship}",
        4,
        (6, 14),
        "Space Shuttle",
        "runway",
    ),
    ConfigSpec(
        26,
        "CST-100 Starliner",
        2,
        80,
        (15,),
        True,
        "intl",
        (2019.9, 2031),
        True,
        "Starliner {ship}",
        2,
        (7, 95),
        "Atlas V N22",
        "desert",
    ),
    ConfigSpec(
        27,
        "Dream Chaser",
        5,
        1046,
        (),
        True,
        "intl",
        (2025.9, 2031),
        True,
        "Dream Chaser {ship}",
        2,
        (30, 75),
        "Vulcan VC4L",
        "runway",
    ),
]
SHIPS = {
    "Crew Dragon 2": ["Endeavour", "Resilience", "Endurance", "Freedom", "Grace", "Fortune"],
    "Space Shuttle": ["Atlantis", "Discovery", "Endeavour", "Columbia"],
    "CST-100 Starliner": ["Calypso", "Spacecraft 2"],
    "Dream Chaser": ["Tenacity", "Reverence"],
}

LANDING_TYPES = {
    4: ("Parachute Landing", "PCL", "Unpowered landing using parachute(s)."),
    9: ("Vertical Landing", "VL", "Vertical landing using engines"),
    7: ("Destructive Reentry", "DR", "The vehicle burns up in the atmosphere."),
    3: ("Horizontal Landing", "HL", "Landing on a runway."),
}
# (name, abbrev, description, landing kind, body, location index or None, has coordinates)
LANDING_SITES = [
    (
        "Kazakhstan",
        "KZ",
        "Steppe of Kazakhstan, southeast of Dzhezkazgan.",
        "kazakh",
        "Earth",
        2,
        True,
    ),
    (
        "Kazakhstan (ballistic)",
        "KZB",
        "Ballistic reentry zone in Kazakhstan.",
        "kazakh",
        "Earth",
        None,
        False,
    ),
    (
        "Pacific Ocean",
        "PO",
        "Splashdown off the coast of California.",
        "splash",
        "Earth",
        None,
        False,
    ),
    ("Gulf of Mexico", "GOM", "Splashdown in the Gulf of Mexico.", "splash", "Earth", None, False),
    ("Atlantic Ocean", "AO", "Splashdown off the coast of Florida.", "splash", "Earth", None, True),
    (
        "Dongfeng Landing Site",
        "DLS",
        "Dongfeng landing site in the Gobi Desert, North China's Inner Mongolia Autonomous Region.",
        "china",
        "Earth",
        3,
        False,
    ),
    (
        "Siziwang Banner",
        "SWB",
        "Landing zone in Inner Mongolia used by early Shenzhou missions.",
        "china",
        "Earth",
        None,
        True,
    ),
    ("Unknown", "UNK", "Destructive reentry over the ocean.", "burn", "Earth", None, False),
    (
        "South Pacific Ocean Uninhabited Area",
        "SPOUA",
        "Where spacecraft are sent to burn up.",
        "burn",
        "Earth",
        None,
        True,
    ),
    (
        "Shuttle Landing Facility",
        "SLF",
        "Runway 15/33 at the Kennedy Space Center.",
        "runway",
        "Earth",
        0,
        True,
    ),
    ("Edwards Air Force Base", "EAFB", "Runway 22 on Rogers Dry Lake.", "runway", "Earth", 1, True),
    (
        "White Sands Space Harbor",
        "WSSH",
        "Landing zone in New Mexico used by Starliner.",
        "desert",
        "Earth",
        4,
        True,
    ),
    (
        "Chang\u2019e 6 landing site",
        "CE6",
        "Landing site of the Chinese lunar sample return mission Chang\u2019e 6 on 1 June 2024.",
        "moon",
        "Moon",
        5,
        True,
    ),
    (
        "Mare Imbrium landing site",
        "MIL",
        "A landing site in the Sea of Showers.",
        "moon",
        "Moon",
        6,
        True,
    ),
    (
        "Shackleton rim landing site",
        "SRL",
        "A landing site near the lunar south pole.",
        "moon",
        "Moon",
        7,
        True,
    ),
]
LOCATIONS = [
    ("Kennedy Space Center, FL, USA", "America/New_York", 28.5729, -80.649),
    ("Edwards AFB, CA, USA", "America/Los_Angeles", 34.9054, -117.8839),
    ("Baikonur Cosmodrome, Republic of Kazakhstan", "Asia/Qyzylorda", 45.92, 63.342),
    ("Jiuquan, People's Republic of China", "Asia/Shanghai", 40.958, 100.291),
    ("White Sands, NM, USA", "America/Denver", 32.9435, -106.4196),
    ("Apollo crater, Moon", "", -36.1, -151.8),
    ("Mare Imbrium, Moon", "", 32.8, -15.6),
    ("Shackleton crater, Moon", "", -89.9, 0.0),
]
BODIES = {
    "Earth": (
        1,
        "Planet",
        12742000.0,
        5.972168e24,
        9.80655,
        "1 00:00:00",
        True,
        "Earth is the third planet from the Sun and the only astronomical object known to harbor life.",
    ),
    "Moon": (
        2,
        "Moon",
        3474800.0,
        7.342e22,
        1.622,
        "27 07:43:12",
        False,
        "The Moon is Earth's only natural satellite.",
    ),
}

PAYLOAD_TYPES = {
    2: "Lunar Lander",
    4: "Technology Demonstrator",
    5: "Sample Return Vehicle",
    6: "Servicing Vehicle",
    8: "Lunar Ascender",
    9: "Communication Satellite",
}
# Programs of payload pairs: (name, chaser type, target type, agency id, destination)
PAYLOAD_PROGRAMS = [
    ("SpaDEx", 4, 4, 31, "LEO"),
    ("Chang'e", 8, 2, 88, "Moon"),
    ("Orbital Express", 4, 4, 44, "LEO"),
    ("ETS-VII", 4, 4, 37, "LEO"),
    ("Mission Extension Vehicle", 6, 9, 1034, "GEO"),
    ("ADRAS-J", 6, 4, 1035, "LEO"),
    ("ClearSpace", 6, 4, 1036, "LEO"),
    ("Otter", 6, 9, 1043, "GEO"),
    ("Tianyuan", 6, 4, 1037, "LEO"),
    ("KPLO Rendezvous", 4, 4, 1038, "Moon"),
    ("Mars Sample Return", 5, 5, 27, "Mars"),
    ("Dragonfly Tug", 6, 4, 1041, "LEO"),
]

# --- small helpers --------------------------------------------------------------------


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


def _clone(value: Any) -> Any:
    """A deep copy of JSON data (much faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    return value


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:15]


# --- the world: everything shared between events ---------------------------------------


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


# --- the event stream -------------------------------------------------------------------


class _Stream:
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


# --- public API -----------------------------------------------------------------------


def generate_events(count: int, seed: int = 0) -> Iterator[Json]:
    """``count`` normal-mode LL2 docking events with ids 1..count, one at a time.

    Each event is a fresh dict (safe to modify); the same ``(count, seed)`` always
    yields the same JSON.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    for event in _Stream(count, seed).events():
        yield _clone(event)


def write_pages(folder: Path, count: int, seed: int = 0, page_size: int = 100) -> list[Path]:
    """Write ``count`` events as LL2 page envelopes of ``page_size`` events into
    ``folder`` (``page-00001.json``, ...); returns the files in order."""
    if page_size < 1:
        raise ValueError(f"page_size must be 1 or more, got {page_size}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pages = max(1, -(-count // page_size))
    width = max(5, len(str(pages)))
    paths: list[Path] = []
    stream = _Stream(count, seed).events()  # shared sub-objects: fine, they go to JSON
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
