#!/usr/bin/env python3
"""Set everything up, then serve, test, or run any other command. Needs only Python 3.11+.

    python3 dev.py serve [--host H] [--port P] [--workers N]   GraphiQL on the seed data
    python3 dev.py test [pytest arguments]                      lint, then the whole test suite
    python3 dev.py COMMAND [arguments]       python -m gql_server COMMAND in .venv (ingest,
                                             migrate, sync, generate, export-schema)

Set-up is a virtual environment in .venv: the project alone for serving and the other
commands, the project with its test extra (test tools, OpenTelemetry) for `test`. It is
redone when pyproject.toml changes; `.venv/.installed-from` says what was installed, so
`serve` after `test` installs nothing and `test` after `serve` adds the test extra only.
Tests also need a PostgreSQL server binary; when it is missing and we are root on Debian,
it is installed with apt-get.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed-from"
# python -m gql_server's commands that dev.py runs after setting up the runtime.
COMMANDS = ("serve", "ingest", "migrate", "sync", "generate", "export-schema")


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
        print("error: Python 3.11 or newer is needed", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"test", *COMMANDS}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    setup(test=command == "test")
    if command != "test":
        # In the caller's folder: the command's paths (ingest PATH, -o FILE) are theirs.
        return subprocess.run([str(PYTHON), "-m", "gql_server", command, *rest]).returncode
    os.chdir(ROOT)
    ensure_postgresql()
    ensure_chromium()
    ensure_node()
    lint = run([str(PYTHON), "-m", "ruff", "check", "gql_server", "tests", "bench", "dev.py"])
    if lint != 0:
        return lint
    return run([str(PYTHON), "-m", "pytest", *rest])


def installed() -> tuple[str, str]:
    """What the stamp says: (pyproject.toml's hash, "runtime" or "test"); empty if none."""
    if not PYTHON.exists() or not STAMP.exists():
        return "", ""
    digest, _, extent = STAMP.read_text().strip().partition(" ")
    return digest, extent or "test"  # a stamp without an extent predates this: test


def setup(*, test: bool) -> None:
    """.venv with the runtime (``test`` false) or the runtime and the test extra, installed
    from pyproject.toml as it is now; nothing to do when the stamp says it is there."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    digest, extent = installed()
    if digest == wanted and (extent == "test" or not test):
        return
    if not PYTHON.exists():
        print("creating .venv", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # What is already there stays: serving after testing keeps the test tools.
    test = test or extent == "test"
    target = f"{ROOT}[test]" if test else str(ROOT)
    what = "the project and its test tools" if test else "the project (no test tools)"
    print(f"installing {what} into .venv", file=sys.stderr)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not digest:
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--editable", target], check=True)
    STAMP.write_text(f"{wanted} {'test' if test else 'runtime'}")


def ensure_postgresql() -> None:
    """The PostgreSQL tests need initdb and pg_ctl; install Debian's server when missing."""
    if os.environ.get("GQL_PG_BIN") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing the PostgreSQL server with apt-get", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env)
    else:
        print("note: no PostgreSQL server found; its tests will be skipped", file=sys.stderr)


def ensure_chromium() -> None:
    """The GraphiQL browser test drives Debian's Chromium; install it when missing."""
    if Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Chromium with apt-get", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
            check=True,
            env=env,
        )
    else:
        print("note: no /usr/bin/chromium; the GraphiQL browser test will be skipped", file=sys.stderr)


def ensure_node() -> None:
    """The client examples' tests (web, Relay, Apollo) run under Node.js; install Debian's
    when missing."""
    if shutil.which("node") and shutil.which("npm"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing Node.js and npm with apt-get", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "nodejs", "npm"], check=True, env=env)
    else:
        print("note: no node/npm; the client example tests will be skipped", file=sys.stderr)


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
