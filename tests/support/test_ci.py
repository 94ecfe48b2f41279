"""Under CI nothing is skipped: a missing PostgreSQL, Chromium or Node.js fails the tests that
need it (a laptop without them skips those, saying why), and so does any other skip. Each case
is a child pytest run without ``CI`` and with it."""

from __future__ import annotations

from pathlib import Path

from support.child_pytest import outcomes, run_pytest
from support.skip_all import REASON


def both_ways(*args: str, **env: str) -> tuple[dict[str, int], dict[str, int], str]:
    """The outcomes of ``args`` run without ``CI`` and with ``CI=true``, and the latter's
    output."""
    laptop = run_pytest(*args, without=("CI",), **env)
    ci = run_pytest(*args, CI="true", **env)
    return outcomes(laptop), outcomes(ci), ci.stdout


def test_without_postgresql(tmp_path: Path) -> None:
    # One SQLite and one PostgreSQL run of a test; GQL_PG_BIN names a folder with no server.
    test = "tests/db/test_scale_out.py::test_reads_go_to_the_read_url"
    laptop, ci, output = both_ways(test, GQL_PG_BIN=str(tmp_path))
    assert laptop == {"passed": 1, "skipped": 1}
    assert ci == {"passed": 1, "failed": 1}, output
    assert "CI must run the PostgreSQL tests" in output


def test_without_chromium(tmp_path: Path) -> None:
    # No browser at GQL_CHROMIUM, and no apt-get on the PATH to install one with.
    test = "tests/frontend/test_graphiql_browser.py::test_graphiql_runs_the_default_query_offline"
    laptop, ci, output = both_ways(test, GQL_CHROMIUM=str(tmp_path / "chromium"), PATH=str(tmp_path))
    assert laptop == {"skipped": 1}
    assert ci == {"failed": 1}, output
    assert "(GQL_CHROMIUM) is missing (CI is set" in output


def test_without_node(tmp_path: Path) -> None:
    # No node or npm on the PATH (pytest itself runs from sys.executable's absolute path).
    test = "tests/frontend/test_web_client.py::test_schema_is_valid_for_graphql_js"
    laptop, ci, output = both_ways(test, PATH=str(tmp_path))
    assert laptop == {"skipped": 1}
    assert ci == {"failed": 1}, output
    assert "Node.js (node and npm) is not installed" in output


def test_any_other_skip_fails_under_ci() -> None:
    test = "tests/graphql/test_schema.py::test_schema_file_matches_the_running_schema"
    laptop, ci, output = both_ways("-p", "support.skip_all", test)
    assert laptop == {"skipped": 1}
    assert ci == {"failed": 1}, output
    assert f"skipped under CI, where every test must run: {REASON}" in output
