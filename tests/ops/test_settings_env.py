"""Every ``GQL_*`` variable goes through one set of readers (gql_server/env.py): junk is
refused with a message naming the variable, whichever part of the configuration reads it."""

from __future__ import annotations

import pytest

from gql_server import env
from gql_server.settings import Limits, Settings, TransportLimits, log_format_from_env


@pytest.mark.parametrize(
    "name",
    ["GQL_GRAPHIQL", "GQL_PLANNER", "GQL_METRICS", "GQL_TRACING", "GQL_INTROSPECTION"],
)
def test_every_boolean_refuses_junk_the_same_way(name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{name} must be a boolean .*got 'ture'"):
        Settings.from_env({name: "ture"})
    assert Settings.from_env({name: " Off "}) == Settings.from_env({name: "0"})
    assert Settings.from_env({name: "YES"}) == Settings.from_env({name: "1"})


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("GQL_MAX_DEPTH", "twelve", "GQL_MAX_DEPTH must be a whole number, got 'twelve'"),
        ("GQL_MAX_DEPTH", "-3", "GQL_MAX_DEPTH must be positive, got '-3'"),
        ("GQL_TIMEOUT_SECONDS", "inf", "GQL_TIMEOUT_SECONDS must be a finite number of seconds"),
        ("GQL_WS_MAX_CONNECTIONS", "1.5", "GQL_WS_MAX_CONNECTIONS must be a whole number"),
        ("GQL_BODY_TIMEOUT_SECONDS", "0", "GQL_BODY_TIMEOUT_SECONDS must be a finite number"),
        ("GQL_MAX_BODY_BYTES", "-1", "GQL_MAX_BODY_BYTES must be a number of bytes >= 0"),
        ("GQL_SYNC_MAX_WAIT", "nan", "GQL_SYNC_MAX_WAIT must be a finite number of seconds"),
        ("GQL_LOG_FORMAT", "xml", "GQL_LOG_FORMAT must be one of text, json, got 'xml'"),
    ],
)
def test_junk_is_refused_naming_the_variable(name: str, value: str, said: str) -> None:
    with pytest.raises(ValueError) as refused:
        Settings.from_env({name: value})
    assert said in str(refused.value)


def test_values_are_read_into_the_right_fields() -> None:
    settings = Settings.from_env(
        {
            "GQL_MAX_COST": "1000",
            "GQL_HEAVY_QUEUE_SECONDS": "0.5",
            "GQL_INTROSPECTION": "no",
            "GQL_WS_MAX_SUBSCRIPTIONS": "3",
            "GQL_HEADER_TIMEOUT_SECONDS": "2.5",
            "GQL_CACHE_MAX_AGE": "0",
            "GQL_LOG_FORMAT": " JSON ",
            "GQL_MAX_DEPTH": "",  # blank: the default
        }
    )
    assert settings.limits == Limits(max_cost=1000, heavy_queue_seconds=0.5, introspection=False)
    assert settings.transport == TransportLimits(ws_max_subscriptions=3, header_timeout_seconds=2.5)
    assert settings.cache_max_age == 0 and settings.log_format == "json"
    assert Settings.from_env({}) == Settings()
    assert log_format_from_env({}) == "text"


def test_the_readers_directly() -> None:
    assert env.flag({}, "X", True) is True
    assert env.positive_int({"X": "7"}, "X", 1) == 7
    assert env.byte_size({"X": "0"}, "X", 5) == 0
    assert env.seconds({"X": "0.25"}, "X", 1.0) == 0.25
    with pytest.raises(ValueError, match=r"^X must be a boolean"):
        env.flag({"X": "2"}, "X", False)
