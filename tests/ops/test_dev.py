"""A fresh clone's `python3 dev.py serve` reaches GraphiQL without installing the test tools,
says where GraphiQL is, and later commands reuse that set-up."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support.data import ROOT
from support.servers import free_port

PYTHON = getattr(sys, "_base_executable", sys.executable)  # not this venv's


def checkout(target: Path) -> None:
    """The project's files as a clone has them (tracked, plus new files not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_serve_on_a_fresh_clone_installs_the_runtime_only(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    checkout(clone)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GQL_", "DATABASE_"))}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PYTHON, "dev.py", "serve", "--port", str(port)],
            cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 400  # creating .venv and installing: a minute or so
        page = ""
        while not page:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql", headers={"accept": "text/html"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.5)
        assert "graphiql" in page.lower()
        for _ in range(50):  # the line is written right after start-up
            if f"GraphiQL: http://127.0.0.1:{port}/graphql" in log.read_text():
                break
            time.sleep(0.1)
        assert f"GraphiQL: http://127.0.0.1:{port}/graphql" in log.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    venv_python = clone / ".venv" / "bin" / "python"
    assert (clone / ".venv" / ".installed-from").read_text().endswith(" runtime")
    for tool in ("pytest", "hypothesis", "ruff", "mypy"):
        found = subprocess.run([venv_python, "-c", f"import {tool}"], capture_output=True)
        assert found.returncode != 0, f"{tool} was installed for serving"
    # Another command reuses the set-up (nothing installed) and runs in the caller's folder.
    done = subprocess.run(
        [PYTHON, str(clone / "dev.py"), "export-schema", "-o", "exported.graphql"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "installing" not in done.stderr
    assert (tmp_path / "exported.graphql").read_text() == (ROOT / "schema.graphql").read_text()
