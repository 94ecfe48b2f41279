"""The throwaway PostgreSQL server the PostgreSQL tests run against."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from support.pg_server import PG_BIN_ENV, PostgresServer, find_pg_bin, require_pg_bin


async def _select_one(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT 1"))).scalar_one())
    finally:
        await engine.dispose()


def _refused(host: str, port: int, family: int = socket.AF_INET) -> bool:
    """True when nothing accepts a TCP connection at host:port."""
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect((host, port))
        except OSError:
            return True
    return False


def _other_local_addresses() -> list[tuple[int, str]]:
    """Addresses of this machine other than 127.0.0.1 that a socket can try to reach."""
    addresses: list[tuple[int, str]] = [(socket.AF_INET, "127.0.0.2")]
    if socket.has_ipv6:
        addresses.append((socket.AF_INET6, "::1"))
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127."):
                addresses.append((socket.AF_INET, address))
    return addresses


def test_server_lifecycle() -> None:
    bin_dir = require_pg_bin()
    server = PostgresServer(bin_dir)
    server.start()
    try:
        assert server.running
        root, port = server.root, server.port
        assert root is not None and root.is_dir()
        assert port is not None

        url = server.create_database("lifecycle")
        assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{port}/lifecycle"
        assert asyncio.run(_select_one(url)) == 1

        # Listening on 127.0.0.1 only: no other address of this machine answers.
        assert server.fetch("SHOW listen_addresses") == [("127.0.0.1",)]
        assert not _refused("127.0.0.1", port)
        for family, address in _other_local_addresses():
            assert _refused(address, port, family), f"the server answers on {address}"

        server.drop_database("lifecycle")
        assert server.fetch("SELECT datname FROM pg_database WHERE datname = 'lifecycle'") == []
    finally:
        server.stop()
    assert not server.running
    assert not root.exists()
    assert _refused("127.0.0.1", port)


def test_context_manager_and_templates() -> None:
    with PostgresServer(require_pg_bin()) as server:
        # A database with a schema can be the template of the per-test databases.
        url = server.create_database("schema")

        async def prepare() -> None:
            engine = create_async_engine(url)
            try:
                async with engine.begin() as conn:
                    await conn.execute(text("CREATE TABLE thing (id integer PRIMARY KEY)"))
                    await conn.execute(text("INSERT INTO thing VALUES (1), (2)"))
            finally:
                await engine.dispose()

        async def count(db_url: str) -> int:
            engine = create_async_engine(db_url)
            try:
                async with engine.connect() as conn:
                    return int(
                        (await conn.execute(text("SELECT count(*) FROM thing"))).scalar_one()
                    )
            finally:
                await engine.dispose()

        asyncio.run(prepare())
        copies = [server.create_database(f"copy_{i}", template="schema") for i in range(3)]
        assert [asyncio.run(count(u)) for u in copies] == [2, 2, 2]

        # Dropping works even while a session is still connected.
        async def drop_while_connected() -> None:
            assert server.port is not None
            conn = await asyncpg.connect(
                host="127.0.0.1", port=server.port, user="postgres", database="copy_0"
            )
            try:
                assert await conn.fetchval("SELECT 1") == 1
                await asyncio.to_thread(server.drop_database, "copy_0")
            finally:
                conn.terminate()

        asyncio.run(drop_while_connected())
        server.drop_database("copy_0")  # already gone: no error
        names = {row[0] for row in server.fetch("SELECT datname FROM pg_database")}
        assert {"copy_1", "copy_2", "schema"} <= names
        assert "copy_0" not in names

        with pytest.raises(ValueError):
            server.create_database('bad"name')
    assert not server.running


def test_find_pg_bin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PG_BIN_ENV, str(tmp_path))
    assert find_pg_bin() is None
    for tool in ("initdb", "pg_ctl", "postgres"):
        (tmp_path / tool).write_text("#!/bin/sh\n")
        (tmp_path / tool).chmod(0o755)
    assert find_pg_bin() == tmp_path
    monkeypatch.delenv(PG_BIN_ENV)
    found = find_pg_bin()
    assert found is None or (found / "initdb").exists()
