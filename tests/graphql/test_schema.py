"""The public contract: schema.graphql is the running schema, and everything is described."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLUnionType
from support.data import ROOT

from gql_server.graphql.schema import build_schema, sdl

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def test_schema_file_matches_the_running_schema() -> None:
    assert (ROOT / "schema.graphql").read_text() == sdl(), (
        "schema.graphql is stale: run `python -m gql_server export-schema -o schema.graphql`"
    )


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    schema = build_schema()._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{v}" for v, value in graphql_type.values.items() if not value.description
            ]
        if isinstance(graphql_type, GraphQLUnionType):
            assert graphql_type.types
    assert missing == []


def test_union_members_agree_on_shared_fields() -> None:
    """GraphQL's field-merging rule: a field selected on every member needs one type."""
    schema = build_schema()._schema
    union = schema.type_map["DockingParty"]
    assert isinstance(union, GraphQLUnionType)
    seen: dict[str, str] = {}
    for member in union.types:
        for field_name, field in member.fields.items():
            kind = str(field.type)
            assert seen.setdefault(field_name, kind) == kind, (member.name, field_name)
    assert {m.name for m in union.types} == {"SpacecraftFlight", "PayloadFlight", "SpaceStation"}
