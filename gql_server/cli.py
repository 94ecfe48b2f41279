"""``python -m gql_server``: serve, ingest, migrate, sync, generate, export-schema (thin wrappers)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import logging.config
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gql_server import logs
from gql_server.settings import LL2_API, LL2_PAGE_SIZE, Settings, log_format_from_env

# prometheus_client's multiprocess folder (gql_server.http.metrics; not imported here: the
# variable must be set before prometheus_client is imported).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

if TYPE_CHECKING:
    from gql_server.sync import SyncOptions


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gql_server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve GraphQL (and GraphiQL) under uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")

    ingest = commands.add_parser("ingest", help="load LL2 JSON files or folders (an upsert)")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument(
        "--strict",
        action="store_true",
        help="refuse a file holding keys that would not be stored (unknown keys, an older "
        "version's keys that cannot be stored); nothing of it is written",
    )

    commands.add_parser("migrate", help="bring the database schema to the newest revision")

    generate = commands.add_parser("generate", help="write synthetic LL2 docking event pages")
    generate.add_argument("folder", type=Path)
    generate.add_argument("--count", type=int, default=10_000, help="events (default 10000)")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--page-size", type=int, default=LL2_PAGE_SIZE)

    sync = commands.add_parser(
        "sync",
        help="bring the database up to date from the live LL2 API (resumable)",
        description="Fetch every page of LL2's docking events, docking locations and space "
        "stations and upsert each page in its own transaction; an interrupted sync resumes "
        "where it stopped. Exit status: 0 done (or stopped at --max-pages), 1 failed "
        "(the reason is printed; a broken or hostile upstream stops here), 75 throttled "
        "(--no-wait, or a wait longer than --max-wait; run again later), 130 interrupted.",
    )
    sync.add_argument("--base-url", default=None, help=f"LL2 API root (default {LL2_API})")
    sync.add_argument("--mode", choices=("normal", "detailed"), default="normal")
    sync.add_argument("--api-key", default=None, help="LL2 API key (default: env LL2_API_KEY)")
    sync.add_argument("--max-pages", type=_positive, help="fetch at most N pages in this run")
    sync.add_argument(
        "--dry-run", action="store_true", help="fetch and validate; write nothing, not even a run"
    )
    sync.add_argument(
        "--no-wait", action="store_true", help="stop (resumably) instead of waiting on HTTP 429"
    )
    sync.add_argument(
        "--restart", action="store_true", help="drop an interrupted sync's checkpoint"
    )
    sync.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        help="seconds one request may take in all, however slowly its body comes "
        "(default 30, env GQL_SYNC_TIMEOUT)",
    )
    sync.add_argument(
        "--max-response-bytes",
        type=_positive,
        default=None,
        help="bytes one response may have; a larger one stops the sync "
        "(default 67108864 = 64 MiB, env GQL_SYNC_MAX_RESPONSE_BYTES)",
    )
    sync.add_argument(
        "--max-wait",
        type=_seconds,
        default=None,
        help="longest throttle wait (Retry-After, /api-throttle/) honoured, in seconds; a "
        "longer one stops the sync resumably with exit 75 (default 3600, env GQL_SYNC_MAX_WAIT)",
    )

    export = commands.add_parser("export-schema", help="print the schema as SDL")
    export.add_argument("--output", "-o", type=Path, help="write to this file instead")

    args = parser.parse_args(argv)
    try:
        log_config = logs.config(log_format_from_env())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.config.dictConfig(log_config)
    if args.command == "serve":
        return _serve(args.host, args.port, args.workers, log_config)
    if args.command == "ingest":
        return asyncio.run(_ingest(args.paths, strict=args.strict))
    if args.command == "migrate":
        return asyncio.run(_migrate())
    if args.command == "sync":
        return _sync(args)
    if args.command == "generate":
        return _generate(args.folder, args.count, args.seed, args.page_size)
    return _export(args.output)


def _serve(host: str, port: int, workers: int, log_config: dict[str, Any]) -> int:
    from gql_server.serving import serve

    if workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 2
    with _metrics_folder(workers):
        try:
            return serve(host, port, workers, log_config)
        except OSError as exc:
            print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
            return 1


@contextlib.contextmanager
def _metrics_folder(workers: int) -> Iterator[None]:
    """Several workers keep their metrics in files of a shared folder (prometheus_client's
    multiprocess mode): a fresh one for this run, removed after, unless
    PROMETHEUS_MULTIPROC_DIR already names one (then it is the operator's to clear)."""
    if workers < 2 or os.environ.get(MULTIPROC_ENV):
        yield
        return
    folder = tempfile.mkdtemp(prefix="gql-metrics-")
    os.environ[MULTIPROC_ENV] = folder  # the workers inherit it
    try:
        yield
    finally:
        del os.environ[MULTIPROC_ENV]
        shutil.rmtree(folder, ignore_errors=True)


async def _migrate() -> int:
    from gql_server.db.engine import create_engine
    from gql_server.db.migrate import current, ensure_schema

    engine = create_engine(Settings.from_env().database_url)
    try:
        before = await current(engine)
        await ensure_schema(engine, migrate=True)
        after = await current(engine)
    finally:
        await engine.dispose()
    print(f"schema revision {before or 'none'} -> {after}", file=sys.stderr)
    return 0


def _generate(folder: Path, count: int, seed: int, page_size: int) -> int:
    from gql_server.synthetic import write_pages

    paths = write_pages(folder, count, seed, page_size)
    print(f"wrote {count} events in {len(paths)} pages to {folder}", file=sys.stderr)
    return 0


async def _ingest(paths: Sequence[str], *, strict: bool = False) -> int:
    from gql_server.db.engine import create_engine
    from gql_server.db.migrate import SchemaNotMigrated, ensure_schema
    from gql_server.ingest.errors import IngestError
    from gql_server.ingest.files import ingest_paths

    settings = Settings.from_env()
    engine = create_engine(settings.database_url)
    try:
        await ensure_schema(engine)
        reports = await ingest_paths(
            engine, paths, progress=lambda line: print(line, file=sys.stderr), strict=strict
        )
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing of that file was written.", file=sys.stderr)
        return 1
    except SchemaNotMigrated as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    events = sum(r.events for r in reports)
    print(f"ingested {events} events from {len(reports)} files", file=sys.stderr)
    drifted = [r.file for r in reports if r.drift]
    if drifted:
        print(
            f"{len(drifted)} of them held keys that were not stored (listed under each file; "
            "--strict refuses such files)",
            file=sys.stderr,
        )
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text}")
    return value


