"""Reading LL2's responses defensively: a compressed body inflated within the byte cap
(``Inflater``), and how long a throttled response asks to wait (``retry_after``,
``wait_seconds``, ``THROTTLE_DETAIL``), malformed values counting as not given.
``gql_server.sync.client`` makes the requests.
"""

from __future__ import annotations

import email.utils
import math
import re
import zlib
from datetime import UTC, datetime
from typing import Any

import httpx

from gql_server.sync.errors import SyncError

# DRF's throttle message: "Request was throttled. Expected available in 3578 seconds."
THROTTLE_DETAIL = re.compile(r"available in (\d{1,30}(?:\.\d{1,30})?) second")
# Retry-After's delta-seconds (a decimal part tolerated).
_DELTA_SECONDS = re.compile(r"\d+(?:\.\d+)?")


class Inflater:
    """Undoes a ``Content-Encoding`` (gzip, deflate; we ask for nothing else) one piece
    at a time: ``inflate(data, at_most)`` gives at most ``at_most`` bytes and the input
    left for the next call."""

    def __init__(self, url: str, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise SyncError(f"GET {url}: an unsupported Content-Encoding {encoding!r}")
        self.coding = codings[0] if codings else None
        self._zlib: Any = None
        if self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._zlib = zlib.decompressobj()
        self._first = True

    def __call__(self, data: bytes, at_most: int) -> tuple[bytes, bytes]:
        if self._zlib is None:
            return data[:at_most], data[at_most:]
        try:
            out = self._zlib.decompress(data, at_most)
        except zlib.error as exc:
            if self.coding == "deflate" and self._first:  # raw deflate, without the zlib header
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self(data, at_most)
            raise httpx.DecodingError(
                f"a {self.coding} body that does not inflate: {exc}"
            ) from None
        self._first = False
        return out, self._zlib.unconsumed_tail

    def finish(self) -> bytes:
        """What the decompressor still holds at the end of the body (nothing, normally:
        every call was fed its unconsumed input again)."""
        return self._zlib.flush() if self._zlib is not None else b""


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date. ``inf`` for
    ``inf`` or digits past a float's range (longer than any cap); None when absent or
    malformed (NaN, a negative number, neither a number nor a date)."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)  # a thousand digits become inf, not an error
    try:
        return wait_seconds(float(value))  # "inf", "1e9", "-5", "nan": not RFC 9110, but seen
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def wait_seconds(value: Any) -> float | None:
    """A wait in seconds from a number: ``inf`` kept (it is longer than any cap), NaN,
    negatives and non-numbers dropped."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an integer past a float's range
        return math.inf if value > 0 else None
    if math.isnan(seconds) or seconds < 0:
        return None
    return seconds


def too_big(url: str, what: str, cap: int) -> str:
    return (
        f"GET {url}: the response {what}, over the {cap:,}-byte cap (--max-response-bytes): "
        "stopped reading it; nothing of it was used"
    )
