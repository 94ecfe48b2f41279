"""``python -m gql_server``: serve, ingest, export-schema. Thin wrappers over async functions."""

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

    ingest = commands.add_parser("ingest", help="load LL2 JSON files or folders (an upsert)")
    ingest.add_argument("paths", nargs="+", metavar="PATH")

    export = commands.add_parser("export-schema", help="print the schema as SDL")
    export.add_argument("--output", "-o", type=Path, help="write to this file instead")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return _serve(args.host, args.port)
    if args.command == "ingest":
        return asyncio.run(_ingest(args.paths))
    return _export(args.output)


def _serve(host: str, port: int) -> int:
    import uvicorn

    uvicorn.run("gql_server.app:create_app", factory=True, host=host, port=port)
    return 0


async def _ingest(paths: Sequence[str]) -> int:
    from gql_server.db.engine import create_engine, create_schema
    from gql_server.ingest.errors import IngestError
    from gql_server.ingest.files import ingest_paths

    settings = Settings.from_env()
    engine = create_engine(settings.database_url)
    try:
        await create_schema(engine)
        reports = await ingest_paths(
            engine, paths, progress=lambda line: print(line, file=sys.stderr)
        )
    except IngestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing of that file was written.", file=sys.stderr)
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
