"""pytest in a child process on this checkout, for tests that need a run of other tests under
conditions a fixture cannot set (a plugin, the process's time zone)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.data import ROOT


def run_pytest(*args: str, timeout: float = 900, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m pytest -q args...`` in ROOT with ``env`` added to this process's
    environment, this checkout's package first on the path; output captured as text."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def passed(done: subprocess.CompletedProcess[str]) -> int:
    """How many tests passed in a run that must have passed whole: anything failed, skipped,
    deselected or in error fails the calling test, with the run's output."""
    output = done.stdout[-6000:] + done.stderr[-3000:]
    assert done.returncode == 0, output
    summary = done.stdout.strip().splitlines()[-1]
    found = re.fullmatch(r"(\d+) passed in [\d.]+s( \(.*\))?", summary)
    assert found is not None, output
    return int(found.group(1))
