"""The LL2 keys the gateway deliberately does not store: the one list of them.

Every other key that ingestion does not model is reported (``gql_server.ingest.drift``):
a key missing here and from the models is data the gateway would otherwise drop without
a word. Keys are listed per table (the table whose object carries them); ``ANY_TABLE``
applies to every object.
"""

from __future__ import annotations

from types import MappingProxyType

ANY_TABLE = "*"

UNSTORED: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        # The name of the serializer LL2 used at that position of a response (one page shows
        # the same family as "normal" and as "list"): not data.
        ANY_TABLE: frozenset({"response_mode"}),
        # A detailed-mode flight's launch (LaunchNormal): its scalars and status are stored,
        # the deeper subtrees are not (README, "Ingesting LL2 JSON").
        "launch": frozenset(
            {"launch_service_provider", "mission", "net_precision", "pad", "program", "rocket"}
        ),
        # ``/space_stations/`` (the endpoint sync reads) serves more than the station form a
        # docking event carries: crews, expeditions, dimensions, its ports with what is
        # docked now. The gateway serves docking events; ports come from
        # ``/config/docking_locations/`` and dockings from ``/docking_events/``.
        "space_station": frozenset(
            {
                "active_docking_events",
                "active_expeditions",
                "docked_vehicles",
                "docking_location",
                "height",
                "mass",
                "onboard_crew",
                "volume",
                "width",
            }
        ),
    }
)


def unstored(table: str) -> frozenset[str]:
    """The keys of ``table``'s objects that are deliberately not stored (and not reported)."""
    return UNSTORED[ANY_TABLE] | UNSTORED.get(table, frozenset())
