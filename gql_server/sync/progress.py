"""What the sync tells its user, on stderr: a line per page, and countdowns while waiting."""

from __future__ import annotations

import math
import sys
from typing import TextIO


def clock(seconds: float) -> str:
    """``75`` -> ``1:15``; ``3725`` -> ``1:02:05``; ``inf`` -> ``forever``."""
    if not math.isfinite(seconds):
        return "forever"
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Reporter:
    """Writes progress lines; a countdown rewrites one line in place on a terminal, and
    prints a line at its start and then once a minute elsewhere (cron mail, journald)."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._in_place = False
        self._counting = False

    def line(self, text: str) -> None:
        self._end_in_place()
        print(text, file=self.stream, flush=True)

    def countdown(self, reason: str, remaining: float) -> None:
        """One tick of a countdown: ``remaining`` seconds are left of a wait."""
        text = f"{reason}: continuing in {clock(remaining)}"
        if self.tty:
            self.stream.write(f"\r{text}\x1b[K")
            self.stream.flush()
            self._in_place = True
        elif not self._counting or round(remaining) % 60 == 0:
            print(text, file=self.stream, flush=True)
        self._counting = True

    def countdown_done(self) -> None:
        self._end_in_place()
        self._counting = False

    def _end_in_place(self) -> None:
        if self._in_place:
            self.stream.write("\n")
            self.stream.flush()
            self._in_place = False
