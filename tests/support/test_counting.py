"""Statement counts fail for the right reasons: never on the shared, cached app, and never
depending on which documents ran before."""

from __future__ import annotations

import pytest

from support.child_pytest import passed, run_pytest
from support.client import Client
from support.run_twice import SUMMARY

# The statement-count tests that once counted on the shared `seeded` app, whose response
# cache answered a document seen before with one statement (`assert 1 == 3`).
ONCE_ON_THE_SHARED_APP = [
    "tests/graphql/test_batching.py::test_point_lookups_are_batched",
    "tests/graphql/test_stats.py::test_stats_cost_one_statement_plus_one_a_kind_of_key_object",
    "tests/graphql/test_relay.py::test_nodes_are_batched",
    "tests/graphql/test_relay.py::test_connection_statements_do_not_depend_on_the_page_size",
    "tests/graphql/test_occupancy.py::test_station_docked_at_is_batched",
    "tests/graphql/test_nested_connections.py::test_nested_connections_are_batched",
]


def test_counting_on_an_app_with_the_response_cache_on_is_refused(seeded: Client) -> None:
    with pytest.raises(AssertionError, match="counting_client"):
        seeded.count_statements("{ dockingEvents { count } }")
    # Unless the test says it counts the cache's own effect.
    assert seeded.count_statements("{ dockingEvents { count } }", cached=True) >= 1


def test_counts_hold_when_every_document_was_sent_before() -> None:
    """Each statement-count test run twice in a row on the same fixtures (the second run
    meets an app that has seen every document): it passes both times, on both backends."""
    done = run_pytest("-p", "support.run_twice", *ONCE_ON_THE_SHARED_APP)
    tests = 2 * len(ONCE_ON_THE_SHARED_APP)  # each on both backends
    assert passed(done) == tests
    assert SUMMARY.format(tests) in done.stdout  # every body ran twice
