"""Ingest LL2 files and folders: one transaction a file, errors with file and JSON path."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.db.engine import writing
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


async def ingest_file(
    engine: AsyncEngine, path: Path, progress: Progress | None = None
) -> FileReport:
    """Apply one file in one transaction; on any error nothing of it is written."""
    started = time.perf_counter()
    try:
        batch = normalize(read_document(path))
    except IngestError as exc:
        raise exc.in_file(str(path)) from None
    try:
        async with writing(engine).begin() as conn:
            report = await load(conn, batch, progress)
    except DBAPIError as exc:
        # A row the database refuses (e.g. a second chaser set by an earlier file).
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        raise IngestError(f"the database refused the data: {reason}", file=str(path)) from None
    return FileReport(str(path), report.events, report.rows, time.perf_counter() - started)


async def ingest_paths(
    engine: AsyncEngine, paths: Iterable[str | Path], progress: Progress | None = None
) -> list[FileReport]:
    """Ingest every file in order; stops at the first bad file (files before it stay
    applied, each whole: ingestion is an upsert, so running again after a fix is safe)."""
    files = expand(paths)
    reports = []
    for index, path in enumerate(files, start=1):
        report = await ingest_file(engine, path, progress)
        reports.append(report)
        if progress:
            rate = report.events / report.seconds if report.seconds else 0.0
            progress(
                f"[{index}/{len(files)}] {path}: {report.events} events, {report.rows} rows "
                f"in {report.seconds:.2f}s ({rate:,.0f} events/s)"
            )
    return reports
