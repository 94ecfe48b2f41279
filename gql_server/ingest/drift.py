"""What a file (or a sync page) holds that the gateway does not store, said out loud.

Two kinds of finding, each counted by JSON path pattern (``$.results[*].flight_vehicle``)
with the first path it was seen at:

- **unknown**: a key no model maps and ``gql_server.ingest.unstored`` does not list: LL2
  renamed or added something, or the document is of a version whose key has no meaning
  here. The data under it is not stored.
- **not stored**: a key whose meaning is known (an older LL2 version's) but which this
  document cannot supply in a storable form (an image URL without its image's id, a
  launch id whose launch is not stored yet); the reason says which.

``ingest --strict`` refuses a file with any finding; otherwise the findings are printed at
the end of the file (and recorded in ``sync_run.unknown_keys`` by a sync).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"\[\d+\]")


def pattern(path: str) -> str:
    """``$.results[3].flight_vehicle`` -> ``$.results[*].flight_vehicle``."""
    return _INDEX.sub("[*]", path)


@dataclass
class Finding:
    count: int
    example: str  # the first concrete JSON path
    reason: str | None = None  # for keys not stored: why


@dataclass
class DriftReport:
    unknown: dict[str, Finding] = field(default_factory=dict)  # by pattern
    not_stored: dict[tuple[str, str], Finding] = field(default_factory=dict)  # pattern, reason
    versions: dict[str, int] = field(default_factory=dict)  # objects read, by LL2 version

    def unknown_key(self, path: str) -> None:
        finding = self.unknown.get(key := pattern(path))
        if finding is None:
            self.unknown[key] = Finding(1, path)
        else:
            finding.count += 1

    def unstored_key(self, path: str, reason: str) -> None:
        finding = self.not_stored.get(key := (pattern(path), reason))
        if finding is None:
            self.not_stored[key] = Finding(1, path, reason)
        else:
            finding.count += 1

    def saw_version(self, version: str) -> None:
        self.versions[version] = self.versions.get(version, 0) + 1

    def __bool__(self) -> bool:
        return bool(self.unknown or self.not_stored)

    def lines(self) -> list[str]:
        """One line a finding, unknown keys first, each kind in pattern order."""
        out = [
            f"unknown key {key}: {f.count} time{_s(f.count)} (first at {f.example}); not stored"
            for key, f in sorted(self.unknown.items())
        ]
        out += [
            f"not stored {key}: {f.count} time{_s(f.count)} (first at {f.example}): {reason}"
            for (key, reason), f in sorted(self.not_stored.items())
        ]
        return out

    def as_json(self) -> dict[str, Any]:
        """The findings as JSON-able data (what ``sync_run.unknown_keys`` holds)."""
        return {
            "unknown": {
                k: {"count": f.count, "example": f.example} for k, f in self.unknown.items()
            },
            "not_stored": [
                {"pattern": k, "reason": reason, "count": f.count, "example": f.example}
                for (k, reason), f in self.not_stored.items()
            ],
        }


def merge_json(total: dict[str, Any] | None, page: dict[str, Any]) -> dict[str, Any]:
    """Add one page's ``as_json`` to a run's: counts add up, the first example stays."""
    unknown: dict[str, dict[str, Any]] = {}
    not_stored: dict[tuple[str, str], dict[str, Any]] = {}
    for source in (total or {}, page):
        for key, finding in source.get("unknown", {}).items():
            if key in unknown:
                unknown[key]["count"] += finding["count"]
            else:
                unknown[key] = dict(finding)
        for finding in source.get("not_stored", []):
            both = (finding["pattern"], finding["reason"])
            if both in not_stored:
                not_stored[both]["count"] += finding["count"]
            else:
                not_stored[both] = dict(finding)
    return {"unknown": unknown, "not_stored": list(not_stored.values())}


def _s(count: int) -> str:
    return "" if count == 1 else "s"
