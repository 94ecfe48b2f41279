"""The DRF search-term rules as a pure function."""

from __future__ import annotations

import pytest

from gql_server.search_terms import SEPARATOR, document, folded_terms, split_terms


@pytest.mark.parametrize(
    ("search", "terms"),
    [
        ("dragon", ["dragon"]),
        ("  crew   dragon ", ["crew", "dragon"]),
        ("crew,dragon", ["crew", "dragon"]),
        ("crew, dragon,", ["crew", "dragon"]),
        ('"crew dragon" iss', ["crew dragon", "iss"]),
        ("'crew dragon'", ["crew dragon"]),
        (r'"say \"hi\""', ['say "hi"']),
        (r'"back\\slash"', ["back\\slash"]),
        ('",quoted, commas,"', [",quoted, commas,"]),  # commas inside quotes stay
        ("a\x00b", ["ab"]),
        ("", []),
        (" , ", []),
        ("100%", ["100%"]),
    ],
)
def test_split_terms(search: str, terms: list[str]) -> None:
    assert split_terms(search) == terms


def test_folding_is_unicode_casefold() -> None:
    assert folded_terms("STRASSE Ǆ") == ["strasse", "ǆ"]
    assert folded_terms("Straße") == ["strasse"]
    assert folded_terms(None) == []


def test_document_joins_folded_fields_without_the_separator() -> None:
    assert (
        document(["Harmony Forward", None, "", f"a{SEPARATOR}b"]) == f"harmony forward{SEPARATOR}ab"
    )
