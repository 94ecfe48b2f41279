"""``python -m gql_server``: serve, ingest, migrate, generate, export-schema (thin wrappers)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from gql_server.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gql_server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve GraphQL (and GraphiQL) under uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")

    ingest = commands.add_parser("ingest", help="load LL2 JSON files or folders (an upsert)")
    ingest.add_argument("paths", nargs="+", metavar="PATH")

    commands.add_parser("migrate", help="bring the database schema to the newest revision")

    generate = commands.add_parser("generate", help="write synthetic LL2 docking event pages")
    generate.add_argument("folder", type=Path)
    generate.add_argument("--count", type=int, default=10_000, help="events (default 10000)")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--page-size", type=int, default=100)

    export = commands.add_parser("export-schema", help="print the schema as SDL")
    export.add_argument("--output", "-o", type=Path, help="write to this file instead")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return _serve(args.host, args.port, args.workers)
    if args.command == "ingest":
        return asyncio.run(_ingest(args.paths))
    if args.command == "migrate":
        return asyncio.run(_migrate())
    if args.command == "generate":
        return _generate(args.folder, args.count, args.seed, args.page_size)
    return _export(args.output)


def _serve(host: str, port: int, workers: int) -> int:
    import uvicorn

    if workers < 1:
        print("error: --workers must be 1 or more", file=sys.stderr)
        return 2
    uvicorn.run("gql_server.app:create_app", factory=True, host=host, port=port, workers=workers)
    return 0


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


async def _ingest(paths: Sequence[str]) -> int:
    from gql_server.db.engine import SchemaNotMigrated, create_engine, ensure_schema
    from gql_server.ingest.errors import IngestError
    from gql_server.ingest.files import ingest_paths

    settings = Settings.from_env()
    engine = create_engine(settings.database_url)
    try:
        await ensure_schema(engine)
        reports = await ingest_paths(
            engine, paths, progress=lambda line: print(line, file=sys.stderr)
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
    return 0


def _export(output: Path | None) -> int:
    from gql_server.graphql.schema import sdl

    text = sdl()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0
