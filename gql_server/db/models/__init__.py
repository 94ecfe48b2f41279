"""Every table, importable from one place; importing this registers them all."""

from gql_server.db.models.agencies import Agency, AgencyCountry, AgencyType, Country
from gql_server.db.models.docking import DockingEvent
from gql_server.db.models.images import (
    Image,
    ImageLicense,
    ImageVariant,
    ImageVariantLink,
    ImageVariantType,
)
from gql_server.db.models.launches import Launch, LaunchStatus
from gql_server.db.models.meta import DataVersion, DockingEventChange, DockingEventCount
from gql_server.db.models.payloads import (
    Payload,
    PayloadFlight,
    PayloadProgram,
    PayloadType,
    Program,
)
from gql_server.db.models.places import (
    CelestialBody,
    CelestialBodyType,
    Landing,
    LandingLocation,
    LandingType,
    Location,
)
from gql_server.db.models.spacecraft import (
    Spacecraft,
    SpacecraftConfig,
    SpacecraftConfigFamily,
    SpacecraftConfigFamilyLink,
    SpacecraftConfigType,
    SpacecraftFlight,
    SpacecraftStatus,
)
from gql_server.db.models.stations import (
    DockingLocation,
    SpaceStation,
    SpaceStationOwner,
    SpaceStationStatus,
    SpaceStationType,
)
from gql_server.db.models.sync import SyncCheckpoint, SyncRun, SyncSeenEvent

__all__ = [
    "Agency",
    "AgencyCountry",
    "AgencyType",
    "CelestialBody",
    "CelestialBodyType",
    "Country",
    "DataVersion",
    "DockingEvent",
    "DockingEventChange",
    "DockingEventCount",
    "DockingLocation",
    "Image",
    "ImageLicense",
    "ImageVariant",
    "ImageVariantLink",
    "ImageVariantType",
    "Landing",
    "LandingLocation",
    "LandingType",
    "Launch",
    "LaunchStatus",
    "Location",
    "Payload",
    "PayloadFlight",
    "PayloadProgram",
    "PayloadType",
    "Program",
    "SpaceStation",
    "SpaceStationOwner",
    "SpaceStationStatus",
    "SpaceStationType",
    "Spacecraft",
    "SpacecraftConfig",
    "SpacecraftConfigFamily",
    "SpacecraftConfigFamilyLink",
    "SpacecraftConfigType",
    "SpacecraftFlight",
    "SpacecraftStatus",
    "SyncCheckpoint",
    "SyncRun",
    "SyncSeenEvent",
]
