"""What stops a sync: ``SyncError`` (the message is for the user) and ``Throttled`` (LL2
asked to wait longer than the sync may: the run stops resumably)."""

from __future__ import annotations


class SyncError(Exception):
    """The sync cannot go on; the message says what happened, for the user."""


class Throttled(SyncError):
    """LL2 answered HTTP 429 and the sync was told not to wait (``--no-wait``)."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait
