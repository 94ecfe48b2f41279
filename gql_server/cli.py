"""``python -m gql_server``: serve, ingest, migrate, sync, generate, export-schema (thin wrappers)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gql_server.settings import Settings

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
    generate.add_argument("--page-size", type=int, default=100)

    sync = commands.add_parser(
        "sync",
        help="bring the database up to date from the live LL2 API (resumable)",
        description="Fetch every page of LL2's docking events, docking locations and space "
        "stations and upsert each page in its own transaction; an interrupted sync resumes "
        "where it stopped. Exit status: 0 done (or stopped at --max-pages), 1 failed, "
        "75 throttled with --no-wait, 130 interrupted.",
    )
    sync.add_argument("--base-url", default=None, help=f"LL2 API root (default {_LL2})")
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
    sync.add_argument("--timeout", type=float, default=30.0, help="seconds per request")

    export = commands.add_parser("export-schema", help="print the schema as SDL")
    export.add_argument("--output", "-o", type=Path, help="write to this file instead")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "serve":
        return _serve(args.host, args.port, args.workers)
    if args.command == "ingest":
        return asyncio.run(_ingest(args.paths, strict=args.strict))
    if args.command == "migrate":
        return asyncio.run(_migrate())
    if args.command == "sync":
        return _sync(args)
    if args.command == "generate":
        return _generate(args.folder, args.count, args.seed, args.page_size)
    return _export(args.output)


def _serve(host: str, port: int, workers: int) -> int:
    from gql_server.serving import serve

    if workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 2
    try:
        return serve(host, port, workers)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1


async def _migrate() -> int:
    from gql_server.db.engine import create_engine, ensure_schema
    from gql_server.db.migrate import current

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
    from gql_server.db.engine import SchemaNotMigrated, create_engine, ensure_schema
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


_LL2 = "https://ll.thespacedevs.com/2.3.0"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _sync(args: argparse.Namespace) -> int:
    import os

    from gql_server.sync import RetryPolicy, SyncOptions

    logging.getLogger("httpx").setLevel(logging.WARNING)  # the sync reports each page itself

    options = SyncOptions(
        base_url=args.base_url or _LL2,
        mode=args.mode,
        api_key=args.api_key or os.environ.get("LL2_API_KEY") or None,
        max_pages=args.max_pages,
        dry_run=args.dry_run,
        restart=args.restart,
        timeout=args.timeout,
        policy=RetryPolicy(no_wait=args.no_wait),
    )
    try:
        return asyncio.run(_sync_run(options))
    except KeyboardInterrupt:
        print("interrupted: the pages applied so far stay; run again to resume", file=sys.stderr)
        return 130


async def _sync_run(options: SyncOptions) -> int:
    from gql_server.db.engine import SchemaNotMigrated, create_engine, ensure_schema
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
