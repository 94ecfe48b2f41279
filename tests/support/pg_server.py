"""A throwaway PostgreSQL server for tests.

``PostgresServer`` runs ``initdb`` into a fresh temporary folder (on /dev/shm when it
has 1 GiB free, else in $TMPDIR; $GQL_PG_TMPDIR overrides), starts ``postgres`` on a
free port of 127.0.0.1 only (trust authentication for every role on loopback, no
durability: fsync, synchronous_commit and full_page_writes off) and removes everything
on ``stop()``. Run as root, the server runs as the ``postgres`` OS user (PostgreSQL
refuses to run as root); otherwise as the current user.

    with PostgresServer() as server:
        url = server.create_database("t1")  # postgresql+asyncpg://postgres@127.0.0.1:PORT/t1
        ...
        server.drop_database("t1")

Databases are created with ``CREATE DATABASE ... TEMPLATE <template> STRATEGY FILE_COPY``
(about 10 ms each on tmpfs; the default WAL_LOG strategy costs 3-4 times more) over one asyncpg admin connection kept open for the server's lifetime (spawning
psql would add about 12 ms a call). A database holding a migrated schema can serve as
the template of every test database (``create_database(name, template="schema")``) as
long as nobody is connected to it.

Nothing outlives the test process when it exits normally: ``stop()`` runs from a
``weakref.finalize`` at interpreter exit if nobody called it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any

PG_BIN_ENV = "GQL_PG_BIN"
DEFAULT_PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_TMPDIR_ENV = "GQL_PG_TMPDIR"
TMPFS_MIN_FREE = 1 << 30
SKIP_MESSAGE = (
    "PostgreSQL tests need a local PostgreSQL server: install the PostgreSQL server: "
    "apt-get install postgresql, or set GQL_PG_BIN to the folder holding initdb and pg_ctl"
)
HOST = "127.0.0.1"
SUPERUSER = "postgres"
OS_USER_WHEN_ROOT = "postgres"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SERVER_SETTINGS = {
    "listen_addresses": HOST,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


class PostgresServerError(RuntimeError):
    """The server could not be set up, started or asked something."""


def _has_server(folder: Path) -> bool:
    return all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres"))


def find_pg_bin() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None.

    ``$GQL_PG_BIN`` when set (None if it does not hold them), else
    /usr/lib/postgresql/15/bin, else the newest /usr/lib/postgresql/*/bin holding them.
    """
    configured = os.environ.get(PG_BIN_ENV)
    if configured:
        folder = Path(configured).expanduser()
        return folder if _has_server(folder) else None
    if _has_server(DEFAULT_PG_BIN):
        return DEFAULT_PG_BIN
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if _has_server(p)]
    candidates.sort(key=lambda p: _version_key(p.parent.name), reverse=True)
    return candidates[0] if candidates else None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def require_pg_bin() -> Path:
    """``find_pg_bin()``, or skip the calling test (fail it when ``$CI`` is set)."""
    import pytest

    bin_dir = find_pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests. {SKIP_MESSAGE}")
        pytest.skip(SKIP_MESSAGE)
    return bin_dir


