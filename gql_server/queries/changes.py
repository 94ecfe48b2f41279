"""The change log's statements: which docking events an ingest or a sync created, updated
or removed, by data version (``docking_event_change``, written by gql_server.ingest.load),
and which of them a subscription's filter lets through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from gql_server.db import models
from gql_server.queries.docking_events import EVENTS, EventFilter

PAGE = 500  # log rows read at once when replaying or catching up
CHUNK = 500  # event ids per statement when filtering a page

LOG = models.DockingEventChange.__table__


def changes_page(seen: int, latest: int, after_seq: int) -> Select[Any]:
    """At most ``PAGE`` log rows of the versions ``seen < v <= latest`` past sequence
    ``after_seq``, in log order (a keyset on ``seq``)."""
    return (
        select(LOG)
        .where(LOG.c.version > seen, LOG.c.version <= latest, LOG.c.seq > after_seq)
        .order_by(LOG.c.seq)
        .limit(PAGE)
    )


def stored_ids(ids: Sequence[int]) -> Select[tuple[int]]:
    """Which of ``ids`` (at most ``CHUNK``) are stored docking events."""
    return select(EVENTS.c.id).where(EVENTS.c.id.in_(ids))


def matching_ids(ids: Sequence[int] | set[int], where: EventFilter) -> Select[tuple[int]]:
    """Which of the stored events ``ids`` match ``where`` as they are stored now."""
    return select(EVENTS.c.id).where(EVENTS.c.id.in_(ids), *where.conditions())
