"""The typed per-request context every resolver reaches through ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.types import Info as _Info

from gql_server.graphql.loaders import Loaders
from gql_server.graphql.reader import Reader


@dataclass
class Context:
    """What one GraphQL request owns: its reader (one snapshot) and its loaders."""

    reader: Reader
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.reader)

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> Context:
        return cls(reader=Reader(engine))

    async def close(self) -> None:
        await self.reader.close()


Info = _Info[Context, None]
