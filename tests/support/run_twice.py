"""A pytest plugin (``-p support.run_twice``): each test's body runs twice in a row on the same
fixtures, and only the second run's outcome counts. The first run has sent every document the
test sends, so a test passes under it only if its assertions do not depend on what the app saw
before (a response cache answering a repeated document with one statement, say).
``tests/support/test_counting.py`` runs the statement-count tests this way."""

from __future__ import annotations

from collections.abc import Generator

import pytest

SUMMARY = "support.run_twice: test bodies run twice: {}"
_first_runs = 0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    global _first_runs
    item.runtest()  # the first run: whatever it leaves behind, the second run meets
    _first_runs += 1
    return (yield)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(SUMMARY.format(_first_runs))
