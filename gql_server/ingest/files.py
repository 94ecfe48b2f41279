"""Ingest LL2 files and folders: one transaction a file, errors with file and JSON path."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.db.engine import writing
from gql_server.ingest.drift import DriftReport
from gql_server.ingest.errors import IngestError
from gql_server.ingest.load import load
from gql_server.ingest.normalize import normalize

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileReport:
    file: str
    events: int
    rows: int
    seconds: float
    drift: DriftReport = field(default_factory=DriftReport)  # what was not stored


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the ``*.json`` files below folders named, in a stable order."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError("no such file or folder", file=str(path))
    return files


def read_document(path: Path) -> object:
    """Parse one file's JSON, naming line and column when it is not JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)
        ) from None
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", file=str(path)
        ) from None
    except RecursionError:
        # Python's parser recurses once a level; LL2 documents are about a dozen deep.
        raise IngestError(
            f"JSON nested too deeply to be an LL2 document (about {sys.getrecursionlimit()} "
            "levels or more)",
            file=str(path),
        ) from None
    except ValueError as exc:
        raise IngestError(_huge_integer(text, exc), file=str(path)) from None


def _huge_integer(text: str, exc: ValueError) -> str:
    """Python refuses to parse an integer of more than ``sys.get_int_max_str_digits()``
    digits (a denial-of-service guard); say where it is."""
    limit = sys.get_int_max_str_digits()
    found = re.search(rf"\d{{{limit + 1},}}", text) if limit else None
    if found is None:
        return f"invalid JSON: {exc}"
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return (
        f"invalid JSON: an integer of {found.end() - found.start()} digits (line {line}, "
        f"column {column}); LL2's integers fit in 32 bits"
    )


async def ingest_file(
    engine: AsyncEngine, path: Path, progress: Progress | None = None, *, strict: bool = False
) -> FileReport:
    """Apply one file in one transaction; on any error nothing of it is written. With
    ``strict``, a file holding anything that is not stored (``FileReport.drift``) is
    refused too."""
    started = time.perf_counter()
    try:
        batch = normalize(read_document(path))
    except IngestError as exc:
        raise exc.in_file(str(path)) from None
    try:
        async with writing(engine).begin() as conn:
            report = await load(conn, batch, progress)
            if strict and batch.drift:
                raise strict_refusal(batch.drift)  # rolls the transaction back
    except IngestError as exc:
        raise exc.in_file(str(path)) from None
    except DBAPIError as exc:
        # A row the database refuses (e.g. a second chaser set by an earlier file).
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        raise IngestError(f"the database refused the data: {reason}", file=str(path)) from None
    seconds = time.perf_counter() - started
    return FileReport(str(path), report.events, report.rows, seconds, batch.drift)


def strict_refusal(drift: DriftReport) -> IngestError:
    """The error of ``--strict`` for a file with findings: the first finding's path, and
    every finding in the message."""
    first = next(iter(drift.unknown.values()), None) or next(iter(drift.not_stored.values()))
    lines = drift.lines()
    return IngestError(
        f"refused (--strict): {len(lines)} key pattern{'s' if len(lines) > 1 else ''} "
        "would not be stored:\n  " + "\n  ".join(lines),
        path=first.example,
    )


async def ingest_paths(
    engine: AsyncEngine,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    *,
    strict: bool = False,
) -> list[FileReport]:
    """Ingest every file in order; stops at the first bad file (files before it stay
    applied, each whole: ingestion is an upsert, so running again after a fix is safe)."""
    files = expand(paths)
    reports = []
    for index, path in enumerate(files, start=1):
        report = await ingest_file(engine, path, progress, strict=strict)
        reports.append(report)
        if progress:
            rate = report.events / report.seconds if report.seconds else 0.0
            versions = ", ".join(
                f"{n} of LL2 {v}" for v, n in sorted(report.drift.versions.items())
            )
            progress(
                f"[{index}/{len(files)}] {path}: {report.events} events"
                f"{f' ({versions})' if versions else ''}, {report.rows} rows "
                f"in {report.seconds:.2f}s ({rate:,.0f} events/s)"
            )
            for line in report.drift.lines():
                progress(f"  {line}")
    return reports
