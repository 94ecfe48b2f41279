"""Freshness for clients: the data version and the last complete sync."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from support.client import Client

from gql_server.db.models import SyncRun


def test_data_version_and_no_sync_yet(client: Client) -> None:
    data = client.data("{ dataVersion dataUpdatedAt }")
    assert data == {"dataVersion": 1, "dataUpdatedAt": None}  # seeded once, never synced


def test_data_updated_at_is_the_last_successful_sync(client: Client) -> None:
    engine = client.http.app.state.engine  # type: ignore[attr-defined]

    def run_row(finished: datetime, outcome: str) -> dict[str, object]:
        counts = {"pages": 1, "events": 7, "inserted": 0, "updated": 0, "deleted": 0}
        return {
            "base_url": "http://127.0.0.1/2.3.0",
            "mode": "normal",
            "started_at": finished,
            "finished_at": finished,
            "outcome": outcome,
            **counts,
        }

    async def record() -> None:
        async with engine.begin() as conn:
            await conn.execute(insert(SyncRun), [
                run_row(datetime(2026, 1, 1, 12, 0, tzinfo=UTC), "succeeded"),
                run_row(datetime(2026, 2, 1, 12, 0, tzinfo=UTC), "failed"),  # not fresher
            ])  # fmt: skip

    client.http.portal.call(record)  # type: ignore[attr-defined]
    assert client.data("{ dataUpdatedAt }") == {"dataUpdatedAt": "2026-01-01T12:00:00Z"}