def free_port(host: str = HOST) -> int:
    """A TCP port nobody listens on right now (the server start retries on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _default_base_dir() -> Path:
    """Where the server's folder goes: $GQL_PG_TMPDIR, else a roomy tmpfs, else $TMPDIR.

    On tmpfs CREATE DATABASE takes about 10 ms; on a VM's ext4 disk it took 50-250 ms even
    with fsync off.
    """
    configured = os.environ.get(PG_TMPDIR_ENV)
    if configured:
        return Path(configured)
    shm = Path("/dev/shm")
    with contextlib.suppress(OSError):
        usage = os.statvfs(shm)
        if os.access(shm, os.W_OK | os.X_OK) and usage.f_bavail * usage.f_frsize >= TMPFS_MIN_FREE:
            return shm
    return Path(tempfile.gettempdir())


def _world_traversable(folder: Path) -> bool:
    return all(part.stat().st_mode & stat.S_IXOTH for part in (folder, *folder.parents))


class PostgresServer:
    """A PostgreSQL server living in a temporary folder; a context manager."""

    def __init__(
        self,
        bin_dir: Path | str | None = None,
        *,
        startup_timeout: float = 60.0,
        settings: dict[str, str] | None = None,
        base_dir: Path | str | None = None,
    ) -> None:
        found = Path(bin_dir) if bin_dir is not None else find_pg_bin()
        if found is None:
            raise PostgresServerError(SKIP_MESSAGE)
        self.bin_dir = found
        self.host = HOST
        self.user = SUPERUSER
        self.port: int | None = None
        self.root: Path | None = None
        self.startup_timeout = startup_timeout
        self.base_dir = Path(base_dir) if base_dir is not None else None
        self.settings = {**_SERVER_SETTINGS, **(settings or {})}
        self._resources: _Resources | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._as_user: str | None = None
        self._major: int | None = None

    @property
    def major_version(self) -> int:
        """The major version of the server binaries (e.g. 15)."""
        if self._major is None:
            done = subprocess.run(
                [str(self.bin_dir / "initdb"), "--version"],
                capture_output=True,
                text=True,
                check=True,
            )
            found = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
            if found is None:
                raise PostgresServerError(f"unknown initdb version: {done.stdout!r}")
            self._major = int(found.group(1))
        return self._major

    @property
    def _process(self) -> subprocess.Popen[bytes] | None:
        return self._resources.process if self._resources else None

    @property
    def _admin(self) -> _Admin | None:
        return self._resources.admin if self._resources else None

    # -- lifecycle -----------------------------------------------------------------

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def data_dir(self) -> Path:
        if self.root is None:
            raise PostgresServerError("the server is not started")
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        if self.root is None:
            raise PostgresServerError("the server is not started")
        return self.root / "postgres.log"

    def start(self) -> None:
        """initdb into a fresh folder and start the server; returns once it accepts connections."""
        if self._resources is not None:
            raise PostgresServerError("the server is already started")
        self._as_user = OS_USER_WHEN_ROOT if os.geteuid() == 0 else None
        base = self.base_dir or _default_base_dir()
        if self._as_user and not _world_traversable(base):
            base = Path("/tmp")
        self.root = Path(tempfile.mkdtemp(prefix="gql-pg-", dir=base))
        self._resources = _Resources(self.root)
        # The safety net: weakref.finalize also runs at interpreter exit.
        self._finalizer = weakref.finalize(self, self._resources.close)
        try:
            self._initdb()
            for _attempt in range(5):
                self.port = free_port(self.host)
                if self._launch():
                    self._resources.admin = _Admin(self.host, self.port, self.user)
                    self.execute("SELECT 1")
                    return
            raise PostgresServerError(f"could not start PostgreSQL:\n{self._log_tail()}")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server at once (immediate shutdown) and remove its folder."""
        if self._finalizer is not None:
            self._finalizer()
        self._finalizer = None
        self._resources = None
        self.root = None
        self.port = None

    # -- databases ------------------------------------------------------------------

    def url(self, name: str = "postgres", driver: str = "asyncpg") -> str:
        """The SQLAlchemy URL of database ``name``."""
        if self.port is None:
            raise PostgresServerError("the server is not started")
        return f"postgresql+{driver}://{self.user}@{self.host}:{self.port}/{_check_name(name)}"

    def create_database(self, name: str, *, template: str = "template0") -> str:
        """Create the empty database ``name`` (a copy of ``template``); returns its URL."""
        # FILE_COPY (PostgreSQL 15+; the only strategy before) beats WAL_LOG for small
        # databases, 3-4 times over.
        strategy = " STRATEGY FILE_COPY" if self.major_version >= 15 else ""
        self.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(template)}{strategy}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, closing the sessions still connected to it."""
        if self.major_version >= 13:
            self.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
            return
        self.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{_check_name(name)}' AND pid <> pg_backend_pid()"
        )
        self.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")

    def execute(self, sql: str) -> str:
        """Run one statement on the ``postgres`` database, outside a transaction.

        Returns the command status (e.g. ``"CREATE DATABASE"``). The statements go through
        one asyncpg connection kept open on a private event loop thread, so this works
        from synchronous code and from inside a running event loop alike.
        """
        return str(self._admin_call("execute", sql))

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of one query on the ``postgres`` database."""
        return [tuple(row) for row in self._admin_call("fetch", sql)]

    def _admin_call(self, method: str, sql: str) -> Any:
        if not self.running or self._admin is None:
            raise PostgresServerError("the server is not running")
        try:
            return self._admin.call(method, sql)
        except Exception as error:
            raise PostgresServerError(f"{sql!r} failed: {error}") from error

    # -- internals ------------------------------------------------------------------

    def _run_as(self) -> dict[str, Any]:
        """Popen keyword arguments that run a command as the server's OS user."""
        if self._as_user is None:
            return {}
        entry = pwd.getpwnam(self._as_user)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def _chown(self, path: Path) -> None:
        if self._as_user is not None:
            entry = pwd.getpwnam(self._as_user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _initdb(self) -> None:
        assert self.root is not None
        if self._as_user is not None:
            try:
                pwd.getpwnam(self._as_user)
            except KeyError:
                raise PostgresServerError(
                    f"running as root, but there is no {self._as_user!r} OS user to run "
                    "PostgreSQL as (it refuses to run as root)"
                ) from None
        self._chown(self.root)
        (self.root / "socket").mkdir(mode=0o700)
        self._chown(self.root / "socket")
        command = [
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            self.user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]
        if self.major_version >= 14:
            command.append("--no-instructions")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_"))}
        env["LANG"] = "C"
        done = subprocess.run(
            command,
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            **self._run_as(),
        )
        if done.returncode != 0:
            raise PostgresServerError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        # Only over loopback TCP or the private socket folder.
        (self.data_dir / "pg_hba.conf").write_text(
            # Every role may connect over loopback: tests create roles (a read-only one).
            f"local all all trust\nhost all all {self.host}/32 trust\n"
        )

    def _launch(self) -> bool:
        """Start postgres on ``self.port``; False if it exited early (e.g. port taken)."""
        assert self.root is not None and self.port is not None and self._resources is not None
        settings = {
            **self.settings,
            "port": str(self.port),
            "unix_socket_directories": str(self.root / "socket"),
        }
        command = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)]
        for key, value in settings.items():
            command += ["-c", f"{key}={value}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        with open(self.log_file, "ab") as log:
            self._chown(self.log_file)
            process = subprocess.Popen(
                command,
                cwd=self.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal does not reach the server
                **self._run_as(),
            )
        self._resources.process = process
        deadline = time.monotonic() + self.startup_timeout
        pid_file = self.data_dir / "postmaster.pid"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self._resources.process = None
                return False
            with contextlib.suppress(OSError):
                lines = pid_file.read_text().splitlines()
                # Line 8 is the postmaster status; "ready" once it accepts connections.
                if len(lines) >= 8 and lines[7].strip() == "ready" and self._accepts():
                    return True
            time.sleep(0.02)
        raise PostgresServerError(
            f"PostgreSQL did not start within {self.startup_timeout}s:\n{self._log_tail()}"
        )

    def _accepts(self) -> bool:
        assert self.port is not None
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def _log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, PostgresServerError):
            return "(no log)"


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return name


