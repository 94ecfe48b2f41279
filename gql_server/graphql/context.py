"""The typed per-request context every resolver reaches through ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import Info as _Info

from gql_server.db.reader import Reader
from gql_server.graphql.loaders import Loaders, RowStore


@dataclass
class Context:
    """What one GraphQL operation owns: its reader (one snapshot), its loaders and their
    row store (which the planner shares), and its
    notion of "now" (one instant for the whole operation, so defaults like
    ``dockedAt(at: now)`` batch together)."""

    reader: Reader
    loaders: Loaders = field(init=False)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    request_id: str = ""  # the HTTP request's id, for logs and error extensions
    heavy_lane: bool = False  # executing on the heavy lane's loop (gql_server/http/heavy.py)
    # The look-ahead planner's loaded rows (gql_server.graphql.planner.state.PlanState).
    plan_state: Any = field(default=None, init=False)
    # Set by the compiled executor before it resolves a root list whose events' selection
    # is a to-one chain (PostgreSQL): (the events' plan, its PointRead). The list's source
    # then reads its page and the chain in one statement, and clears it.
    page_chain: Any = None
    # The process's SubscriptionBudget (gql_server.graphql.budget): WebSocket contexts
    # carry it; each subscription then reads through its database gate.
    subscriptions: Any = None
    # The operation's measures when the HTTP view took them already (graphql/cost.py).
    measures: Any = None
    # Set by the compiled executor when the direct lane can answer this operation from now
    # on (gql_server.graphql.compiled.direct.Direct); the HTTP view keeps it.
    direct: Any = None

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.reader)

    @property
    def store(self) -> RowStore:
        """The operation's one row store: the rows the resolvers' loaders and the planner
        read, by table and id, shared by both (``graphql/loaders.py``)."""
        return self.loaders.store

    @classmethod
    def for_engine(
        cls,
        engine: AsyncEngine,
        *,
        request_id: str = "",
        heavy_lane: bool = False,
        subscriptions: Any = None,
    ) -> Context:
        return cls(
            reader=Reader(engine),
            request_id=request_id,
            heavy_lane=heavy_lane,
            subscriptions=subscriptions,
        )

    @property
    def engine(self) -> AsyncEngine:
        return self.reader.engine

    def for_operation(self) -> Context:
        """A context of its own for one operation: a WebSocket connection's operations
        share the context ``get_context`` made, but must not share snapshots or loaders.
        With a subscription budget, its reads go through the budget's database gate."""
        budget = self.subscriptions
        reader = Reader(self.engine) if budget is None else budget.reader(self.engine)
        return Context(reader=reader, request_id=self.request_id, subscriptions=budget)

    async def fresh_snapshot(self) -> None:
        """End the read transaction (releasing its connection) and forget what the loaders
        cached: the next read starts a new snapshot. Subscriptions call it between events."""
        await self.reader.close()
        self.loaders = Loaders(self.reader)
        self.plan_state = None
        self.now = datetime.now(UTC)

    async def close(self) -> None:
        await self.reader.close()


Info = _Info[Context, None]
