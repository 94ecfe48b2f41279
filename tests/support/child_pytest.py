"""pytest in a child process on this checkout, for tests that need a run of other tests under
conditions a fixture cannot set (a plugin, the process's time zone)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.data import ROOT


def run_pytest(
    *args: str, without: tuple[str, ...] = (), timeout: float = 900, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest -q args...`` in ROOT with ``env`` added to this process's
    environment and the variables named in ``without`` removed, this checkout's package
    first on the path; output captured as text."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    environ = {k: v for k, v in os.environ.items() if k not in without}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env={**environ, "PYTHONPATH": path, **env},
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


def outcomes(done: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """The run's closing counts: ``{"passed": 1, "skipped": 1}``, ``{"failed": 2}``...; an
    error (a failure in a fixture) counts as failed."""
    summary = done.stdout.strip().splitlines()[-1]
    found: dict[str, int] = {}
    for number, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary):
        word = "failed" if word.startswith("error") else word
        found[word] = found.get(word, 0) + int(number)
    return found
