"""Gzip for the clients that accept it, by ``Accept-Encoding``'s weights (RFC 9110, 12.5.3).

Starlette's ``GZipMiddleware`` compresses whenever the header holds the text "gzip", so
``gzip;q=0`` ("anything but gzip") got gzip. ``accepts_gzip`` reads the codings and their
weights: gzip (or its alias x-gzip) named with a weight above 0. A client that does not
name it gets the identity encoding, which is always acceptable.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Receive, Scope, Send


def accepts_gzip(header: str) -> bool:
    best: float | None = None
    for part in header.split(","):
        coding, _, parameters = part.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip"):
            continue
        weight = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0  # a weight that does not parse accepts nothing
        best = weight if best is None else max(best, weight)
    return best is not None and best > 0


def wants_gzip(scope: Scope) -> bool:
    # The first ``Accept-Encoding``, as ``Headers.get`` reads it, without building Headers.
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return accepts_gzip(value.decode("latin-1"))
    return False


class NegotiatedGZip(GZipMiddleware):
    """Starlette's gzip, for the clients ``accepts_gzip`` says accept it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not wants_gzip(scope):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
