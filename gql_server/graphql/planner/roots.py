"""Root fields the planner reads in one statement before their resolver runs (PostgreSQL):
a lone page of to-one chains (``page_chain``). ``planner/executor.py`` asks."""

from __future__ import annotations

from typing import Any, Protocol

from graphql import GraphQLObjectType, OperationDefinitionNode, get_named_type

from gql_server.graphql.context import Context
from gql_server.graphql.planner.plan import ObjectPlan
from gql_server.graphql.planner.point import PointRead, point_read


class Host(Protocol):
    """What ``page_chain`` reads of the planning executor."""

    context_value: Any
    operation: OperationDefinitionNode

    def _subfields(self, gtype: GraphQLObjectType, field_details_list: Any) -> Any: ...
    def _plan(self, gtype: GraphQLObjectType, field_details_list: Any) -> ObjectPlan | None: ...


def page_chain(
    ex: Host, parent_type: GraphQLObjectType, field_details_list: Any
) -> tuple[ObjectPlan, PointRead] | None:
    """(the events' plan, its chain's read) for the only root field of an operation on
    PostgreSQL when it is a list whose selection is ``results`` alone (and ``__typename``),
    over a planned selection of two tables or more that only follows to-one relations
    (``dockingEvents(search: ...) { results { ... } }``): the list's source then reads its
    page and the chain in one statement, alone (``Context.page_chain``)."""
    context = ex.context_value
    if not isinstance(context, Context) or context.reader.engine.dialect.name != "postgresql":
        return None
    if len(ex.operation.selection_set.selections) != 1:
        return None
    field_def = parent_type.fields.get(field_details_list[0].node.name.value)
    page_type = None if field_def is None else get_named_type(field_def.type)
    if not isinstance(page_type, GraphQLObjectType) or "results" not in page_type.fields:
        return None
    asked = ex._subfields(page_type, field_details_list)
    names = {details[0].node.name.value for details in asked.values()}
    results = [details for details in asked.values() if details[0].node.name.value == "results"]
    if names - {"results", "__typename"} or len(results) != 1:
        return None
    events = get_named_type(page_type.fields["results"].type)
    if not isinstance(events, GraphQLObjectType):
        return None
    plan = ex._plan(events, results[0])
    if plan is None:
        return None
    read = point_read(plan)
    if read is None or len({node.table.name for node in read.nodes[1:]}) < 2:
        return None
    return plan, read