def _quote(name: str) -> str:
    return f'"{_check_name(name)}"'


class _Resources:
    """What a started server holds; ``close()`` releases all of it, once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None
        self.admin: _Admin | None = None

    def close(self) -> None:
        if self.admin is not None:
            self.admin.close()
            self.admin = None
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGQUIT)  # postmaster: immediate shutdown
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class _Admin:
    """One asyncpg connection to the ``postgres`` database, on its own event loop thread."""

    def __init__(self, host: str, port: int, user: str) -> None:
        self._connect_args = {"host": host, "port": port, "user": user, "database": "postgres"}
        self._connection: Any = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"pg-admin-{port}", daemon=True
        )
        self._thread.start()

    def call(self, method: str, sql: str, timeout: float = 60.0) -> Any:
        future = asyncio.run_coroutine_threadsafe(self._call(method, sql), self._loop)
        return future.result(timeout)

    async def _call(self, method: str, sql: str) -> Any:
        import asyncpg

        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(**self._connect_args, timeout=30)
        return await getattr(self._connection, method)(sql)

    async def _close(self) -> None:
        if self._connection is not None and not self._connection.is_closed():
            try:
                await asyncio.wait_for(self._connection.close(), timeout=5)
            except Exception:
                self._connection.terminate()
        self._connection = None

    def close(self) -> None:
        if self._loop.is_closed():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
