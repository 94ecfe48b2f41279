"""Date-times do not depend on the machine's time zone. Naive date-times (no offset) are UTC
wherever they are read (ingest, arguments, the database's answers), so a machine in New York
or Kolkata serves what one in UTC does. The test machine runs in UTC, where reading naive as
local time cannot show: the golden test, the ingest property test and the date-time filter,
stats and occupancy tests run again in a child pytest under another ``TZ``, which the C
library, Python's ``datetime``, SQLite's ``localtime`` and the PostgreSQL server (initdb takes
its default ``timezone`` from ``TZ``) all follow; ``test_the_time_zone_is_in_effect`` shows
they did."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.child_pytest import passed, run_pytest
from support.databases import run

from gql_server.db.engine import create_engine

# One zone behind UTC with summer time, one ahead with a half-hour offset.
ZONES = ["America/New_York", "Asia/Kolkata"]
# Instants in winter and in summer (New York's offset differs between them).
WHEN = [datetime(2024, 1, 15, 12), datetime(2024, 7, 15, 12)]
UNDER_EACH_ZONE = [
    "tests/hardening/test_time_zones.py::test_the_time_zone_is_in_effect",
    "tests/graphql/test_golden.py",
    "tests/hardening/test_ingest_properties.py::test_valid_documents_read_back_as_ingested",
    "tests/graphql/test_docking_events.py::test_filters_combine_with_and",
    "tests/graphql/test_stats.py",
    "tests/graphql/test_occupancy.py",
]


async def database_offsets(url: str) -> list[timedelta]:
    """The offset from UTC at each of WHEN that the database's own local time has."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = []
            for naive in WHEN:
                text = naive.isoformat(sep=" ")
                if engine.dialect.name == "sqlite":
                    sql = f"SELECT strftime('%s', '{text}', 'localtime') - strftime('%s', '{text}')"
                else:
                    sql = f"SELECT EXTRACT(TIMEZONE FROM TIMESTAMPTZ '{text}+00')"
                found.append(timedelta(seconds=int((await conn.exec_driver_sql(sql)).scalar_one())))
            return found
    finally:
        await engine.dispose()


def test_the_time_zone_is_in_effect(db_url: str) -> None:
    """Python's naive conversions and the database's local time follow this process's
    ``TZ``: under a zone, its offsets; without one, the machine's, the same everywhere."""
    local = [naive.replace(tzinfo=UTC).astimezone().utcoffset() for naive in WHEN]
    zone = os.environ.get("TZ")
    if zone:
        assert local == [ZoneInfo(zone).utcoffset(naive) for naive in WHEN]
        stamp = datetime(2024, 1, 15, 12, tzinfo=UTC).timestamp()
        assert datetime.fromtimestamp(stamp) == datetime(2024, 1, 15, 12) + local[0]
    assert run(database_offsets(db_url)) == local


@pytest.mark.parametrize("zone", ZONES)
def test_date_times_read_the_same_in_another_time_zone(zone: str) -> None:
    assert all(ZoneInfo(zone).utcoffset(naive) for naive in WHEN)  # never UTC's
    # Fewer property examples than the suite's (a child run per zone); still dozens of
    # date-times, a third of them naive.
    done = run_pytest(*UNDER_EACH_ZONE, TZ=zone, GQL_HARDENING_EXAMPLES="10")
    assert passed(done) >= 2 * len(UNDER_EACH_ZONE)