def _sync(args: argparse.Namespace) -> int:
    from gql_server.sync import RetryPolicy, SyncOptions

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the sync reports each page itself

    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    options = SyncOptions(
        base_url=args.base_url or LL2_API,
        mode=args.mode,
        api_key=args.api_key or os.environ.get("LL2_API_KEY") or None,
        max_pages=args.max_pages,
        dry_run=args.dry_run,
        restart=args.restart,
        timeout=args.timeout or settings.sync_timeout,
        max_response_bytes=args.max_response_bytes or settings.sync_max_response_bytes,
        policy=RetryPolicy(no_wait=args.no_wait, max_wait=args.max_wait or settings.sync_max_wait),
    )
    try:
        return asyncio.run(_sync_run(options))
    except KeyboardInterrupt:
        print("interrupted: the pages applied so far stay; run again to resume", file=sys.stderr)
        return 130


async def _sync_run(options: SyncOptions) -> int:
    from gql_server.db.engine import create_engine
    from gql_server.db.migrate import SchemaNotMigrated, ensure_schema
    from gql_server.sync import SyncError, run_sync

    engine = None if options.dry_run else create_engine(Settings.from_env().database_url)
    try:
        if engine is not None:
            await ensure_schema(engine)
        report = await run_sync(engine, options)
    except (SchemaNotMigrated, SyncError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            await engine.dispose()
    took = f"{report.pages} pages, {report.events} events in {report.seconds:.1f}s"
    if report.outcome in ("succeeded", "partial"):
        changes = f"{report.inserted} new, {report.updated} changed, {report.deleted} removed"
        verb = "sync complete" if report.outcome == "succeeded" else "sync stopped"
        print(f"{verb} (run {report.run_id}): {took}; {changes}", file=sys.stderr)
        if report.outcome == "partial" and report.message:
            print(report.message, file=sys.stderr)
        return 0
    if report.outcome.startswith("checked"):
        done = "every page" if report.outcome == "checked" else "the pages fetched"
        print(f"dry run: {done} valid: {took}; nothing written", file=sys.stderr)
        return 0
    print(f"error: {report.message}", file=sys.stderr)
    if report.outcome == "throttled":
        return 75
    if report.run_id is not None:
        print("the pages applied before stay; run again to resume", file=sys.stderr)
    return 1


def _export(output: Path | None) -> int:
    from gql_server.graphql.schema import sdl

    text = sdl()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0
