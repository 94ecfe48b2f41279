#!/usr/bin/env python3
"""Set everything up, then serve or test. Needs only Python 3.11+.

    python3 dev.py serve [--host H] [--port P]   GraphiQL on the seed data at /graphql
    python3 dev.py test [pytest arguments]       lint, then the whole test suite

Set-up is a virtual environment in .venv with the project and its test extras installed
(redone when pyproject.toml changes). Tests also need a PostgreSQL server binary; when it is
missing and we are root on Debian, it is installed with apt-get.
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


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
        print("error: Python 3.11 or newer is needed", file=sys.stderr)
        return 2
    if not argv or argv[0] not in {"serve", "test"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    setup()
    os.chdir(ROOT)
    if command == "serve":
        return run([str(PYTHON), "-m", "gql_server", "serve", *rest])
    ensure_postgresql()
    ensure_chromium()
    lint = run([str(PYTHON), "-m", "ruff", "check", "gql_server", "tests", "bench", "dev.py"])
    if lint != 0:
        return lint
    return run([str(PYTHON), "-m", "pytest", *rest])


def setup() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("creating .venv", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing the project and its test tools into .venv", file=sys.stderr)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "--editable", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


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


def run(command: list[str]) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
