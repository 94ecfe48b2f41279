"""Relay's global object ids: ``base64("TypeName:ll2id")``, opaque to clients."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from gql_server.graphql.errors import bad_input

MAX_ID = 2**31 - 1  # LL2 ids are positive; the database keeps them as 32-bit INTEGER


def encode_global_id(type_name: str, ll2_id: Any) -> str:
    return base64.b64encode(f"{type_name}:{ll2_id}".encode()).decode("ascii")


def decode_global_id(global_id: str, argument: str = "id") -> tuple[str, str]:
    """``(type name, LL2 id as text)``; anything that is not such an id is BAD_USER_INPUT."""
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise bad_input(f"not a global id: {global_id!r}", argument=argument) from None
    type_name, separator, raw = text.partition(":")
    if not separator or not type_name or not raw:
        raise bad_input(f"not a global id: {global_id!r}", argument=argument)
    return type_name, raw


def parse_ll2_id(raw: str, python_type: type, global_id: str, argument: str = "id") -> Any:
    try:
        if python_type is uuid.UUID:
            return uuid.UUID(raw)
        if str(int(raw)) != raw or not 0 < int(raw) <= MAX_ID:
            raise ValueError(raw)
        return int(raw)
    except ValueError:
        raise bad_input(f"not a global id: {global_id!r}", argument=argument) from None
