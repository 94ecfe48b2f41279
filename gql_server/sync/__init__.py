"""Keeping the database current from the live LL2 API: ``python -m gql_server sync``.

``client`` fetches pages over HTTP (timeouts, retries with backoff and jitter, throttle
waits; ``responses`` reads their bodies and the waits they ask for), ``ledger`` keeps the books in the database (``sync_run``, the checkpoint, the ids a
pass has seen; ``last_successful_sync``), ``runner`` walks the pages and applies each one
in its own transaction through the ingest upsert (``run_sync``); ``errors`` says why a sync
stopped.
"""

from gql_server.sync.client import LL2Client, RetryPolicy
from gql_server.sync.errors import SyncError, Throttled
from gql_server.sync.ledger import last_successful_sync
from gql_server.sync.progress import Reporter
from gql_server.sync.runner import SyncOptions, SyncReport, run_sync

__all__ = [
    "LL2Client",
    "Reporter",
    "RetryPolicy",
    "SyncError",
    "SyncOptions",
    "SyncReport",
    "Throttled",
    "last_successful_sync",
    "run_sync",
]
