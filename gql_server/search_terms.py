"""The LL2 search rule (Django REST Framework's SearchFilter), made backend-independent.

DRF splits the search parameter into terms and keeps a row when every term occurs,
case-insensitively, in at least one of the searched fields. We fold case with Python's
``str.casefold()`` on both sides, at ingest (into a stored search document) and at query
time, so SQLite and PostgreSQL answer identically for any Unicode text; a plain substring
test then needs no case-insensitive collation, and ``%``, ``_`` and ``\\`` stay literal.

Both sides use this module: ingest builds the stored documents (``document``), and the
query side (``queries/search.py``, the cost walk) splits and folds a search's terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Fields in a search document are joined with the ASCII unit separator, removed from the
# fields themselves, so a term can only match across two fields if it holds the separator;
# such a term matches nothing (see ``unmatchable``). NUL would be the natural choice, but
# PostgreSQL text cannot hold it and SQLite's LIKE stops at it.
SEPARATOR = "\x1f"

# django.utils.text.smart_split: whitespace-separated bits; a bit may contain quoted
# stretches (with backslash escapes) that keep their whitespace.
_SMART_SPLIT = re.compile(
    r"""
    ((?:
        [^\s'"]*
        (?:
            (?:"(?:[^"\\]|\\.)*" | '(?:[^'\\]|\\.)*')
            [^\s'"]*
        )+
    ) | \S+)
    """,
    re.VERBOSE,
)


def split_terms(search: str) -> list[str]:
    """The terms of a search string, as DRF's ``search_smart_split`` makes them.

    Bits are split on whitespace; commas are trimmed from each bit's ends; a bit quoted
    with ``"`` or ``'`` at both ends is one term with ``\\"`` (or ``\\'``) and ``\\\\``
    unescaped; any other bit is split on commas. Empty terms are dropped.
    """
    terms: list[str] = []
    for match in _SMART_SPLIT.finditer(search.replace("\x00", "")):
        bit = match.group(0).strip(",")
        if bit[:1] in ('"', "'") and bit[0] == bit[-1]:
            quote = bit[0]
            terms.append(bit[1:-1].replace("\\" + quote, quote).replace("\\\\", "\\"))
        else:
            terms.extend(part.strip() for part in bit.split(",") if part.strip())
    return [term for term in terms if term]


def fold(text: str) -> str:
    """Case-fold ``text`` the one way both the stored documents and the terms use."""
    return text.casefold()


def document(fields: Iterable[str | None]) -> str:
    """The stored search document of a row: its searched fields, folded and joined by
    ``SEPARATOR`` (``\\x1f``)."""
    return SEPARATOR.join(fold(field).replace(SEPARATOR, "") for field in fields if field)


# Lone surrogates (a JSON string may escape one: "\ud800") are not text: no stored field
# holds one (ingest refuses them) and the database drivers cannot even encode them.
_SURROGATE = re.compile("[\ud800-\udfff]")


def unmatchable(terms: Iterable[str]) -> bool:
    """True when a term holds the separator (no single field can contain it) or a lone
    surrogate (no stored text can)."""
    return any(SEPARATOR in term or _SURROGATE.search(term) for term in terms)


def folded_terms(search: str | None) -> list[str]:
    """The folded terms of a search argument; empty when it filters nothing."""
    if search is None:
        return []
    return [fold(term) for term in split_terms(search)]
